// syncRolloutStatusBlueGreen + persistRolloutStatus (rollout/bluegreen.go, rollout/sync.go): the
// new status from the previous one and what this reconcile did — selectors, full promotion
// (stableRS := currentPodHash), the previewReplicaCount checkpoint, pause/abort, conditions.
import type { ControllerStatus, RolloutCondition } from '../../model.ts';
import { rolloutCounts, type RolloutCounts } from '../counts.ts';
import {
  getCondition,
  MESSAGE,
  newCondition,
  REASON,
  removeCondition,
  rolloutTimedOut,
  setCondition,
} from './conditions.ts';
import type { ReconcileContext } from './context.ts';
import { completedPostPromotionAnalysis, completedPrePromotionAnalysis } from './analysis.ts';

interface Draft {
  currentPodHash: string;
  stableRS: string | undefined;
  activeSelector: string | undefined;
  previewSelector: string | undefined;
  scaleUpPreviewCheckPoint: boolean;
  promoteFull: boolean;
  restartedAt: string | undefined;
  counts: RolloutCounts;
}

export function syncRolloutStatus(ctx: ReconcileContext, fingerprint: string): ControllerStatus {
  const { prev, pause } = ctx;
  const draft: Draft = {
    currentPodHash: ctx.newRS.podTemplateHash,
    stableRS: prev.stableRS,
    activeSelector: ctx.services.active,
    previewSelector: ctx.services.preview,
    scaleUpPreviewCheckPoint: false,
    promoteFull: ctx.newRS.podTemplateHash !== prev.stableRS && prev.promoteFull,
    restartedAt: ctx.restartedAt,
    counts: { replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 },
  };
  const templateChanged = ctx.podSpecChanged();
  if (templateChanged) {
    // resetRolloutStatus: a new template starts a new update.
    pause.clearPauseConditions();
    pause.removeAbort();
    draft.restartedAt = ctx.spec.restartAt;
    draft.promoteFull = false;
  }
  if (prev.promoteFull || ctx.rollbackWithinWindow) {
    pause.clearPauseConditions();
    pause.removeAbort();
  }
  const reason = shouldFullPromote(ctx, draft);
  if (reason !== '') promoteStable(ctx, draft, reason);
  else if (!templateChanged) draft.scaleUpPreviewCheckPoint = scaleUpPreviewCheckPoint(ctx);

  const owned = ctx.allRSs.filter((rs) => !ctx.deleted.includes(rs.podTemplateHash)).map((rs) => rs.podTemplateHash);
  draft.counts = rolloutCounts(
    { currentPodHash: draft.currentPodHash, blueGreen: { activeSelector: draft.activeSelector } },
    ctx.input.observed,
    owned,
  );

  evaluateProgressDeadlineAbort(ctx, draft);
  const pauseStatus = pause.apply();
  const conditions = rolloutConditions(ctx, draft, pauseStatus.pauseConditions.length > 0, fingerprint);
  sendStateChangeEvents(ctx, pauseStatus.pauseConditions.length > 0, pauseStatus.abort);

  // resetRolloutStatus forgets the previous template's runs; otherwise SetCurrentAnalysisRuns.
  const analysis = templateChanged ? {} : ctx.currentAnalysis;
  const progressStartedAt = draft.currentPodHash === prev.currentPodHash ? prev.progressStartedAt : ctx.nowIso;
  return {
    currentPodHash: draft.currentPodHash,
    ...(draft.stableRS === undefined ? {} : { stableRS: draft.stableRS }),
    blueGreen: {
      ...(draft.activeSelector === undefined ? {} : { activeSelector: draft.activeSelector }),
      ...(draft.previewSelector === undefined ? {} : { previewSelector: draft.previewSelector }),
      ...(draft.scaleUpPreviewCheckPoint ? { scaleUpPreviewCheckPoint: true } : {}),
      ...(analysis.pre === undefined ? {} : { prePromotionAnalysisRunStatus: analysis.pre }),
      ...(analysis.post === undefined ? {} : { postPromotionAnalysisRunStatus: analysis.post }),
    },
    pauseConditions: pauseStatus.pauseConditions,
    controllerPause: pauseStatus.controllerPause,
    abort: pauseStatus.abort,
    ...(pauseStatus.abortedAt === undefined ? {} : { abortedAt: pauseStatus.abortedAt }),
    promoteFull: draft.promoteFull,
    ...(progressStartedAt === undefined ? {} : { progressStartedAt }),
    conditions,
    observedGeneration: fingerprint,
    ...(ctx.collisionCount === undefined ? {} : { collisionCount: ctx.collisionCount }),
    ...(draft.restartedAt === undefined ? {} : { restartedAt: draft.restartedAt }),
    ...draft.counts,
  };
}

