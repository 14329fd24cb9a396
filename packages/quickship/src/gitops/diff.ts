// Compare, as Argo CD's server-side diff does (compare-options ServerSideDiff=true): the live
// object is what the API server holds; the "predicted live" is that object after a dry-run
// server-side apply of Git's version by argocd-controller. They differ exactly when a field Git
// sets has another value live, or when a field Argo CD applied before is gone from Git. Fields
// only another manager sets (the plugin's spec.restartAt, a controller's status) are not drift.
// ignoreDifferences paths are removed from both sides first. Pure.
import { apply, decodePath, ownedBy, setPath, SERVER_METADATA } from '../store/fields.ts';
import { groupOf, type KubeObject } from '../store/object.ts';
import type { IgnoreDifference } from './application.ts';

export const ARGOCD_MANAGER = 'argocd-controller';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

export interface FieldDiff {
  /** JSON Pointer of the field that differs, e.g. /spec/template/spec/containers. */
  readonly path: string;
  readonly live: unknown;
  readonly desired: unknown;
}

export interface ResourceDiff {
  readonly status: SyncStatusCode;
  /** Why it is OutOfSync, in Argo CD's words where it has them ("missing", "requires pruning"). */
  readonly reason?: 'missing' | 'requires pruning' | 'differs';
  readonly fields: readonly FieldDiff[];
}

/** The ignoreDifferences entries that apply to one object. */
export function ignoredFor(object: KubeObject, rules: readonly IgnoreDifference[]): IgnoreDifference[] {
  return rules.filter(
    (r) =>
      (r.group === '*' || r.group === groupOf(object.apiVersion)) &&
      (r.kind === '*' || r.kind === object.kind) &&
      (r.name === undefined || r.name === '' || r.name === object.metadata.name) &&
      (r.namespace === undefined || r.namespace === '' || r.namespace === object.metadata.namespace),
  );
}

/** Removes ignored fields (jsonPointers, and fields owned by listed managedFieldsManagers). */
export function withoutIgnored(
  object: KubeObject,
  rules: readonly IgnoreDifference[],
  managedBy: KubeObject = object,
): KubeObject {
  let out = object as unknown as Record<string, unknown>;
  for (const rule of rules) {
    for (const pointer of rule.jsonPointers) out = setPath(out, decodePath(pointer), undefined);
    for (const manager of rule.managedFieldsManagers)
      for (const pointer of ownedBy(managedBy, manager)) out = setPath(out, decodePath(pointer), undefined);
  }
  return out as unknown as KubeObject;
}

/** What diff compares: no status, no server-managed metadata. */
export function normalized(object: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = object;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) if (!SERVER_METADATA.has(key)) meta[key] = value;
  return { ...rest, metadata: meta };
}

export function diffResource(
  desired: KubeObject | undefined,
  live: KubeObject | undefined,
  ignore: readonly IgnoreDifference[],
  now: string,
): ResourceDiff {
  if (!desired && live) return { status: 'OutOfSync', reason: 'requires pruning', fields: [] };
  if (!desired) return { status: 'Synced', fields: [] };
  if (!live) return { status: 'OutOfSync', reason: 'missing', fields: [] };
  const rules = ignoredFor(desired, ignore);
  const predicted = normalized(withoutIgnored(apply(live, desired, ARGOCD_MANAGER, now), rules, live));
  const actual = normalized(withoutIgnored(live, rules));
  const fields = leafDiffs(actual, predicted, []);
  return fields.length === 0 ? { status: 'Synced', fields } : { status: 'OutOfSync', reason: 'differs', fields };
}

function leafDiffs(live: unknown, desired: unknown, path: string[]): FieldDiff[] {
  const isRec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRec(live) && isRec(desired)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort();
    return keys.flatMap((k) => leafDiffs(live[k], desired[k], [...path, k]));
  }
  if (JSON.stringify(live) === JSON.stringify(desired)) return [];
  return [{ path: '/' + path.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/'), live, desired }];
}

/** A readable diff, one field per line pair, as `argocd app diff` prints it (- live, + desired). */
export function renderDiff(object: { kind: string; name: string; namespace?: string }, diff: ResourceDiff): string {
  const header = `===== ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name} ======`;
  if (diff.reason === 'missing') return `${header}\n+ (missing live: a sync creates it)`;
  if (diff.reason === 'requires pruning') return `${header}\n- (not in Git: requires pruning)`;
  const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));
  return [header, ...diff.fields.flatMap((f) => [`${f.path}`, `-   ${show(f.live)}`, `+   ${show(f.desired)}`])].join(
    '\n',
  );
}
