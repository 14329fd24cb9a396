// Image references: packages/manifests/images.json is the only place they live, shaped
// { "<environment>": { "payments": "<full image reference>" } }. `quickship release` and the CI
// workflow write it, then render. A reference must be fully expanded: a repository the
// environment accepts and an immutable-looking tag or a digest — never "latest", never a
// template placeholder.
import { ImageReferenceError } from './errors.ts';
import type { EnvironmentConfig } from './environments/types.ts';

export type ImagesFile = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface ImageReference {
  readonly full: string;
  /** Everything before ":tag" / "@digest", e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/quickship/payments. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** What APP_VERSION reports: the tag, else the first 12 hex digits of the digest. */
  readonly version: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Checks the shape of images.json (already JSON-parsed). */
export function parseImagesFile(value: unknown): ImagesFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImageReferenceError('images.json must be an object like { "eks": { "payments": "<image>" } }');
  }
  for (const [environment, images] of Object.entries(value)) {
    if (typeof images !== 'object' || images === null || Array.isArray(images)) {
      throw new ImageReferenceError(`images.json "${environment}" must be an object like { "payments": "<image>" }`);
    }
    for (const [name, ref] of Object.entries(images)) {
      if (typeof ref !== 'string')
        throw new ImageReferenceError(
          `images.json "${environment}.${name}" must be a string, got ${JSON.stringify(ref)}`,
        );
    }
  }
  return value as ImagesFile;
}

export function parseImageReference(full: string): ImageReference | undefined {
  if (full !== full.trim() || /[\s${}<>]/.test(full)) return undefined;
  const at = full.indexOf('@');
  const named = at >= 0 ? full.slice(0, at) : full;
  const digest = at >= 0 ? full.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repository = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repository)) return undefined;
  const version = tag ?? (digest ? digest.slice('sha256:'.length, 'sha256:'.length + 12) : '');
  return {
    full,
    repository,
    version,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The validated payments image of an environment. */
export function paymentsImage(env: EnvironmentConfig, images: ImagesFile): ImageReference {
  const full = images[env.name]?.payments;
  if (full === undefined) throw new ImageReferenceError(`images.json has no "${env.name}.payments" image`);
  const where = `images.json "${env.name}.payments" (${JSON.stringify(full)})`;
  const ref = parseImageReference(full);
  if (!ref)
    throw new ImageReferenceError(`${where} is not a fully expanded image reference like ${env.images.describe}:1.4.2`);
  if (ref.tag === undefined && ref.digest === undefined)
    throw new ImageReferenceError(`${where} has neither a tag nor a digest`);
  if (ref.tag === 'latest' && ref.digest === undefined)
    throw new ImageReferenceError(`${where} uses the mutable tag "latest"; use the release tag or a digest`);
  if (!env.images.repository.test(ref.repository))
    throw new ImageReferenceError(`${where} is not in the repository ${env.images.describe}`);
  if (env.aws) {
    const region = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\//.exec(ref.full)?.[1];
    if (region !== undefined && region !== env.aws.region) {
      throw new ImageReferenceError(
        `${where} is in ECR region ${region}, but environment "${env.name}" runs in ${env.aws.region}`,
      );
    }
  }
  return ref;
}
