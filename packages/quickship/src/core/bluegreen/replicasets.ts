// reconcileBlueGreenReplicaSets (rollout/bluegreen.go, rollout/replicaset.go): clear the
// scale-down deadline of the new and stable ReplicaSets, keep stable at full size, scale the new
// one (full or previewReplicaCount; on abort after abortScaleDownDelaySeconds to 0), give every
// other still-scaled ReplicaSet a scale-down deadline and scale it to 0 once it passes, and delete
// scaled-down ReplicaSets beyond revisionHistoryLimit.
import { rfc3339 } from '../time.ts';
import type { ReconcileContext, WorkingReplicaSet } from './context.ts';

export function reconcileBlueGreenReplicaSets(ctx: ReconcileContext): void {
  removeScaleDownDeadlines(ctx);
  if (ctx.stableRS !== undefined) ctx.scale(ctx.stableRS, ctx.spec.replicas);
  reconcileNewReplicaSet(ctx);
  scaleDownOldReplicaSets(ctx);
  reconcileRevisionHistoryLimit(ctx);
}

/** Moving back to an RS inside its scale-down delay must cancel that delay. */
function removeScaleDownDeadlines(ctx: ReconcileContext): void {
  if (!ctx.shouldDelayScaleDownOnAbort()) delete ctx.newRS.scaleDownDeadline;
  if (ctx.stableRS !== undefined) delete ctx.stableRS.scaleDownDeadline;
}

function reconcileNewReplicaSet(ctx: ReconcileContext): void {
  let count = ctx.newRSDesiredReplicas();
  const abortDelay = ctx.abortScaleDownDelaySeconds();
  if (ctx.shouldDelayScaleDownOnAbort() && abortDelay !== undefined) {
    const deadline = ctx.newRS.scaleDownDeadline;
    if (deadline !== undefined) {
      if (Date.parse(deadline) > ctx.now.getTime()) return;
      count = 0;
    } else {
      // Only start the countdown once stable can take all the traffic.
      if (ctx.observed(ctx.stableRS).availableReplicas >= ctx.spec.replicas) {
        ctx.newRS.scaleDownDeadline = deadlineAfter(ctx, abortDelay);
      }
      return;
    }
  }
  ctx.scale(ctx.newRS, count);
}

function deadlineAfter(ctx: ReconcileContext, seconds: number): string {
  return rfc3339(new Date(ctx.now.getTime() + seconds * 1000));
}

/** isReplicaSetReferenced: selected by a Service or named in status, so it must stay up. */
function isReferenced(ctx: ReconcileContext, rs: WorkingReplicaSet): boolean {
  const { prev, services } = ctx;
  const refs = [
    prev.stableRS,
    prev.currentPodHash,
    prev.blueGreen.activeSelector,
    prev.blueGreen.previewSelector,
    services.active,
    services.preview,
  ];
  return refs.includes(rs.podTemplateHash);
}

/** scaleDownOldReplicaSetsForBlueGreen + scaleDownDelayHelper, newest revision first. */
function scaleDownOldReplicaSets(ctx: ReconcileContext): void {
  const bg = ctx.spec.strategy.blueGreen;
  const limit = bg.scaleDownDelayRevisionLimit ?? Number.POSITIVE_INFINITY;
  let annotated = 0;
  const others = ctx.otherRSs.filter((rs) => rs.replicas > 0).sort((a, b) => b.revision - a.revision);
  for (const rs of others) {
    if (isReferenced(ctx, rs)) continue;
    let desired = 0;
    if (rs.scaleDownDeadline === undefined) {
      // Upstream keeps an RS with scaleDownDelaySeconds 0 at its size forever (no deadline is
      // written); locally 0 means "scale down at once" (docs/semantics.md).
      if (annotated < limit && bg.scaleDownDelaySeconds > 0) {
        annotated++;
        desired = rs.replicas;
        rs.scaleDownDeadline = deadlineAfter(ctx, bg.scaleDownDelaySeconds);
      }
    } else {
      annotated++;
      if (annotated <= limit && Date.parse(rs.scaleDownDeadline) > ctx.now.getTime()) desired = ctx.spec.replicas;
    }
    ctx.scale(rs, desired);
  }
}

/** Delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
function reconcileRevisionHistoryLimit(ctx: ReconcileContext): void {
  const cleanable = [...ctx.otherRSs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const excess = cleanable.length - ctx.spec.revisionHistoryLimit;
  for (let i = 0; i < excess; i++) {
    const rs = cleanable[i];
    if (rs === undefined || rs.replicas !== 0 || ctx.observed(rs).replicas !== 0) continue;
    ctx.deleted.push(rs.podTemplateHash);
    ctx.event(
      'DeletedReplicaSet',
      `Deleted ReplicaSet ${ctx.rsName(rs)} (revision ${rs.revision}): beyond revisionHistoryLimit ${ctx.spec.revisionHistoryLimit}`,
    );
  }
}
