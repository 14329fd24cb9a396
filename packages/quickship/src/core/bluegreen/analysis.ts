// reconcileAnalysisRuns for blue/green (rollout/analysis.go): which pre-/post-promotion
// AnalysisRun is current, when to ask for a new one, when to cancel (spec.terminate) and how a
// finished run pauses or aborts the Rollout. The engine creates and terminates the runs this
// decides (engine/analysis-controller.ts); the next reconcile sees them in `input.analysisRuns`.
//
// Upstream rules kept here, in upstream order:
// - everything is cancelled while aborted, on promote --full, when the new ReplicaSet is one
//   still inside its scale-down delay (a fast rollback), on the first deploy (no stable yet) and
//   when rolling back within spec.rollbackWindow (ctx.rollbackWithinWindow, rollback-window.ts);
// - pre-promotion runs once the new ReplicaSet is saturated behind preview and active is
//   elsewhere (skipPrePromotionAnalysisRun), post-promotion once active is on it and it is not
//   stable yet (skipPostPromotionAnalysisRun);
// - a new run is needed when there is none, after an Inconclusive run was resumed by a promote
//   (controllerPause without BlueGreenPause), or after a retry (abortedAt still set while the abort
//   is lifted); its name is `<rollout>-<podHash>-<revision>-<pre|post>`, with `.1`, `.2`… when
//   that name exists (analysisutil.CreateWithCollisionCounter);
// - Inconclusive adds the InconclusiveAnalysis pause condition; Failed and Error abort with the
//   run's message ("Metric \"x\" assessed Failed due to failed (n) > failureLimit (m)").
// Difference: upstream's newest refactor reads the pause/abort from the previous run even in the
// reconcile that creates a new one; like the long-standing reconcilePrePromotionAnalysisRun, a
// freshly requested run here does not re-apply its predecessor's verdict (else retry re-aborts).
import type { AnalysisRunSummary, RolloutAnalysisRunStatus } from '../../model.ts';
import type { ReconcileContext } from './context.ts';

export type AnalysisType = 'pre' | 'post';

const COMPLETED = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);
const TYPE_LABEL: Readonly<Record<AnalysisType, string>> = { pre: 'PrePromotion', post: 'PostPromotion' };

function analysisSpec(ctx: ReconcileContext, type: AnalysisType): unknown {
  const bg = ctx.spec.strategy.blueGreen;
  return type === 'pre' ? bg.prePromotionAnalysis : bg.postPromotionAnalysis;
}

/** The run the previous status names as current for a type (FilterCurrentRolloutAnalysisRuns). */
export function currentRun(ctx: ReconcileContext, type: AnalysisType): AnalysisRunSummary | undefined {
  const bg = ctx.prev.blueGreen;
  const name = (type === 'pre' ? bg.prePromotionAnalysisRunStatus : bg.postPromotionAnalysisRunStatus)?.name;
  if (name === undefined) return undefined;
  return (ctx.input.analysisRuns ?? []).find((r) => r.name === name);
}

/** completedPrePromotionAnalysis: no pre-promotion analysis, or its current run is Successful. */
export function completedPrePromotionAnalysis(ctx: ReconcileContext): boolean {
  if (ctx.spec.strategy.blueGreen.prePromotionAnalysis === undefined) return true;
  return currentRun(ctx, 'pre')?.phase === 'Successful';
}

/** shouldFullPromote's post-promotion gate: the current post-promotion run succeeded. */
export function completedPostPromotionAnalysis(ctx: ReconcileContext): boolean {
  return ctx.currentAnalysis.post?.status === 'Successful';
}

export function reconcileAnalysisRuns(ctx: ReconcileContext): void {
  const runs = ctx.input.analysisRuns ?? [];
  const current = { pre: currentRun(ctx, 'pre'), post: currentRun(ctx, 'post') };
  if (shouldCancelAll(ctx)) {
    for (const run of runs) cancel(ctx, run);
    ctx.currentAnalysis = { ...statusEntry('pre', current.pre), ...statusEntry('post', current.post) };
    return;
  }
  const pre = reconcileOne(ctx, 'pre', current.pre);
  const post = reconcileOne(ctx, 'post', current.post);
  ctx.currentAnalysis = { ...(pre ? { pre } : {}), ...(post ? { post } : {}) };
  const keep = new Set([pre?.name, post?.name]);
  for (const run of runs) if (!keep.has(run.name)) cancel(ctx, run);
  emitStatusChange(ctx, 'pre', pre);
  emitStatusChange(ctx, 'post', post);
}

function statusEntry(
  type: AnalysisType,
  run: AnalysisRunSummary | undefined,
): Record<string, RolloutAnalysisRunStatus> {
  return run === undefined ? {} : { [type]: runStatus(run) };
}

function runStatus(run: AnalysisRunSummary): RolloutAnalysisRunStatus {
  return { name: run.name, status: run.phase, ...(run.message ? { message: run.message } : {}) };
}

