// Image references from images.json: only fully expanded, environment-appropriate references render.
import { describe, expect, it } from 'vitest';
import { eks, local } from './environments/index.ts';
import { ImageReferenceError } from './errors.ts';
import { parseImageReference, parseImagesFile, paymentsImage } from './images.ts';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments';
const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('parseImageReference', () => {
  it('splits repository, tag and digest, and derives APP_VERSION', () => {
    expect(parseImageReference(`${ECR}:1.4.2`)).toEqual({
      full: `${ECR}:1.4.2`,
      repository: ECR,
      tag: '1.4.2',
      version: '1.4.2',
    });
    expect(parseImageReference(`${ECR}@${DIGEST}`)).toMatchObject({
      repository: ECR,
      digest: DIGEST,
      version: 'a1a1a1a1a1a1',
    });
    expect(parseImageReference(`localhost:5001/quickship/payments:dev`)).toMatchObject({
      repository: 'localhost:5001/quickship/payments',
      tag: 'dev',
    });
  });

  it.each([
    `${ECR}:\${TAG}`,
    `${ECR}:<tag>`,
    `${ECR}:{{tag}}`,
    ` ${ECR}:1`,
    `${ECR}@sha256:abc`,
    `${ECR}:-bad`,
    `QuickShip/Payments:1`,
    '',
  ])('rejects %j', (ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });
});

describe('paymentsImage', () => {
  const images = (ref: string) => ({ eks: { payments: ref }, local: { payments: 'quickship/payments:0.1.0' } });

  it('accepts the ECR repository with a tag or a digest', () => {
    expect(paymentsImage(eks, images(`${ECR}:1.4.2`)).full).toBe(`${ECR}:1.4.2`);
    expect(paymentsImage(eks, images(`${ECR}:1.4.2@${DIGEST}`)).version).toBe('1.4.2');
    expect(paymentsImage(local, images(`${ECR}:1.4.2`)).full).toBe('quickship/payments:0.1.0');
  });

  it.each([
    [`${ECR}`, /has neither a tag nor a digest/],
    [`${ECR}:latest`, /mutable tag "latest"/],
    [
      'docker.io/quickship/payments:1.0.0',
      /not in the repository <account>\.dkr\.ecr\.<region>\.amazonaws\.com\/quickship\/payments/,
    ],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/quickship/payments:1.0.0',
      /ECR region us-east-1, but environment "eks" runs in eu-west-1/,
    ],
    [`${ECR}:\${GITHUB_SHA}`, /not a fully expanded image reference/],
  ])('refuses %j for eks', (ref, message) => {
    expect(() => paymentsImage(eks, images(ref))).toThrow(ImageReferenceError);
    expect(() => paymentsImage(eks, images(ref))).toThrow(message);
  });

  it('names the missing entry and the file to edit', () => {
    expect(() => paymentsImage(eks, { local: { payments: 'quickship/payments:1' } })).toThrow(
      /images\.json has no "eks\.payments" image \(edit packages\/manifests\/images\.json, then run npm run render\)/,
    );
  });
});

describe('parseImagesFile', () => {
  it('accepts { env: { name: ref } } and rejects other shapes', () => {
    expect(parseImagesFile({ eks: { payments: 'x' } })).toEqual({ eks: { payments: 'x' } });
    expect(() => parseImagesFile([])).toThrow(ImageReferenceError);
    expect(() => parseImagesFile({ eks: 'x' })).toThrow(/"eks" must be an object/);
    expect(() => parseImagesFile({ eks: { payments: 1 } })).toThrow(/"eks\.payments" must be a string/);
  });
});