/** shouldFullPromote for blue/green: the order of the checks is upstream's and matters. */
function shouldFullPromote(ctx: ReconcileContext, draft: Draft): string {
  if (ctx.stableRS === undefined) return 'Initial deploy';
  // Initial deployments do not switch active until stable is set (chicken and egg).
  if (draft.activeSelector === undefined || draft.activeSelector === '') return 'Initial deploy';
  if (draft.activeSelector !== draft.currentPodHash) return '';
  if (ctx.prev.promoteFull) return 'Full promotion requested';
  if (ctx.rollbackWithinWindow) return 'Rollback within window';
  if (ctx.isFastRollback()) return 'Fast rollback';
  if (ctx.pause.isAborted()) return '';
  if (ctx.spec.strategy.blueGreen.postPromotionAnalysis !== undefined) {
    // A move to a ReplicaSet still inside its scale-down delay skips the analysis.
    if (ctx.newRSWithinDelay) return `Rollback to '${ctx.rsName(ctx.newRS)}' within scaleDownDelay`;
    // The new ReplicaSet becomes stable only once post-promotion analysis succeeded.
    if (!completedPostPromotionAnalysis(ctx)) return '';
  }
  return 'Completed blue-green update';
}

function promoteStable(ctx: ReconcileContext, draft: Draft, reason: string): void {
  ctx.pause.clearPauseConditions();
  ctx.pause.removeAbort();
  draft.promoteFull = false;
  draft.scaleUpPreviewCheckPoint = false;
  if (draft.stableRS !== draft.currentPodHash) {
    draft.stableRS = draft.currentPodHash;
    ctx.event(REASON.completed, MESSAGE.rolloutCompleted(ctx.newRS.revision, draft.currentPodHash, reason));
  }
}

/** calculateScaleUpPreviewCheckPoint: a one-way trip-wire once the preview count is available after the pause. */
function scaleUpPreviewCheckPoint(ctx: ReconcileContext): boolean {
  const count = ctx.spec.strategy.blueGreen.previewReplicaCount;
  if (count === undefined) return false;
  if (ctx.prev.blueGreen.scaleUpPreviewCheckPoint === true) return true;
  if (!ctx.pause.completedBlueGreenPause()) return false;
  if (!completedPrePromotionAnalysis(ctx)) return false;
  return ctx.observed(ctx.newRS).availableReplicas === count;
}

function rolloutCompleted(draft: Draft): boolean {
  return draft.stableRS !== undefined && draft.stableRS !== '' && draft.stableRS === draft.currentPodHash;
}

