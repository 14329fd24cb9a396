// reconcileBlueGreenPause (rollout/bluegreen.go): once the new ReplicaSet is fully available,
// pause with a BlueGreenPause condition before the switch when autoPromotionEnabled is false or
// autoPromotionSeconds is set; lift it when autoPromotionSeconds pass. A promote clears the
// condition but leaves controllerPause set, which is how a human resume is told apart from "never
// paused yet". Fast-tracked updates (first deploy, fast rollback, --full) never pause.
import type { ReconcileContext } from './context.ts';

export function reconcileBlueGreenPause(ctx: ReconcileContext): void {
  const { prev, pause } = ctx;
  if (prev.abort) return;
  if (!ctx.readyForPause()) return;
  if (ctx.haltProgress()) return;
  if (
    ctx.isBlueGreenFastTracked() ||
    ctx.services.active === ctx.newRS.podTemplateHash ||
    prev.blueGreen.scaleUpPreviewCheckPoint === true ||
    !needsControllerPause(ctx)
  ) {
    pause.removePauseCondition('BlueGreenPause');
    return;
  }
  if (pause.pauseCondition('BlueGreenPause') !== undefined) {
    if (pause.completedBlueGreenPause()) pause.removePauseCondition('BlueGreenPause');
    return;
  }
  // No condition but controllerPause: a user promoted (`kubectl argo rollouts promote`).
  if (!prev.controllerPause) pause.addPauseCondition('BlueGreenPause');
}

/** needsBlueGreenControllerPause. */
export function needsControllerPause(ctx: ReconcileContext): boolean {
  const bg = ctx.spec.strategy.blueGreen;
  return !bg.autoPromotionEnabled || (bg.autoPromotionSeconds ?? 0) > 0;
}
