import { describe, expect, it } from 'vitest';
import { InvalidImageNameError } from './errors.ts';
import { checkFullyExpanded, isFullyExpanded, parseImageReference } from './image-ref.ts';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx', lastSegment: 'nginx', normalizedName: 'docker.io/library/nginx' }],
    ['nginx:1.19-alpine', { repository: 'nginx', tag: '1.19-alpine' }],
    [
      'argoproj/rollouts-demo:blue',
      {
        repository: 'argoproj/rollouts-demo',
        lastSegment: 'rollouts-demo',
        tag: 'blue',
        normalizedName: 'docker.io/argoproj/rollouts-demo',
      },
    ],
    [
      `${ECR}:1.4.2`,
      {
        registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        repository: 'quickship/payments',
        lastSegment: 'payments',
        tag: '1.4.2',
      },
    ],
    ['localhost:5000/payments:dev', { registry: 'localhost:5000', repository: 'payments', tag: 'dev' }],
    ['localhost/payments', { registry: 'localhost', repository: 'payments' }],
    [`payments@${DIGEST}`, { repository: 'payments', digest: DIGEST }],
    [`${ECR}:1.4.2@${DIGEST}`, { tag: '1.4.2', digest: DIGEST }],
    ['payments:a1b2c3d', { repository: 'payments', lastSegment: 'payments', tag: 'a1b2c3d' }],
  ])('parses %s', (raw, expected) => {
    expect(parseImageReference(raw)).toMatchObject(expected);
  });

  it.each([
    ['', /at least one component/],
    ['Payments:1', /must be lowercase/],
    ['payments:', /invalid reference format: empty tag or digest/],
    ['https://registry/payments:1', /invalid reference format: a reference has no scheme/],
    ['payments:1:2', /invalid reference format/],
    ['payments:${TAG}', /unexpanded variable/],
    ['pay ments', /invalid reference format/],
    [`payments@sha256:${'a'.repeat(31)}`, /invalid reference format/],
    [`payments@sha256:${'a'.repeat(63)}`, /invalid checksum digest length/],
    [`payments@sha256:${'a'.repeat(65)}`, /invalid checksum digest length/],
    [`payments@md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
    [`${'a'.repeat(256)}`, /not be more than 255 characters/],
    ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
  ])('rejects %j with InvalidImageName and the reason', (raw, reason) => {
    expect(() => parseImageReference(raw)).toThrow(InvalidImageNameError);
    expect(() => parseImageReference(raw)).toThrow(reason);
  });
});

describe('isFullyExpanded / checkFullyExpanded', () => {
  it('accepts a registry host with a version tag or a digest', () => {
    expect(isFullyExpanded(`${ECR}:1.4.2`)).toBe(true);
    expect(isFullyExpanded(`${ECR}@${DIGEST}`)).toBe(true);
  });
  it.each([
    [`${ECR}:\${TAG}`, /unexpanded variable or template/],
    [`${ECR}:$(git rev-parse HEAD)`, /unexpanded/],
    [`${ECR}:{{ .Values.tag }}`, /unexpanded/],
    ['quickship/payments:1.4.2', /no registry host \(it would resolve to docker\.io\/quickship\/payments\)/],
    [ECR, /no tag or digest/],
    [`${ECR}:latest`, /mutable tag "latest"/],
    [`${ECR}:1.4.2:x`, /InvalidImageName/],
  ])('refuses %s', (raw, reason) => {
    const check = checkFullyExpanded(raw);
    expect(check.expanded).toBe(false);
    expect(check.reason).toMatch(reason);
  });
});
