// The patches the kubectl Argo Rollouts plugin sends, one named constant per upstream constant
// (argoproj/argo-rollouts, pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry,restart,undo}/*.go,
// promote.go read at commit 7005c29b). The plugin sends them as JSON text; both targets use the
// same JSON values: the Kubernetes target sends them (kube/target.ts), the local engine applies
// them to its Rollout as a merge patch (core/verbs.ts). Which patch a verb sends in which state is
// decided once, in core/verb-rules.ts.
//
// Merge patches (application/merge-patch+json) go to the `status` subresource first when upstream
// does so (Rollouts ≥ v0.10 keeps status in a subresource); on 404 upstream falls back to the
// main resource with a "unified" patch, and so does the Kubernetes target.
import { rfc3339 } from './time.ts';

/** promote/promote.go `unpausePatch`: clears a user pause (`spec.paused`). */
export const UNPAUSE_PATCH = { spec: { paused: false } } as const;

/** promote/promote.go `clearPauseConditionsPatch`: lifts the BlueGreenPause (status subresource). */
export const CLEAR_PAUSE_CONDITIONS_PATCH = { status: { pauseConditions: null } } as const;

/** promote/promote.go `unpauseAndClearPauseConditionsPatch`: the unified fallback of a plain promote. */
export const UNPAUSE_AND_CLEAR_PAUSE_CONDITIONS_PATCH = {
  spec: { paused: false },
  status: { pauseConditions: null },
} as const;

/** promote/promote.go `promoteFullPatch`: skip remaining pauses and analysis (status subresource). */
export const PROMOTE_FULL_PATCH = { status: { promoteFull: true } } as const;

/** abort/abort.go `abortPatch` (status subresource, same patch on the resource on 404). */
export const ABORT_PATCH = { status: { abort: true } } as const;

/** retry/retry.go `retryRolloutPatch` (status subresource, same patch on the resource on 404). */
export const RETRY_ROLLOUT_PATCH = { status: { abort: false } } as const;

/**
 * restart/restart.go `restartPatch`: `{"spec":{"restartAt":"%s"}}` with the time formatted as Go's
 * time.RFC3339 in UTC (whole seconds, "Z"). A spec patch: the controller restarts pods created before it.
 */
export function restartPatch(at: Date): { spec: { restartAt: string } } {
  return { spec: { restartAt: rfc3339(at) } };
}

/**
 * undo/undo.go `getRolloutPatch`: a JSON patch (application/json-patch+json, not a merge patch)
 * replacing spec.template with the pod template of the target revision's ReplicaSet, from which
 * the `rollouts-pod-template-hash` label has been removed.
 */
export function undoPatch(template: unknown): [{ op: 'replace'; path: '/spec/template'; value: unknown }] {
  return [{ op: 'replace', path: '/spec/template', value: template }];
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
