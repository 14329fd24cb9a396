// Pure release planning: validate an image reference for an environment and compute the new
// images.json and the commit message. No fs, git or network: the shell (apply.ts) gathers the
// facts (current images.json, local builds) and carries the plan out.
import type { ImagesFile } from '@quickship/manifests';
import { checkFullyExpanded, parseImageReference } from '../core/image-ref.ts';
import {
  LocalImageNotBuiltError,
  UnexpandedImageReferenceError,
  UnknownEnvironmentError,
  WrongImageRepositoryError,
} from './errors.ts';

/** The images.json key and the repository's last path segment of the released image. */
export const RELEASED_IMAGE = 'payments';

/** The environment the local engine runs: images map to local builds by tag, with no registry. */
export const LOCAL_ENVIRONMENT = 'local';

export interface ReleaseFacts {
  readonly reference: string;
  readonly environment: string;
  readonly images: ImagesFile;
  /** env local only: tags that have a build in the local registry (.quickship/registry/<tag>/). */
  readonly localBuildTags?: ReadonlySet<string>;
  /** The environment's own rule for the repository part, if the manifests define one. */
  readonly repositoryRule?: { readonly pattern: RegExp; readonly describe: string };
}

export interface ReleasePlan {
  readonly environment: string;
  readonly reference: string;
  readonly previous: string | undefined;
  readonly images: ImagesFile;
  /** False when the environment already runs this reference: nothing to write or commit. */
  readonly changed: boolean;
  readonly commitMessage: string;
}

// Left unexpanded by a shell or a CI template: `${VAR}`, `$(cmd)`, `{{ … }}`, `${{ … }}`, `$VAR`.
const PLACEHOLDER = /\$\{|\$\(|\{\{|\}\}|\$[A-Za-z_]/;

/** Refuses anything but a fully expanded payments reference; returns what the release writes. */
export function planRelease(facts: ReleaseFacts): ReleasePlan {
  const { reference, environment, images } = facts;
  const local = environment === LOCAL_ENVIRONMENT;
  validateReference(reference, { requireRegistry: !local });

  const entry = images[environment];
  if (!entry) throw new UnknownEnvironmentError(environment, Object.keys(images).sort());

  const parsed = parseImageReference(reference);
  if (parsed.lastSegment !== RELEASED_IMAGE) {
    throw new WrongImageRepositoryError(
      reference,
      `repository "${parsed.repository}" is not a ${RELEASED_IMAGE} image`,
      `release an image whose repository ends in /${RELEASED_IMAGE}, e.g. <registry>/quickship/${RELEASED_IMAGE}:<tag>`,
    );
  }
  const repository = parsed.registry ? `${parsed.registry}/${parsed.repository}` : parsed.repository;
  if (facts.repositoryRule && !facts.repositoryRule.pattern.test(repository)) {
    throw new WrongImageRepositoryError(
      reference,
      `env ${environment} takes ${facts.repositoryRule.describe}, not "${repository}"`,
      `release to the environment this registry belongs to, or push the image to ${facts.repositoryRule.describe}`,
    );
  }
  if (local) {
    if (!parsed.tag)
      throw new UnexpandedImageReferenceError(reference, 'env local maps images by tag, and this reference has none');
    if (!facts.localBuildTags?.has(parsed.tag)) throw new LocalImageNotBuiltError(reference, parsed.tag);
  }

  const previous = entry[RELEASED_IMAGE];
  const changed = previous !== reference;
  return {
    environment,
    reference,
    previous,
    images: changed ? { ...images, [environment]: { ...entry, [RELEASED_IMAGE]: reference } } : images,
    changed,
    commitMessage: `release: ${RELEASED_IMAGE} ${reference}\n\nenvironment: ${environment}\nprevious: ${previous ?? '(none)'}\n`,
  };
}

/**
 * Throws unless the reference is valid and fully expanded, as core/image-ref.ts defines it
 * (registry host, tag or digest, not `latest`, no placeholder). A local build has no registry,
 * so `requireRegistry: false` (env local) accepts `quickship/payments:<tag>`.
 */
export function validateReference(
  reference: string,
  options: { readonly requireRegistry: boolean } = { requireRegistry: true },
): void {
  if (PLACEHOLDER.test(reference))
    throw new UnexpandedImageReferenceError(reference, 'it contains an unexpanded variable or template');
  const parsed = parseImageReference(reference); // a malformed reference: InvalidImageNameError naming it
  if (!options.requireRegistry && parsed.registry === undefined) {
    if (parsed.tag === undefined && parsed.digest === undefined)
      throw new UnexpandedImageReferenceError(reference, 'it has no tag or digest (it would resolve to :latest)');
    if (parsed.tag === 'latest')
      throw new UnexpandedImageReferenceError(
        reference,
        'it uses the mutable tag "latest"; pin a version tag or a digest',
      );
    return;
  }
  const check = checkFullyExpanded(reference);
  if (!check.expanded) throw new UnexpandedImageReferenceError(reference, check.reason ?? 'unknown reason');
}

/** images.json as the release writes it: the parsed key order kept, two-space indent, final newline. */
export function formatImagesFile(images: ImagesFile): string {
  return `${JSON.stringify(images, null, 2)}\n`;
}
