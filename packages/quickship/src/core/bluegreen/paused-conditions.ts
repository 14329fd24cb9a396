// checkPausedConditions (rollout/sync.go), run before the reconcile proper: keep the Progressing
// and Paused conditions in step with pauses, resumes and retries, so that time spent paused or
// aborted never counts against progressDeadlineSeconds. Upstream patches these and reconciles
// again; we apply them to the previous status and continue in the same pass.
import type { ControllerStatus, RolloutCondition, RolloutSpec } from '../../model.ts';
import { getCondition, MESSAGE, newCondition, REASON, setCondition } from './conditions.ts';

export function checkPausedConditions(
  spec: RolloutSpec,
  prev: ControllerStatus,
  fingerprint: string,
  nowIso: string,
): ControllerStatus {
  // Upstream skips this while the spec change is not yet observed (generation != observedGeneration).
  if (prev.observedGeneration !== undefined && prev.observedGeneration !== fingerprint) return prev;
  const progressing = getCondition(prev.conditions, 'Progressing');
  const progressingPaused = progressing?.reason === REASON.paused;
  const isPaused = prev.pauseConditions.length > 0 || spec.paused;
  const abortCondition = progressing?.reason === REASON.aborted;
  const completed = prev.stableRS !== undefined && prev.stableRS !== '' && prev.stableRS === prev.currentPodHash;
  const updates: RolloutCondition[] = [];
  if (isPaused !== progressingPaused && !abortCondition && !completed) {
    updates.push(
      isPaused
        ? newCondition('Progressing', 'Unknown', REASON.paused, MESSAGE.paused, nowIso)
        : newCondition('Progressing', 'Unknown', REASON.resumed, MESSAGE.resumed, nowIso),
    );
  }
  if (!prev.abort && abortCondition)
    updates.push(newCondition('Progressing', 'Unknown', REASON.retry, MESSAGE.retry, nowIso));
  const pausedTrue = getCondition(prev.conditions, 'Paused')?.status === 'True';
  if (isPaused !== pausedTrue && !abortCondition) {
    updates.push(newCondition('Paused', isPaused ? 'True' : 'False', REASON.paused, MESSAGE.paused, nowIso));
  }
  if (updates.length === 0) return prev;
  let conditions: RolloutCondition[] = [...prev.conditions];
  for (const u of updates) conditions = setCondition(conditions, u).conditions;
  return { ...prev, conditions };
}
