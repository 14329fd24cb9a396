// The blue/green reconcile as a pure function: Argo's rolloutBlueGreen (rollout/bluegreen.go),
// one small step per concern, in upstream order:
//   checkPausedConditions → new/stable/other ReplicaSets → preview Service → (template changed:
//   status only) → pod restarts → ReplicaSets → pause → active Service → AnalysisRuns → status.
// Input is the spec, the stored status, the ReplicaSets and what the runtime observes; output is
// the next status, the desired ReplicaSets, the Service selectors, and events. The engine applies
// the output and calls again (immediately after a change, else at nextReconcileAt or on a tick).
import type { ControllerStatus, ReplicaSetState } from '../model.ts';
import { reconcilePodRestarts } from './bluegreen/restart.ts';
import { reconcileBlueGreenPause } from './bluegreen/pause.ts';
import { checkPausedConditions } from './bluegreen/paused-conditions.ts';
import { reconcileBlueGreenReplicaSets } from './bluegreen/replicasets.ts';
import { reconcileActiveService, reconcilePreviewService } from './bluegreen/services.ts';
import { reconcileAnalysisRuns } from './bluegreen/analysis.ts';
import { syncRolloutStatus } from './bluegreen/sync-status.ts';
import { nextReconcileAt } from './bluegreen/requeue.ts';
import { ReconcileContext, type ReconcileInput } from './bluegreen/context.ts';
import { canonicallyEqual, specFingerprint } from './hash.ts';
import { rfc3339 } from './time.ts';

export type { ReconcileInput } from './bluegreen/context.ts';

export interface ReconcileResult {
  readonly status: ControllerStatus;
  /** The ReplicaSets as they should be now (created, scaled, annotated; deleted ones left out). */
  readonly replicaSets: readonly ReplicaSetState[];
  /** Hashes of ReplicaSets deleted by revisionHistoryLimit (their instances are already gone). */
  readonly deletedReplicaSets: readonly string[];
  /** The rollouts-pod-template-hash each Service selects (undefined: selects nothing yet). */
  readonly services: { readonly active?: string; readonly preview?: string };
  /** Instances to restart now (spec.restartAt); the runtime replaces them one by one. */
  readonly restartInstances: readonly string[];
  /** Kubernetes-style events, "Reason: message", in the order they happened. */
  readonly events: readonly string[];
  /** AnalysisRuns to create (name and type; the engine builds them from the templates) and to terminate. */
  readonly analysisRuns: {
    readonly create: readonly { readonly type: 'pre' | 'post'; readonly name: string }[];
    readonly cancel: readonly string[];
  };
  /** When the next time-based transition is due (RFC 3339), if any. */
  readonly nextReconcileAt?: string;
  /** Something changed: reconcile again right away (Argo requeues on every status change). */
  readonly changed: boolean;
}

export function reconcileBlueGreen(input: ReconcileInput): ReconcileResult {
  const fingerprint = specFingerprint(input.spec);
  const prev = checkPausedConditions(input.spec, input.status, fingerprint, rfc3339(input.now));
  const ctx = new ReconcileContext(input, prev);
  // A fully promoted rollout cannot stay aborted.
  if (prev.stableRS !== undefined && prev.stableRS === prev.currentPodHash && prev.abort) ctx.pause.removeAbort();

  reconcilePreviewService(ctx);
  if (!ctx.podSpecChanged()) {
    reconcilePodRestarts(ctx);
    reconcileBlueGreenReplicaSets(ctx);
    reconcileBlueGreenPause(ctx);
    reconcileActiveService(ctx);
    reconcileAnalysisRuns(ctx);
  }
  const status = syncRolloutStatus(ctx, fingerprint);
  const replicaSets = ctx.allRSs.filter((rs) => !ctx.deleted.includes(rs.podTemplateHash)).map((rs) => ({ ...rs }));
  const changed =
    ctx.events.length > 0 ||
    ctx.analysisCreate.length > 0 ||
    ctx.analysisCancel.length > 0 ||
    !canonicallyEqual(status, input.status) ||
    !canonicallyEqual(replicaSets, input.replicaSets);
  const next = nextReconcileAt(input, status, replicaSets);
  return {
    status,
    replicaSets,
    deletedReplicaSets: [...ctx.deleted],
    services: { ...ctx.services },
    restartInstances: [...ctx.restartInstances],
    events: [...ctx.events],
    analysisRuns: { create: [...ctx.analysisCreate], cancel: [...ctx.analysisCancel] },
    ...(next === undefined ? {} : { nextReconcileAt: next }),
    changed,
  };
}

/** The status of a Rollout the engine has never reconciled. */
export function initialControllerStatus(): ControllerStatus {
  return {
    blueGreen: {},
    pauseConditions: [],
    controllerPause: false,
    abort: false,
    promoteFull: false,
    conditions: [],
  };
}
