// When each verb applies and which of the plugin's patches it sends: one set of rules for both
// targets. The Kubernetes target sends the patches (kube/target.ts); the local engine applies the
// same patches to its Rollout (core/verbs.ts). Both read the facts below from the Rollout in
// Argo's shape (spec.paused, spec.replicas, status.pauseConditions/currentPodHash/stableRS/abort).
//
// Upstream (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/cmd, promote.go at 7005c29b):
//   promote        spec.paused → unpausePatch; pauseConditions → clearPauseConditionsPatch;
//                  unified fallback unpauseAndClearPauseConditionsPatch. No check of status.abort:
//                  an aborted rollout that is still paused is promoted on a cluster, so it is here
//                  too (the local engine used to refuse it).
//   promote --full currentPodHash ≠ stableRS → promoteFullPatch (status only; it does not unpause
//                  spec.paused and has no unified fallback).
//   abort / retry  abortPatch / retryRolloutPatch, status subresource then the resource on 404.
//   restart        restartPatch with now (RFC 3339).
// Our one addition, on both targets: where upstream would send nothing (and still print
// "promoted"), or a patch the controller undoes at once (abort of a fully promoted rollout), or
// one that changes nothing (abort of an aborted one, retry of one that is not), the verb is
// refused with VerbNotApplicableError saying why, so the CLI exits 1 instead of claiming success.
import { VerbNotApplicableError } from '../errors.ts';
import { isRecord } from './fields.ts';
import {
  ABORT_PATCH,
  CLEAR_PAUSE_CONDITIONS_PATCH,
  PROMOTE_FULL_PATCH,
  RETRY_ROLLOUT_PATCH,
  restartPatch,
  UNPAUSE_AND_CLEAR_PAUSE_CONDITIONS_PATCH,
  UNPAUSE_PATCH,
} from './verb-patches.ts';

/** What the verb rules read from a Rollout. */
export interface RolloutVerbState {
  readonly name: string;
  /** spec.paused */
  readonly paused: boolean;
  /** spec.replicas (default 1) */
  readonly replicas: number;
  /** status.pauseConditions, how many */
  readonly pauseConditions: number;
  readonly currentPodHash?: string;
  readonly stableRS?: string;
  /** status.abort */
  readonly abort: boolean;
}

/** promote.go getPatches' three results; abort/retry use the same patch for status and unified. */
export interface VerbPatches {
  /** Merge patch for the Rollout (spec), sent after the status patch. */
  readonly specPatch?: object;
  /** Merge patch for the `status` subresource, sent first. */
  readonly statusPatch?: object;
  /** Sent to the resource instead of the spec patch when the status subresource answers 404. */
  readonly unifiedPatch?: object;
}

/** The facts of a Rollout object in Argo's shape (a cluster's, or the local engine's). */
export function verbStateOf(rollout: {
  readonly metadata?: unknown;
  readonly spec?: unknown;
  readonly status?: unknown;
}): RolloutVerbState {
  const metadata = isRecord(rollout.metadata) ? rollout.metadata : {};
  const spec = isRecord(rollout.spec) ? rollout.spec : {};
  const status = isRecord(rollout.status) ? rollout.status : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    name: text(metadata.name) ?? '?',
    paused: spec.paused === true,
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    pauseConditions: Array.isArray(status.pauseConditions) ? status.pauseConditions.length : 0,
    ...(text(status.currentPodHash) ? { currentPodHash: text(status.currentPodHash) } : {}),
    ...(text(status.stableRS) ? { stableRS: text(status.stableRS) } : {}),
    abort: status.abort === true,
  };
}

function fullyPromoted(state: RolloutVerbState): boolean {
  return state.stableRS !== undefined && state.stableRS === state.currentPodHash;
}

export function promotePatches(state: RolloutVerbState, options: { readonly full: boolean }): VerbPatches {
  const { name } = state;
  if (options.full) {
    // Upstream compares the two as they are (both unset: equal, nothing to send).
    if (state.currentPodHash === state.stableRS) {
      throw new VerbNotApplicableError(
        `rollout '${name}' is already fully promoted (revision ${state.stableRS ?? '?'} is stable)`,
      );
    }
    return { statusPatch: PROMOTE_FULL_PATCH };
  }
  const specPatch = state.paused ? UNPAUSE_PATCH : undefined;
  const statusPatch = state.pauseConditions > 0 ? CLEAR_PAUSE_CONDITIONS_PATCH : undefined;
  if (specPatch === undefined && statusPatch === undefined) {
    if (state.abort)
      throw new VerbNotApplicableError(
        `rollout '${name}' is aborted: run \`retry\` to resume the update, \`promote --full\` to force it, or \`undo\` to go back`,
      );
    const why = fullyPromoted(state)
      ? 'it is fully promoted'
      : 'the update has not reached its pause yet (use --full to skip it)';
    throw new VerbNotApplicableError(`rollout '${name}' is not paused: ${why}`);
  }
  return {
    ...(specPatch ? { specPatch } : {}),
    ...(statusPatch ? { statusPatch } : {}),
    unifiedPatch: UNPAUSE_AND_CLEAR_PAUSE_CONDITIONS_PATCH,
  };
}

export function abortPatches(state: RolloutVerbState): VerbPatches {
  if (state.abort) throw new VerbNotApplicableError(`rollout '${state.name}' is already aborted`);
  if (fullyPromoted(state)) {
    throw new VerbNotApplicableError(
      `rollout '${state.name}' has no update in progress to abort (revision ${state.stableRS ?? '?'} is stable)`,
    );
  }
  return { statusPatch: ABORT_PATCH, unifiedPatch: ABORT_PATCH };
}

export function retryPatches(state: RolloutVerbState): VerbPatches {
  if (!state.abort) throw new VerbNotApplicableError(`rollout '${state.name}' is not aborted: nothing to retry`);
  return { statusPatch: RETRY_ROLLOUT_PATCH, unifiedPatch: RETRY_ROLLOUT_PATCH };
}

export function restartPatches(state: RolloutVerbState, at: Date): VerbPatches {
  if (state.replicas === 0)
    throw new VerbNotApplicableError(`rollout '${state.name}' has 0 replicas: nothing to restart`);
  return { specPatch: restartPatch(at) };
}
