// Field sets and server-side apply, as the API server keeps them in metadata.managedFields
// (sigs.k8s.io/structured-merge-diff). A field set is the set of leaf paths an object sets;
// maps recurse, lists are atomic (a list is one field, as for every CRD list without
// x-kubernetes-list-type and for the Rollout's pod template, which Argo's CRD preserves as a
// whole). `apply` is what `kubectl apply --server-side --field-manager=M` does to a live object;
// `update` is a non-apply write (a patch, a controller's update), which takes ownership of every
// field whose value it changes. Pure: no I/O.
import type { KubeObject } from './object.ts';

export type Path = readonly string[];
type Json = unknown;
type Rec = Record<string, Json>;

export interface ManagedFieldsEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly time: string;
  readonly fieldsType: 'FieldsV1';
  readonly fieldsV1: Rec;
}

/** Server-managed metadata: never part of anyone's field set, never drift. */
export const SERVER_METADATA = new Set([
  'uid',
  'generation',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'managedFields',
  'selfLink',
]);

const isRec = (value: Json): value is Rec => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaf paths of an object (identity and server-managed metadata excluded). */
export function fieldSet(object: KubeObject | Rec): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, path: string[]): void => {
    if (isRec(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) {
        if (path.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
        if (
          path.length === 1 &&
          path[0] === 'metadata' &&
          (key === 'name' || key === 'namespace' || SERVER_METADATA.has(key))
        )
          continue;
        walk(child, [...path, key]);
      }
      return;
    }
    if (path.length > 0) out.add(encodePath(path));
  };
  walk(object, []);
  return out;
}

/** A path as one string (JSON Pointer, RFC 6901). */
export function encodePath(path: Path): string {
  return '/' + path.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

export function decodePath(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function getPath(object: Json, path: Path): Json {
  let value = object;
  for (const key of path) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (isRec(value)) value = value[key];
    else return undefined;
  }
  return value;
}

/** A copy of `object` with `value` at `path` (maps created on the way; undefined removes). */
export function setPath(object: Rec, path: Path, value: Json): Rec {
  if (path.length === 0) return isRec(value) ? value : object;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Rec = { ...object };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = isRec(copy[head]) ? (copy[head] as Rec) : {};
  const next = setPath(child, rest, value);
  if (Object.keys(next).length === 0 && value === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

/** FieldsV1 (`{"f:spec":{"f:replicas":{}}}`) of a set of paths. */
export function toFieldsV1(paths: Iterable<string>): Rec {
  const root: Rec = {};
  for (const pointer of paths) {
    let node = root;
    for (const key of decodePath(pointer)) {
      const k = `f:${key}`;
      node[k] = isRec(node[k]) ? node[k] : {};
      node = node[k] as Rec;
    }
  }
  return root;
}

export function fromFieldsV1(fields: Rec): Set<string> {
  const out = new Set<string>();
  const walk = (node: Rec, path: string[]): void => {
    const keys = Object.keys(node).filter((k) => k.startsWith('f:'));
    if (keys.length === 0 && path.length > 0) out.add(encodePath(path));
    for (const key of keys) walk(isRec(node[key]) ? (node[key] as Rec) : {}, [...path, key.slice(2)]);
  };
  walk(fields, []);
  return out;
}

function managers(object: KubeObject): ManagedFieldsEntry[] {
  const entries = object.metadata.managedFields;
  return Array.isArray(entries) ? (entries as ManagedFieldsEntry[]) : [];
}

/** The paths `manager` owns in `object`. */
export function ownedBy(object: KubeObject, manager: string, operation?: 'Apply' | 'Update'): Set<string> {
  const out = new Set<string>();
  for (const entry of managers(object)) {
    if (entry.manager !== manager || (operation && entry.operation !== operation)) continue;
    for (const path of fromFieldsV1(entry.fieldsV1)) out.add(path);
  }
  return out;
}

function withManagers(object: KubeObject, entries: readonly ManagedFieldsEntry[]): KubeObject {
  const metadata: Rec = { ...object.metadata };
  const kept = entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
  if (kept.length > 0) metadata.managedFields = kept;
  else delete metadata.managedFields;
  return { ...object, metadata: metadata as KubeObject['metadata'] };
}

/** `desired` paths with `path` a prefix of or equal to one of them. */
function covers(paths: ReadonlySet<string>, pointer: string): boolean {
  if (paths.has(pointer)) return true;
  for (const p of paths) if (pointer.startsWith(p + '/') || p.startsWith(pointer + '/')) return true;
  return false;
}

/**
 * Server-side apply of `desired` by `manager` (force: conflicts go to the applier, as Argo CD
 * applies with --force-conflicts). Fields the manager applied before and no longer sets are
 * removed unless another manager owns them; fields only others set stay.
 */
export function apply(live: KubeObject | undefined, desired: KubeObject, manager: string, time: string): KubeObject {
  const desiredPaths = fieldSet(desired);
  const base: KubeObject = live ?? {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: { ...desired.metadata },
  };
  const previously = live ? ownedBy(live, manager, 'Apply') : new Set<string>();
  let result = { ...base, apiVersion: desired.apiVersion, kind: desired.kind } as Rec;
  const others = live ? managers(live).filter((e) => !(e.manager === manager && e.operation === 'Apply')) : [];
  const othersOwn = new Set<string>();
  for (const e of others) for (const p of fromFieldsV1(e.fieldsV1)) othersOwn.add(p);
  for (const pointer of previously) {
    if (desiredPaths.has(pointer) || covers(desiredPaths, pointer) || othersOwn.has(pointer)) continue;
    result = setPath(result, decodePath(pointer), undefined);
  }
  for (const pointer of desiredPaths)
    result = setPath(result, decodePath(pointer), getPath(desired, decodePath(pointer)));
  // Force: the applier takes the fields it sets from everyone else.
  const stripped = others.map((e) => ({
    ...e,
    fieldsV1: toFieldsV1([...fromFieldsV1(e.fieldsV1)].filter((p) => !covers(desiredPaths, p))),
  }));
  return withManagers(result as KubeObject, [
    ...stripped,
    {
      manager,
      operation: 'Apply',
      apiVersion: desired.apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(desiredPaths),
    },
  ]);
}

/**
 * A non-apply write (patch or update) by `manager`: `next` replaces `live`, and `manager` takes
 * ownership of every leaf whose value changed or appeared (the others lose those fields).
 */
export function update(live: KubeObject, next: KubeObject, manager: string, time: string): KubeObject {
  const before = fieldSet(withoutStatus(live));
  const after = fieldSet(withoutStatus(next));
  const changed = [...after].filter((p) => {
    const path = decodePath(p);
    return !before.has(p) || JSON.stringify(getPath(live, path)) !== JSON.stringify(getPath(next, path));
  });
  const removed = [...before].filter((p) => !after.has(p));
  if (changed.length === 0 && removed.length === 0)
    return { ...next, metadata: { ...next.metadata, managedFields: live.metadata.managedFields } };
  const touched = new Set([...changed, ...removed]);
  const entries = managers(live).map((e) => ({
    ...e,
    fieldsV1: toFieldsV1([...fromFieldsV1(e.fieldsV1)].filter((p) => !covers(touched, p))),
  }));
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Update');
  const owned = new Set([...(mine ? fromFieldsV1(mine.fieldsV1) : []), ...changed]);
  const rest = entries.filter((e) => e !== mine);
  return withManagers(next, [
    ...rest,
    {
      manager,
      operation: 'Update',
      apiVersion: next.apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(owned),
    },
  ]);
}

function withoutStatus(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object;
  return rest as KubeObject;
}
