// The replica counts of a blue/green Rollout's status, as syncRolloutStatusBlueGreen and
// calculateBaseStatus compute them: replicas/ready over all ReplicaSets, updated from the
// current (desired) ReplicaSet, available and ready from the active ReplicaSet when there is one.
import type { ReplicaSetObservation } from '../model.ts';
import { POD_TEMPLATE_HASH_LABEL } from './hash.ts';

export interface RolloutCounts {
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
}

const ZERO: ReplicaSetObservation = { podTemplateHash: '', replicas: 0, readyReplicas: 0, availableReplicas: 0 };

export function observationFor(
  observed: readonly ReplicaSetObservation[],
  hash: string | undefined,
): ReplicaSetObservation {
  return (
    (hash === undefined ? undefined : observed.find((o) => o.podTemplateHash === hash)) ?? {
      ...ZERO,
      podTemplateHash: hash ?? '',
    }
  );
}

export function rolloutCounts(
  status: { readonly currentPodHash?: string; readonly blueGreen: { readonly activeSelector?: string } },
  observed: readonly ReplicaSetObservation[],
  /** Hashes of the ReplicaSets the Rollout owns; observations of others are not counted. */
  owned?: readonly string[],
): RolloutCounts {
  const mine = owned === undefined ? observed : observed.filter((o) => owned.includes(o.podTemplateHash));
  const sum = (f: (o: ReplicaSetObservation) => number): number => mine.reduce((n, o) => n + f(o), 0);
  const activeHash = status.blueGreen.activeSelector;
  const activeExists =
    activeHash !== undefined &&
    activeHash !== '' &&
    (owned === undefined ? mine.some((o) => o.podTemplateHash === activeHash) : owned.includes(activeHash));
  const active = activeExists ? observationFor(mine, activeHash) : undefined;
  return {
    replicas: sum((o) => o.replicas),
    updatedReplicas: observationFor(mine, status.currentPodHash).replicas,
    readyReplicas: active?.readyReplicas ?? sum((o) => o.readyReplicas),
    availableReplicas: active?.availableReplicas ?? sum((o) => o.availableReplicas),
  };
}

/** metav1.FormatLabelSelector of the active ReplicaSet's selector (keys sorted), else the Rollout's. */
export function selectorString(selector: Readonly<Record<string, string>>, activeHash?: string): string {
  const labels: Record<string, string> = { ...selector };
  if (activeHash !== undefined && activeHash !== '') labels[POD_TEMPLATE_HASH_LABEL] = activeHash;
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}
