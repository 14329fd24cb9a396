// spec.rollbackWindow (Argo Rollouts ≥ 1.5, rollout/replicaset.go isRollbackWithinWindow): moving
// the Rollout back to a ReplicaSet created before the stable one is a rollback; it is "within the
// window" when fewer than rollbackWindow.revisions ReplicaSets were created between the two
// (revisions: 1 allows going back exactly one release). Age is the ReplicaSet's creation time,
// which a reused ReplicaSet keeps even though its revision number is bumped.
//
// Upstream, a rollback within the window skips analysis (shouldCancelAllAnalysisRuns,
// skipPrePromotionAnalysisRun), clears pause conditions and aborts (syncRolloutStatusBlueGreen)
// and promotes with the reason "Rollback within window" (shouldFullPromote). Local decision, on
// top: the blue/green pause is skipped too (isBlueGreenFastTracked), so with
// autoPromotionEnabled: false the active Service goes back as soon as the old ReplicaSet is fully
// available — upstream clears the pause condition after the pause step has already added it,
// which leaves a manually promoted Rollout waiting for a promote (docs: "skipping pause and
// analysis"). The safety rule still holds: the switch waits for full availability.
import type { ReplicaSetState, RolloutSpec } from '../../model.ts';

type Aged = Pick<ReplicaSetState, 'createdAt'>;

export function isRollbackWithinWindow(
  spec: Pick<RolloutSpec, 'rollbackWindow'>,
  newRS: Aged,
  stableRS: Aged | undefined,
  allRSs: readonly Aged[],
): boolean {
  const revisions = spec.rollbackWindow?.revisions ?? 0;
  if (stableRS === undefined || revisions <= 0) return false;
  const newAt = Date.parse(newRS.createdAt);
  const stableAt = Date.parse(stableRS.createdAt);
  if (!(newAt < stableAt)) return false;
  const between = allRSs.filter((rs) => {
    const at = Date.parse(rs.createdAt);
    return newAt < at && at < stableAt;
  }).length;
  return between < revisions;
}
