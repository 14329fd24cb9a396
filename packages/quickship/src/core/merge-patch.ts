// JSON Merge Patch (RFC 7386), as the API server applies `application/merge-patch+json`: objects
// merge key by key, `null` deletes a key, anything else (arrays included) replaces. Pure.
import { isRecord } from './fields.ts';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
