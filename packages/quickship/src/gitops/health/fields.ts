// Reading the loosely typed parts of a KubeObject (spec, status, conditions) the way Argo CD's
// checks see them. The Go checks convert to typed structs, where an absent field reads as its zero
// value (0, "", nil); these helpers return undefined for "absent or not of that type" and each
// check applies the zero value it needs.
import type { KubeObject } from '../../store/object.ts';

export type Fields = Readonly<Record<string, unknown>>;

export function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function specOf(obj: KubeObject): Fields {
  return record(obj.spec) ?? {};
}

export function statusOf(obj: KubeObject): Fields {
  return record(obj.status) ?? {};
}

/** A condition as the Kubernetes API shapes it (type/status/reason/message). */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export function conditions(value: unknown): Condition[] {
  return list(value).map((item) => {
    const c = record(item) ?? {};
    return {
      type: text(c.type) ?? '',
      status: text(c.status) ?? '',
      reason: text(c.reason) ?? '',
      message: text(c.message) ?? '',
    };
  });
}

/** Go's schema.GroupVersionKind.String(), used in upstream's "unsupported … GVK" errors. */
export function gvkString(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  const version = slash < 0 ? obj.apiVersion : obj.apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${obj.kind}`;
}
