// Why `quickship release` refuses. Each names the value and carries the fix the CLI prints.
import { UserError } from '../errors.ts';

/** The reference still holds a variable or template, or lacks a registry, tag or digest. */
export class UnexpandedImageReferenceError extends UserError {
  override readonly code = 'Invalid';
  override readonly fix =
    'pass the resolved reference, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments:v1.4.2@sha256:<64 hex> (in CI: the build step output)';
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`refusing to release "${reference}": it is not fully expanded: ${reason}`);
    this.name = 'UnexpandedImageReferenceError';
  }
}

/** The image is not a payments image, or breaks the environment's repository rule. */
export class WrongImageRepositoryError extends UserError {
  override readonly code = 'Invalid';
  constructor(
    readonly reference: string,
    reason: string,
    override readonly fix: string,
  ) {
    super(`refusing to release "${reference}": ${reason}`);
    this.name = 'WrongImageRepositoryError';
  }
}

/** images.json has no such environment. */
export class UnknownEnvironmentError extends UserError {
  override readonly code = 'NotFound';
  override readonly fix: string;
  constructor(
    readonly environment: string,
    known: readonly string[],
  ) {
    super(
      `environment "${environment}" is not in packages/manifests/images.json (known: ${known.join(', ') || 'none'})`,
    );
    this.name = 'UnknownEnvironmentError';
    this.fix = `pass --env ${known[0] ?? 'eks'}`;
  }
}

/** env local: the tag has no build in the local registry (.quickship/registry/<tag>/). */
export class LocalImageNotBuiltError extends UserError {
  override readonly code = 'NotFound';
  override readonly fix: string;
  constructor(
    readonly reference: string,
    readonly tag: string,
  ) {
    super(`refusing to release "${reference}" to env local: tag "${tag}" has no local build (ErrImagePull)`);
    this.name = 'LocalImageNotBuiltError';
    this.fix = `quickship build --tag ${tag}`;
  }
}

/** The files a release rewrites have uncommitted changes, which its commit would sweep in. */
export class DirtyReleaseFilesError extends UserError {
  override readonly code = 'Conflict';
  override readonly fix = 'commit or stash these changes, then run the release again';
  constructor(readonly files: readonly string[]) {
    super(`refusing to release: files the release rewrites have uncommitted changes: ${files.join(', ')}`);
    this.name = 'DirtyReleaseFilesError';
  }
}

/** The rendered tree failed validation; nothing was written. */
export class ReleaseValidationError extends UserError {
  override readonly code = 'Invalid';
  override readonly fix = 'fix the manifests code or the reference; nothing was written or committed';
  constructor(readonly problems: readonly string[]) {
    super(`refusing to release: the rendered deploy/ tree does not validate:\n  ${problems.join('\n  ')}`);
    this.name = 'ReleaseValidationError';
  }
}

/** packages/manifests/images.json is missing or unreadable (the manifests package's ImageReferenceError). */
export class ImagesFileError extends UserError {
  override readonly code = 'Invalid';
  constructor(message: string) {
    super(message, 'restore packages/manifests/images.json (git checkout -- packages/manifests/images.json)');
    this.name = 'ImagesFileError';
  }
}
