import { describe, expect, it } from 'vitest';
import type { ImagesFile } from '@quickship/manifests';
import { InvalidImageNameError } from '../core/errors.ts';
import {
  LocalImageNotBuiltError,
  UnexpandedImageReferenceError,
  UnknownEnvironmentError,
  WrongImageRepositoryError,
} from './errors.ts';
import { formatImagesFile, planRelease } from './plan.ts';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const images: ImagesFile = { eks: { payments: `${ECR}:v1.0.0` }, local: { payments: 'quickship/payments:0.1.0' } };
const ecrRule = {
  pattern: /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/quickship\/payments$/,
  describe: '<account>.dkr.ecr.<region>.amazonaws.com/quickship/payments',
};

describe('planRelease', () => {
  it('pins the new reference for the environment only, and says so in the commit message', () => {
    const reference = `${ECR}:v1.1.0@${DIGEST}`;
    const plan = planRelease({ reference, environment: 'eks', images, repositoryRule: ecrRule });
    expect(plan.changed).toBe(true);
    expect(plan.previous).toBe(`${ECR}:v1.0.0`);
    expect(plan.images).toEqual({ eks: { payments: reference }, local: images.local });
    expect(plan.commitMessage.split('\n')[0]).toBe(`release: payments ${reference}`);
    expect(JSON.parse(formatImagesFile(plan.images))).toEqual(plan.images);
    expect(Object.keys(JSON.parse(formatImagesFile(plan.images)) as object)).toEqual(['eks', 'local']);
  });

  it('is a no-op when the environment already runs the reference', () => {
    const plan = planRelease({ reference: `${ECR}:v1.0.0`, environment: 'eks', images });
    expect(plan.changed).toBe(false);
    expect(plan.images).toBe(images);
  });

  it.each([
    ['${{ steps.image.outputs.ref }}'],
    ['$IMAGE_REF'],
    ['${REGISTRY}/quickship/payments:${TAG}'],
    [`${ECR}:$(git describe --tags)`],
    [`${ECR}:{{ .Values.tag }}`],
  ])('refuses the unexpanded reference %s', (reference) => {
    expect(() => planRelease({ reference, environment: 'eks', images })).toThrow(UnexpandedImageReferenceError);
    expect(() => planRelease({ reference, environment: 'eks', images })).toThrow(`"${reference}"`);
  });

  it.each([
    ['quickship/payments:v1.1.0', /no registry host/],
    [ECR, /no tag or digest/],
    [`${ECR}:latest`, /mutable tag "latest"/],
  ])('refuses %s: not fully expanded', (reference, reason) => {
    expect(() => planRelease({ reference, environment: 'eks', images })).toThrow(UnexpandedImageReferenceError);
    expect(() => planRelease({ reference, environment: 'eks', images })).toThrow(reason);
  });

  it('names a malformed reference as InvalidImageName', () => {
    expect(() => planRelease({ reference: `${ECR}:v1 .0`, environment: 'eks', images })).toThrow(InvalidImageNameError);
    expect(() =>
      planRelease({ reference: 'Registry.example.com/QuickShip/payments:v1', environment: 'eks', images }),
    ).toThrow(/InvalidImageName: "Registry.example.com\/QuickShip\/payments:v1"/);
  });

  it("refuses another image, another environment's registry, and an unknown environment", () => {
    expect(() =>
      planRelease({
        reference: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/orders:v1',
        environment: 'eks',
        images,
      }),
    ).toThrow(WrongImageRepositoryError);
    expect(() =>
      planRelease({ reference: 'ghcr.io/example/payments:v1', environment: 'eks', images, repositoryRule: ecrRule }),
    ).toThrow(/env eks takes <account>\.dkr\.ecr/);
    expect(() => planRelease({ reference: `${ECR}:v2`, environment: 'staging', images })).toThrow(
      UnknownEnvironmentError,
    );
    expect(() => planRelease({ reference: `${ECR}:v2`, environment: 'staging', images })).toThrow(
      '(known: eks, local)',
    );
  });

  it('env local: takes a registry-less tag that has a local build, and names the build command otherwise', () => {
    const plan = planRelease({
      reference: 'quickship/payments:git-1a2b3c4',
      environment: 'local',
      images,
      localBuildTags: new Set(['git-1a2b3c4']),
    });
    expect(plan.images.local).toEqual({ payments: 'quickship/payments:git-1a2b3c4' });
    const missing = (): unknown =>
      planRelease({
        reference: 'quickship/payments:git-9999999',
        environment: 'local',
        images,
        localBuildTags: new Set(['git-1a2b3c4']),
      });
    expect(missing).toThrow(LocalImageNotBuiltError);
    try {
      missing();
    } catch (error) {
      expect((error as LocalImageNotBuiltError).fix).toBe('quickship build --tag git-9999999');
    }
    expect(() =>
      planRelease({
        reference: `quickship/payments@${DIGEST}`,
        environment: 'local',
        images,
        localBuildTags: new Set(),
      }),
    ).toThrow(/maps images by tag/);
    expect(() =>
      planRelease({
        reference: 'quickship/payments:latest',
        environment: 'local',
        images,
        localBuildTags: new Set(['latest']),
      }),
    ).toThrow(UnexpandedImageReferenceError);
  });
});
