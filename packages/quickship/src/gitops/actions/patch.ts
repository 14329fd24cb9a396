// How Argo CD applies an action's result (server/application patchResource): a JSON merge patch
// (RFC 7386, as evanphx/json-patch CreateMergePatch makes it) from the live object to the result,
// sent to the status subresource when it touches status, and the rest to the object itself.
import type { KubeObject } from '../../store/object.ts';
import { isRecord, type Json } from './object-edit.ts';

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** The merge patch that turns `before` into `after`: changed keys, nested objects recursively, removed keys as null. */
export function createMergePatch(before: Json, after: Json): Json {
  const patch: Json = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (equal(old, value)) continue;
    patch[key] = isRecord(old) && isRecord(value) ? createMergePatch(old, value) : value;
  }
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  return patch;
}

export interface ActionPatch {
  /** Everything but status (undefined when the action changes only status). */
  readonly object?: Json;
  /** `{ status: … }` when the action changes status (undefined otherwise). */
  readonly status?: Json;
}

/** The patches Argo CD sends for an action's result; both undefined when nothing changes. */
export function actionPatch(live: KubeObject, result: KubeObject): ActionPatch {
  const { status, ...rest } = createMergePatch(live as Json, result as Json);
  if (status === undefined) return Object.keys(rest).length === 0 ? {} : { object: rest };
  return Object.keys(rest).length === 0 ? { status: { status } } : { object: rest, status: { status } };
}
