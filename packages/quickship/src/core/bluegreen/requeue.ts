// When the reconcile must run again even if nothing is observed to change, like the controller's
// enqueueRolloutAfter calls: a scale-down deadline, the end of autoPromotionSeconds, the progress
// deadline of an update in flight, or a future spec.restartAt.
import type { ControllerStatus, ReplicaSetState } from '../../model.ts';
import { getCondition, REASON } from './conditions.ts';
import type { ReconcileInput } from './context.ts';

export function nextReconcileAt(
  input: ReconcileInput,
  status: ControllerStatus,
  replicaSets: readonly ReplicaSetState[],
): string | undefined {
  const now = input.now.getTime();
  const times: number[] = [];
  for (const rs of replicaSets)
    if (rs.scaleDownDeadline !== undefined) times.push(Date.parse(rs.scaleDownDeadline) + 1);
  const bg = input.spec.strategy.blueGreen;
  const pause = status.pauseConditions.find((c) => c.reason === 'BlueGreenPause');
  if (pause !== undefined && bg.autoPromotionEnabled && (bg.autoPromotionSeconds ?? 0) > 0) {
    times.push(Date.parse(pause.startTime) + (bg.autoPromotionSeconds ?? 0) * 1000 + 1);
  }
  const progressing = getCondition(status.conditions, 'Progressing');
  const settled = [REASON.newRSAvailable, REASON.timedOut, REASON.aborted, REASON.paused] as string[];
  if (progressing !== undefined && !settled.includes(progressing.reason)) {
    times.push(Date.parse(progressing.lastUpdateTime) + input.spec.progressDeadlineSeconds * 1000 + 1);
  }
  if (input.spec.restartAt !== undefined && status.restartedAt !== input.spec.restartAt)
    times.push(Date.parse(input.spec.restartAt) + 1);
  const future = times.filter((t) => Number.isFinite(t) && t > now);
  return future.length === 0 ? undefined : new Date(Math.min(...future)).toISOString();
}
