// Container image references, parsed with the grammar of github.com/distribution/reference
// (regexp.go, reference.go, normalize.go) — what the kubelet applies before it reports
// InvalidImageName:
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [domain "/"] path-component ["/" path-component]*
//   domain    := host [":" port]           tag := [\w][\w.-]{0,127}
//   digest    := algorithm ":" hex{32,}     (sha256 must be 64 hex)
// The first component is a registry host only if it contains "." or ":" or is "localhost"
// (splitDockerDomain); otherwise the reference resolves to docker.io.
import { InvalidImageNameError } from './errors.ts';

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);

export interface ImageReference {
  readonly raw: string;
  /** The registry host as written ("123.dkr.ecr.eu-west-1.amazonaws.com", "localhost:5000"), if any. */
  readonly registry?: string;
  /** The repository path without registry ("quickship/payments", "argoproj/rollouts-demo"). */
  readonly repository: string;
  /** Last path segment ("payments"): the local engine maps images by it. */
  readonly lastSegment: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Fully qualified name as the kubelet resolves it (docker.io/library/nginx). */
  readonly normalizedName: string;
}

export function parseImageReference(raw: string): ImageReference {
  if (raw === '') throw new InvalidImageNameError(raw, 'repository name must have at least one component');
  if (raw.trim() !== raw) throw new InvalidImageNameError(raw, 'invalid reference format: surrounding whitespace');
  const match = REFERENCE.exec(raw);
  if (match === null) {
    if (REFERENCE.test(raw.toLowerCase()))
      throw new InvalidImageNameError(raw, 'invalid reference format: repository name must be lowercase');
    throw new InvalidImageNameError(raw, `invalid reference format${hint(raw)}`);
  }
  const [, name = '', tag, digest] = match;
  if (name.length > 255) throw new InvalidImageNameError(raw, 'repository name must not be more than 255 characters');
  const nameMatch = ANCHORED_NAME.exec(name);
  let registry = nameMatch?.[1];
  let repository = nameMatch?.[2] ?? name;
  // A first component without "." or ":", not "localhost" and lowercase is a path, not a host.
  if (
    registry !== undefined &&
    !/[.:]/.test(registry) &&
    registry !== 'localhost' &&
    registry === registry.toLowerCase()
  ) {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  if (digest !== undefined) validateDigest(raw, digest);
  if (/^[a-f0-9]{64}$/.test(repository))
    throw new InvalidImageNameError(raw, 'invalid repository name: cannot specify 64-byte hexadecimal strings');
  const normalizedRepository =
    registry === undefined && !repository.includes('/') ? `library/${repository}` : repository;
  return {
    raw,
    ...(registry === undefined ? {} : { registry }),
    repository,
    lastSegment: repository.slice(repository.lastIndexOf('/') + 1),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    normalizedName: `${registry ?? 'docker.io'}/${normalizedRepository}`,
  };
}

function validateDigest(raw: string, digest: string): void {
  const [algorithm = '', hex = ''] = digest.split(':');
  const lengths: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
  const expected = lengths[algorithm];
  if (expected === undefined) throw new InvalidImageNameError(raw, `unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== expected)
    throw new InvalidImageNameError(
      raw,
      `invalid checksum digest length: ${algorithm} needs ${expected} hex characters, got ${hex.length}`,
    );
  if (/[A-F]/.test(hex)) throw new InvalidImageNameError(raw, 'invalid checksum digest format: hex must be lowercase');
}

function hint(raw: string): string {
  if (/\$\{|\$\(|\{\{/.test(raw)) return ': contains an unexpanded variable or template';
  if (raw.includes('://')) return ': a reference has no scheme (drop "https://")';
  if (/:[^/]*:/.test(raw.split('/').pop() ?? '')) return ': more than one ":" in the last component';
  if (raw.endsWith(':') || raw.endsWith('@')) return ': empty tag or digest';
  return '';
}

export interface ExpansionCheck {
  readonly expanded: boolean;
  /** Why the reference is not fully expanded (absent when it is). */
  readonly reason?: string;
}

/**
 * A reference a GitOps commit may pin: valid, with an explicit registry host, a tag or digest,
 * no leftover `${…}`/`$(…)`/`{{…}}`, and not the mutable tag `latest`.
 */
export function checkFullyExpanded(raw: string): ExpansionCheck {
  if (/\$\{|\$\(|\{\{/.test(raw))
    return { expanded: false, reason: `"${raw}" contains an unexpanded variable or template` };
  let ref: ImageReference;
  try {
    ref = parseImageReference(raw);
  } catch (error) {
    return { expanded: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (ref.registry === undefined)
    return { expanded: false, reason: `"${raw}" has no registry host (it would resolve to ${ref.normalizedName})` };
  if (ref.tag === undefined && ref.digest === undefined)
    return { expanded: false, reason: `"${raw}" has no tag or digest (it would resolve to :latest)` };
  if (ref.tag === 'latest')
    return { expanded: false, reason: `"${raw}" uses the mutable tag "latest"; pin a version tag or a digest` };
  return { expanded: true };
}

export function isFullyExpanded(raw: string): boolean {
  return checkFullyExpanded(raw).expanded;
}
