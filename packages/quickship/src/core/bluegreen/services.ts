// reconcilePreviewService and reconcileActiveService (rollout/service.go). The preview Service
// always follows the new ReplicaSet; the active Service switches to it only once the new RS is
// fully available and the pause is over (or the update is fast-tracked), and returns to stable on
// abort. Local rule on top: never point the active Service at a ReplicaSet that is not fully
// available (docs/semantics.md).
import { completedPrePromotionAnalysis } from './analysis.ts';
import type { ReconcileContext } from './context.ts';

export function reconcilePreviewService(ctx: ReconcileContext): void {
  if (ctx.spec.strategy.blueGreen.previewService === undefined) return;
  if (ctx.haltProgress()) return;
  ctx.switchService('preview', ctx.newRS.podTemplateHash);
}

export function reconcileActiveService(ctx: ReconcileContext): void {
  if (ctx.haltProgress()) return;
  if (!ctx.readyForPause() || !ctx.isSaturated(ctx.newRS)) return;
  let hash = ctx.services.active;
  if (ctx.isBlueGreenFastTracked()) hash = ctx.newRS.podTemplateHash;
  // Promotion (by hand or automatic) also waits for a Successful pre-promotion AnalysisRun.
  if (ctx.pause.completedBlueGreenPause() && completedPrePromotionAnalysis(ctx)) hash = ctx.newRS.podTemplateHash;
  if (ctx.prev.abort) hash = ctx.prev.stableRS;
  if (hash === undefined || hash === ctx.services.active) return;
  const target = ctx.allRSs.find((rs) => rs.podTemplateHash === hash);
  if (!ctx.isSaturated(target)) return;
  ctx.switchService('active', hash);
}
