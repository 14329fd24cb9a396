// The fields of controller-written objects (Rollout, ReplicaSet, Pod) the Kubernetes target reads,
// as they arrive on the wire. Only what the verbs decide on is typed; the rest passes through.
import { isRecord, type UnknownRecord } from '../core/fields.ts';
import { REVISION_ANNOTATION } from '../core/hash.ts';

export const ROLLOUT_GROUP = 'argoproj.io';
export const ROLLOUT_VERSION = 'v1alpha1';
export const ROLLOUT_PLURAL = 'rollouts';

export interface KubeMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly {
    readonly uid?: string;
    readonly controller?: boolean;
    readonly kind?: string;
    readonly name?: string;
  }[];
  readonly creationTimestamp?: string;
}

export interface KubeObject extends UnknownRecord {
  readonly metadata?: KubeMeta;
}

export function meta(object: KubeObject): KubeMeta {
  return isRecord(object.metadata) ? object.metadata : {};
}

export function record(value: unknown): UnknownRecord {
  return isRecord(value) ? value : {};
}

/** metav1.IsControlledBy: the object's controller owner reference points at `owner` (by uid). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const uid = meta(owner).uid;
  return (
    uid !== undefined && (meta(object).ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid)
  );
}

/** The revision annotation as upstream reads it: absent → 0, unparsable → undefined (skipped). */
export function revisionOf(object: KubeObject): number | undefined {
  const value = meta(object).annotations?.[REVISION_ANNOTATION];
  if (value === undefined) return 0;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** spec.selector as a label selector string (matchLabels and matchExpressions), for list calls. */
export function labelSelectorOf(rollout: KubeObject): string {
  const selector = record(record(rollout.spec).selector);
  const parts = Object.entries(record(selector.matchLabels)).map(([key, value]) => `${key}=${String(value)}`);
  for (const expression of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const { key, operator, values } = record(expression) as { key?: string; operator?: string; values?: string[] };
    const list = (values ?? []).join(',');
    if (operator === 'In') parts.push(`${key} in (${list})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${list})`);
    else if (operator === 'Exists') parts.push(`${key}`);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}
