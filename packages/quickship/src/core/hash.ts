// The revision of a pod template: `rollouts-pod-template-hash`, computed the way Argo Rollouts
// does (utils/hash/hash.go ComputePodTemplateHash): FNV-32a over the serialized template, then
// the collision count as 8 little-endian bytes (uint32 + 4 zero bytes) when set, then the
// decimal of the 32-bit sum through k8s.io/apimachinery rand.SafeEncodeString.
//
// The one difference: Argo serializes the typed Go struct with encoding/json (Go field order,
// omitempty, Quantity/IntOrString normal forms, k8s-version-dependent zero values). We serialize
// the template as written with sorted keys (canonicalJson). So the hash has Argo's alphabet and
// length (≤ 10 chars of "bcdfghjklmnpqrstvwxz2456789"; in practice the digits map to
// [4-9bcdf]) and is deterministic, key-order independent and changes with any change to the
// template — but it is not byte-equal to the hash a cluster computes for the same template.

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no 0/1/3, so no accidental words. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** FNV-1a, 32 bit (Go hash/fnv New32a). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every level: the same template always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  return JSON.stringify(String(value));
}

/**
 * canonicalJson(a) === canonicalJson(b), without building either string: the same reference is
 * equal at once, so comparing a status or ReplicaSets that mostly share their templates with the
 * last ones costs little (the reconcile did this on every pass: a third of the engine's CPU in
 * a profile of bench:cutover).
 */
export function canonicallyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const nullish = (v: unknown): boolean => v === null || v === undefined;
  if (nullish(a) || nullish(b)) return nullish(a) && nullish(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => canonicallyEqual(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
    if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
    return keys.every((k) => Object.hasOwn(rb, k) && rb[k] !== undefined && canonicallyEqual(ra[k], rb[k]));
  }
  return canonicalJson(a) === canonicalJson(b);
}

export function computePodTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** The label ReplicaSets, Pods and Service selectors carry (v1alpha1.DefaultRolloutUniqueLabelKey). */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/** Annotation holding a ReplicaSet's revision number (undo/undo.go `revisionAnnotation`). */
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

/**
 * A short fingerprint of everything in a parsed spec that the controller acts on, stored as
 * status.observedGeneration: a status computed from an older spec reads as "waiting for rollout
 * spec update to be observed", like Argo's generation check (Argo v0.9 stored a hash there too).
 */
export function specFingerprint(spec: object): string {
  const acted: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  delete acted.ignored;
  return safeEncodeString(String(fnv32a(new TextEncoder().encode(canonicalJson(acted)))));
}
