// The runtime's named errors. Each message names the bad value and the command that fixes it.
// `reason` mirrors the container waiting reason Kubernetes shows for the same failure.
import { UserError } from '../errors.ts';

/** The image's tag has no local build (Kubernetes: ErrImagePull). */
export class ImagePullError extends UserError {
  override readonly code = 'NotFound';
  readonly reason = 'ErrImagePull';
  constructor(message: string) {
    super(message);
    this.name = 'ImagePullError';
  }
}

/** The tag's build was made by an older quickship (no image config): ErrImagePull until rebuilt. */
export class OutdatedBuildError extends ImagePullError {
  override readonly fix: string;
  constructor(
    readonly image: string,
    readonly tag: string,
    readonly commit: string,
  ) {
    const fix = `quickship build --tag ${tag} --commit ${commit.slice(0, 12)}`;
    super(
      `image "${image}": tag "${tag}" was built by an older quickship, without the Dockerfile's bundle step and image config; rebuild it: ${fix}`,
    );
    this.fix = fix;
    this.name = 'OutdatedBuildError';
  }
}

/** The image reference cannot be parsed (Kubernetes: InvalidImageName): core's parser raises it. */
export { InvalidImageNameError } from '../core/errors.ts';

/** A tag already holds a build of another commit: tags are immutable, as in an ECR repository with tag immutability. */
export class TagImmutableError extends UserError {
  override readonly code = 'Conflict';
  constructor(
    readonly tag: string,
    readonly existingCommit: string,
    readonly requestedCommit: string,
  ) {
    super(
      `tag "${tag}" already holds commit ${existingCommit.slice(0, 12)}; tags are immutable, so commit ${requestedCommit.slice(0, 12)} needs a new tag: quickship build --tag <new-tag>`,
    );
    this.name = 'TagImmutableError';
  }
}

/** A build could not be produced (bad tag, unknown commit, missing entrypoint, failed install). */
export class BuildError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}