/** shouldCancelAllAnalysisRuns. */
function shouldCancelAll(ctx: ReconcileContext): boolean {
  return (
    ctx.pause.isAborted() ||
    ctx.prev.promoteFull ||
    ctx.newRSWithinDelay ||
    ctx.prev.stableRS === undefined ||
    ctx.prev.stableRS === '' ||
    ctx.rollbackWithinWindow
  );
}

function shouldSkip(ctx: ReconcileContext, type: AnalysisType): boolean {
  const hash = ctx.newRS.podTemplateHash;
  const active = ctx.prev.blueGreen.activeSelector;
  if (ctx.prev.stableRS === hash) return true;
  if (type === 'post') return active !== hash || !ctx.isSaturated(ctx.newRS);
  if (active === undefined || active === '' || active === hash) return true;
  const count = ctx.spec.strategy.blueGreen.previewReplicaCount;
  if (count !== undefined) return ctx.newRS.replicas !== count || ctx.observed(ctx.newRS).availableReplicas !== count;
  return !ctx.isSaturated(ctx.newRS);
}

function reconcileOne(
  ctx: ReconcileContext,
  type: AnalysisType,
  cur: AnalysisRunSummary | undefined,
): RolloutAnalysisRunStatus | undefined {
  if (analysisSpec(ctx, type) === undefined || shouldSkip(ctx, type)) {
    if (cur) cancel(ctx, cur);
    return undefined;
  }
  const inconclusivePause = ctx.prev.pauseConditions.some((c) => c.reason === 'InconclusiveAnalysis');
  if (cur !== undefined && !inconclusivePause && needsNew(ctx, cur)) return request(ctx, type);
  if (cur === undefined) return request(ctx, type);
  setPauseOrAbort(ctx, cur);
  return runStatus(cur);
}

/** needsNewAnalysisRun (for an existing current run). */
function needsNew(ctx: ReconcileContext, cur: AnalysisRunSummary): boolean {
  const { prev } = ctx;
  if (prev.controllerPause && !prev.pauseConditions.some((c) => c.reason === 'BlueGreenPause')) {
    return cur.phase === 'Inconclusive';
  }
  return prev.abortedAt !== undefined;
}

/** createAnalysisRun: reuse an unfinished run of that name, else the next free collision name. */
function request(ctx: ReconcileContext, type: AnalysisType): RolloutAnalysisRunStatus {
  const base = analysisRunBaseName(ctx.spec.name, ctx.newRS.podTemplateHash, ctx.newRS.revision, type);
  const runs = ctx.input.analysisRuns ?? [];
  for (let n = 0; ; n++) {
    const name = n === 0 ? base : `${base}.${n}`;
    const existing = runs.find((r) => r.name === name);
    if (existing === undefined) {
      ctx.analysisCreate.push({ type, name });
      ctx.event('AnalysisRunCreated', `Created ${TYPE_LABEL[type]} AnalysisRun '${name}'`);
      return { name, status: '' };
    }
    if (existing.type === type && !existing.terminate && !COMPLETED.has(existing.phase)) return runStatus(existing);
  }
}

export function analysisRunBaseName(rollout: string, podHash: string, revision: number, type: AnalysisType): string {
  return `${rollout}-${podHash}-${revision}-${type}`;
}

/** setPauseOrAbort. */
function setPauseOrAbort(ctx: ReconcileContext, run: AnalysisRunSummary): void {
  if (run.phase === 'Inconclusive') ctx.pause.addPauseCondition('InconclusiveAnalysis');
  else if (run.phase === 'Failed' || run.phase === 'Error') ctx.pause.addAbort(run.message ?? '');
}

/** cancelAnalysisRun: spec.terminate on a run that is neither finished nor already terminating. */
function cancel(ctx: ReconcileContext, run: AnalysisRunSummary): void {
  if (run.terminate || COMPLETED.has(run.phase) || ctx.analysisCancel.includes(run.name)) return;
  ctx.analysisCancel.push(run.name);
}

/** emitAnalysisRunStatusChanges: "PrePromotion Analysis Run 'x' Status New: 'Failed' Previous: 'Running'". */
function emitStatusChange(ctx: ReconcileContext, type: AnalysisType, next: RolloutAnalysisRunStatus | undefined): void {
  if (next === undefined || next.status === '') return;
  const bg = ctx.prev.blueGreen;
  const prev = type === 'pre' ? bg.prePromotionAnalysisRunStatus : bg.postPromotionAnalysisRunStatus;
  if (prev !== undefined && (prev.name !== next.name || prev.status === next.status)) return;
  const previous = prev === undefined || prev.status === '' ? 'NoPreviousStatus' : prev.status;
  ctx.event(
    `AnalysisRun${next.status}`,
    `${TYPE_LABEL[type]} Analysis Run '${next.name}' Status New: '${next.status}' Previous: '${previous}'`,
  );
}