/** RolloutProgressing: any count or selector moved since the last reconcile. */
function rolloutProgressing(ctx: ReconcileContext, draft: Draft): boolean {
  const p = ctx.prev;
  const oldOld = (p.replicas ?? 0) - (p.updatedReplicas ?? 0);
  const newOld = draft.counts.replicas - draft.counts.updatedReplicas;
  return (
    draft.counts.updatedReplicas !== (p.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    draft.counts.readyReplicas > (p.readyReplicas ?? 0) ||
    draft.counts.availableReplicas > (p.availableReplicas ?? 0) ||
    draft.activeSelector !== p.blueGreen.activeSelector ||
    draft.previewSelector !== p.blueGreen.previewSelector
  );
}

/** RolloutHealthy: all replicas updated and available, both Services on the current RS. */
function rolloutHealthy(ctx: ReconcileContext, draft: Draft): boolean {
  const replicas = ctx.spec.replicas;
  const preview =
    ctx.spec.strategy.blueGreen.previewService === undefined || draft.previewSelector === draft.currentPodHash;
  return (
    draft.counts.updatedReplicas === replicas &&
    draft.counts.availableReplicas === replicas &&
    draft.activeSelector === draft.currentPodHash &&
    preview
  );
}

function isIndefiniteStep(ctx: ReconcileContext): boolean {
  return getCondition(ctx.prev.conditions, 'Paused')?.status === 'True';
}

function waitingForScaleDown(ctx: ReconcileContext): boolean {
  return ctx.otherRSs.some((rs) => rs.scaleDownDeadline !== undefined && !ctx.deleted.includes(rs.podTemplateHash));
}

/** spec.progressDeadlineAbort: an update that stopped progressing is aborted. */
function evaluateProgressDeadlineAbort(ctx: ReconcileContext, draft: Draft): void {
  if (ctx.spec.progressDeadlineAbort !== true || ctx.pause.isAborted() || rolloutCompleted(draft)) return;
  if (rolloutProgressing(ctx, draft) || isIndefiniteStep(ctx) || waitingForScaleDown(ctx)) return;
  if (!rolloutTimedOut(ctx.prev.conditions, ctx.spec.progressDeadlineSeconds, ctx.now)) return;
  ctx.pause.addAbort(MESSAGE.rsTimedOut(ctx.rsName(ctx.newRS)));
}

/** calculateRolloutConditions. */
function rolloutConditions(
  ctx: ReconcileContext,
  draft: Draft,
  paused: boolean,
  fingerprint: string,
): RolloutCondition[] {
  const { nowIso, spec } = ctx;
  const rsName = ctx.rsName(ctx.newRS);
  let conditions: RolloutCondition[] = [...ctx.conditions];
  const set = (c: RolloutCondition): boolean => {
    const r = setCondition(conditions, c);
    conditions = r.conditions;
    return r.changed;
  };
  const isPaused = paused || spec.paused;
  const aborted = ctx.pause.isAborted();
  // Upstream also requires the previous status to have observed the current spec (generation).
  const healthy = rolloutHealthy(ctx, draft) && ctx.prev.observedGeneration === fingerprint;
  let becameUnhealthy = false;
  if (!isPaused && healthy) set(newCondition('Healthy', 'True', REASON.healthy, MESSAGE.healthy, nowIso));
  else if (getCondition(conditions, 'Healthy') !== undefined)
    becameUnhealthy = set(newCondition('Healthy', 'False', REASON.healthy, MESSAGE.notHealthy, nowIso));

  if (aborted) {
    const message =
      MESSAGE.aborted(ctx.newRS.revision) + (ctx.pause.abortMessage === '' ? '' : `: ${ctx.pause.abortMessage}`);
    if (set(newCondition('Progressing', 'False', REASON.aborted, message, nowIso))) ctx.event(REASON.aborted, message);
  } else if (healthy) {
    set(newCondition('Progressing', 'True', REASON.newRSAvailable, MESSAGE.rsCompleted(rsName), nowIso));
  } else if (rolloutProgressing(ctx, draft) || becameUnhealthy) {
    const notAvailable = draft.stableRS === draft.currentPodHash && becameUnhealthy;
    const current = getCondition(conditions, 'Progressing');
    let condition = notAvailable
      ? newCondition('Progressing', 'True', REASON.replicaSetNotAvailable, MESSAGE.notAvailable, nowIso)
      : newCondition('Progressing', 'True', REASON.replicaSetUpdated, MESSAGE.rsProgressing(rsName), nowIso);
    // Progress refreshes lastUpdateTime even with the same reason: that is the deadline's clock.
    if (current?.status === 'True') condition = { ...condition, lastTransitionTime: current.lastTransitionTime };
    conditions = [...removeCondition(conditions, 'Progressing'), condition];
  } else if (
    !isIndefiniteStep(ctx) &&
    !waitingForScaleDown(ctx) &&
    rolloutTimedOut(conditions, spec.progressDeadlineSeconds, ctx.now)
  ) {
    const message = MESSAGE.rsTimedOut(rsName);
    if (set(newCondition('Progressing', 'False', REASON.timedOut, message, nowIso)))
      ctx.event(REASON.timedOut, message);
  }

  const activeRS = ctx.allRSs.find((rs) => rs.podTemplateHash === draft.activeSelector);
  set(
    ctx.isSaturated(activeRS)
      ? newCondition('Available', 'True', REASON.available, MESSAGE.available, nowIso)
      : newCondition('Available', 'False', REASON.available, MESSAGE.notAvailable, nowIso),
  );
  if (rolloutCompleted(draft)) set(newCondition('Completed', 'True', REASON.completed, REASON.completed, nowIso));
  else if (set(newCondition('Completed', 'False', REASON.completed, REASON.completed, nowIso))) {
    ctx.event(REASON.notCompleted, MESSAGE.rolloutNotCompleted(ctx.newRS.revision, draft.currentPodHash));
  }
  return conditions;
}

/** sendStateChangeEvents. */
function sendStateChangeEvents(ctx: ReconcileContext, paused: boolean, aborted: boolean): void {
  const wasPaused = ctx.prev.pauseConditions.length > 0;
  if (wasPaused === paused) return;
  if (paused) ctx.event(REASON.paused, `${MESSAGE.paused} (BlueGreenPause)`);
  else if (!aborted) ctx.event(REASON.resumed, MESSAGE.resumed);
}
