// The actions edit a copy of the object as a JSON tree, the way Argo CD's Lua scripts edit `obj`:
// setting a field to nil removes it.
import type { KubeObject } from '../../store/object.ts';
import { ActionNotApplicableError } from './errors.ts';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep, mutable copy of a JSON object (KubeObjects are plain JSON). */
export function copyOf(obj: KubeObject): Json {
  return structuredClone(obj) as Json;
}

/** The copy's `spec` or `status`; absent, the Lua script would index nil and fail. */
export function section(copy: Json, key: 'spec' | 'status', action: string): Json {
  const value = copy[key];
  if (isRecord(value)) return value;
  const metadata = isRecord(copy.metadata) ? copy.metadata : {};
  throw new ActionNotApplicableError(String(copy.kind), String(metadata.name ?? ''), action, key);
}

/** Lua's table.getn on a decoded JSON value: an array's length, 0 for anything else. */
export function length(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}
