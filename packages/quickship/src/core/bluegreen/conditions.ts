// Rollout conditions as utils/conditions/conditions.go keeps them: reasons and messages are
// upstream's constants, SetRolloutCondition only replaces a condition when its status or reason
// changes (keeping lastTransitionTime when the status is unchanged).
import type { RolloutCondition } from '../../model.ts';

export const REASON = {
  available: 'AvailableReason',
  newRSAvailable: 'NewReplicaSetAvailable',
  replicaSetUpdated: 'ReplicaSetUpdated',
  replicaSetNotAvailable: 'ReplicaSetNotAvailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  timedOut: 'ProgressDeadlineExceeded',
  aborted: 'RolloutAborted',
  retry: 'RolloutRetry',
  paused: 'RolloutPaused',
  resumed: 'RolloutResumed',
  healthy: 'RolloutHealthy',
  completed: 'RolloutCompleted',
  notCompleted: 'RolloutNotCompleted',
} as const;

export const MESSAGE = {
  available: 'Rollout has minimum availability',
  notAvailable: 'Rollout does not have minimum availability',
  healthy: 'Rollout is healthy',
  notHealthy: 'Rollout is not healthy',
  paused: 'Rollout is paused',
  resumed: 'Rollout is resumed',
  retry: 'Retrying Rollout after abort',
  aborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
  rsProgressing: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} is progressing.`,
  rsCompleted: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} has successfully progressed.`,
  rsTimedOut: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} has timed out progressing.`,
  newRS: (rs: string) => `Created new replica set ${JSON.stringify(rs)}`,
  rolloutCompleted: (revision: number, hash: string, reason: string) =>
    `Rollout completed update to revision ${revision} (${hash}): ${reason}`,
  rolloutNotCompleted: (revision: number, hash: string) =>
    `Rollout not completed, started update to revision ${revision} (${hash})`,
} as const;

type Type = RolloutCondition['type'];
type Status = RolloutCondition['status'];

export function newCondition(
  type: Type,
  status: Status,
  reason: string,
  message: string,
  nowIso: string,
): RolloutCondition {
  return { type, status, reason, message, lastTransitionTime: nowIso, lastUpdateTime: nowIso };
}

export function getCondition(conditions: readonly RolloutCondition[], type: Type): RolloutCondition | undefined {
  return conditions.find((c) => c.type === type);
}

export function removeCondition(conditions: readonly RolloutCondition[], type: Type): RolloutCondition[] {
  return conditions.filter((c) => c.type !== type);
}

/** SetRolloutCondition: returns the new list and whether it changed. */
export function setCondition(
  conditions: readonly RolloutCondition[],
  condition: RolloutCondition,
): { conditions: RolloutCondition[]; changed: boolean } {
  const current = getCondition(conditions, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) {
    return { conditions: [...conditions], changed: false };
  }
  const next =
    current !== undefined && current.status === condition.status
      ? { ...condition, lastTransitionTime: current.lastTransitionTime }
      : condition;
  return { conditions: [...removeCondition(conditions, condition.type), next], changed: true };
}

/** RolloutTimedOut: the Progressing condition has not been updated for progressDeadlineSeconds. */
export function rolloutTimedOut(
  conditions: readonly RolloutCondition[],
  progressDeadlineSeconds: number,
  now: Date,
): boolean {
  const cond = getCondition(conditions, 'Progressing');
  if (cond === undefined || cond.reason === REASON.aborted || cond.reason === REASON.paused) return false;
  if (cond.reason === REASON.timedOut) return true;
  return Date.parse(cond.lastUpdateTime) + progressDeadlineSeconds * 1000 < now.getTime();
}
