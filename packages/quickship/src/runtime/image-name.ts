// A small parser for container image references, following the grammar of
// distribution/reference (the one Docker, containerd and the kubelet use):
//   reference := name [":" tag] ["@" digest]
//   name      := [domain "/"] path-component ["/" path-component]*
// The first component is a domain only when it holds "." or ":" or is "localhost".
// Pure: used by the registry to map an image to a local build. (core/ may own an equivalent;
// this one stays local so the runtime does not wait on it.)
import { InvalidImageNameError } from './errors.ts';

export interface ImageReference {
  /** e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com"; absent for "payments:tag". */
  readonly domain?: string;
  /** Path without the domain, e.g. "quickship/payments". */
  readonly path: string;
  /** The last path segment: the repository name the local engine maps ("payments"). */
  readonly repository: string;
  /** The tag; "latest" when neither tag nor digest is given, as Docker and Kubernetes default. */
  readonly tag?: string;
  readonly digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
export const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

export function parseImageReference(image: string): ImageReference {
  if (image.trim() === '') throw new InvalidImageNameError(image, 'it is empty');
  if (image !== image.trim()) throw new InvalidImageNameError(image, 'it has surrounding whitespace');

  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidImageNameError(image, `digest "${digest}" is not <algorithm>:<hex>`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidImageNameError(image, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  if (rest.length > NAME_MAX) throw new InvalidImageNameError(image, `the name is longer than ${NAME_MAX} characters`);
  const components = rest.split('/');
  let domain: string | undefined;
  const first = components[0] ?? '';
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) throw new InvalidImageNameError(image, `registry host "${first}" is not a valid host[:port]`);
    domain = first;
    components.shift();
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidImageNameError(image, `path component "${component}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`);
    }
  }
  const repository = components[components.length - 1] ?? '';
  return {
    ...(domain === undefined ? {} : { domain }),
    path: components.join('/'),
    repository,
    ...(tag === undefined && digest === undefined ? { tag: 'latest' } : tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}
