// Manifest documents with their provenance, from parsed YAML documents (core/yaml-documents.ts
// parses; this module does not load the YAML library). Empty documents (`---` alone) are skipped,
// as `kubectl apply` and `kubectl argo rollouts lint` skip them. A `kind: List` is flattened.
import { ManifestParseError } from './errors.ts';
import { isRecord, type UnknownRecord } from './fields.ts';

export interface ManifestDocument {
  /** The file as the caller named it (e.g. "deploy/apps/payments/rollout.yaml"). */
  readonly file: string;
  /** 0-based position of the document in the file (items of a List share their document's index). */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: UnknownRecord;
}

/**
 * What the YAML parser makes of a file, document by document, up to and including the first
 * document with a syntax error (nothing after it is read). Plain data: a caller may keep it
 * (cli/run/manifest-cache.ts) and turn it into manifests later with manifestsFromYaml.
 */
export interface YamlDocument {
  /** 1-based line where the document starts. */
  readonly line: number;
  /** The document's value (toJS); absent for an empty document or one with an error. */
  readonly value?: unknown;
  /** The first syntax error: its line and the parser's first message line. */
  readonly error?: { readonly line: number; readonly message: string };
}

/** The objects of parsed documents with their provenance; throws ManifestParseError on the first bad one. */
export function manifestsFromYaml(docs: readonly YamlDocument[], file: string): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  docs.forEach(({ line, value, error }, index) => {
    if (error !== undefined) throw new ManifestParseError(file, index, error.line, error.message);
    if (value === undefined) return;
    if (!isRecord(value)) {
      throw new ManifestParseError(
        file,
        index,
        line,
        `expected a Kubernetes object (a mapping), found ${Array.isArray(value) ? 'a list' : typeof value}`,
      );
    }
    if (value.kind === 'List' && Array.isArray(value.items)) {
      for (const item of value.items) {
        if (isRecord(item)) out.push({ file, index, line, object: item });
      }
      return;
    }
    out.push({ file, index, line, object: value });
  });
  return out;
}

/** apiVersion, kind and metadata.name of an object, as strings ('' when absent). */
export function objectIdentity(object: UnknownRecord): {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
} {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, name, namespace };
}

/** The API group of an apiVersion ("argoproj.io/v1alpha1" → "argoproj.io", "v1" → ""). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
