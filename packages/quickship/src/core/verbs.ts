// The kubectl Argo Rollouts plugin's verbs as pure transforms of spec/status, with the patches of
// pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry,undo,restart}:
//   promote        {"spec":{"paused":false}} and/or {"status":{"pauseConditions":null}}
//   promote --full {"spec":{"paused":false}} and/or {"status":{"promoteFull":true}}
//   abort          {"status":{"abort":true}}
//   retry          {"status":{"abort":false}}
//   undo [--to-revision N]  replace spec.template with the template of revision N (default: previous)
//   restart        {"spec":{"restartAt":"<now, RFC 3339>"}}
// Where upstream sends a patch that changes nothing (promote of a rollout that is not paused,
// abort of a fully promoted one...), we refuse with VerbNotApplicableError and the reason, so the
// CLI exits non-zero; the message of every result is the plugin's one-line output.
import { VerbNotApplicableError, type ControllerStatus, type ReplicaSetState, type RolloutSpec } from '../model.ts';
import { canonicalJson } from './hash.ts';
import { parsePodTemplate } from './pod-template.ts';
import { rfc3339 } from './time.ts';

export interface VerbResult {
  readonly spec: RolloutSpec;
  readonly status: ControllerStatus;
  /** The plugin's output line, e.g. "rollout 'payments' promoted". */
  readonly message: string;
}

function fullyPromoted(status: ControllerStatus): boolean {
  return status.stableRS !== undefined && status.stableRS === status.currentPodHash;
}

export function promote(spec: RolloutSpec, status: ControllerStatus, options: { readonly full: boolean }): VerbResult {
  if (options.full) {
    // On an aborted rollout too: the controller clears the abort when it sees promoteFull.
    if (!spec.paused && fullyPromoted(status)) {
      throw new VerbNotApplicableError(
        `rollout '${spec.name}' is already fully promoted (revision ${status.stableRS ?? '?'} is stable)`,
      );
    }
    return {
      spec: spec.paused ? { ...spec, paused: false } : spec,
      status: fullyPromoted(status) ? status : { ...status, promoteFull: true },
      message: `rollout '${spec.name}' fully promoted`,
    };
  }
  if (status.abort) {
    throw new VerbNotApplicableError(
      `rollout '${spec.name}' is aborted: run \`retry\` to resume the update, \`promote --full\` to force it, or \`undo\` to go back`,
    );
  }
  if (!spec.paused && status.pauseConditions.length === 0) {
    const why = fullyPromoted(status)
      ? 'it is fully promoted'
      : 'the update has not reached its pause yet (use --full to skip it)';
    throw new VerbNotApplicableError(`rollout '${spec.name}' is not paused: ${why}`);
  }
  // controllerPause stays true: that is how the controller tells a human resume from "not paused yet".
  return {
    spec: spec.paused ? { ...spec, paused: false } : spec,
    status: status.pauseConditions.length > 0 ? { ...status, pauseConditions: [] } : status,
    message: `rollout '${spec.name}' promoted`,
  };
}

export function abort(spec: RolloutSpec, status: ControllerStatus): VerbResult {
  if (status.abort) throw new VerbNotApplicableError(`rollout '${spec.name}' is already aborted`);
  if (fullyPromoted(status)) {
    throw new VerbNotApplicableError(
      `rollout '${spec.name}' has no update in progress to abort (revision ${status.stableRS ?? '?'} is stable)`,
    );
  }
  return { spec, status: { ...status, abort: true }, message: `rollout '${spec.name}' aborted` };
}

export function retry(spec: RolloutSpec, status: ControllerStatus): VerbResult {
  if (!status.abort) throw new VerbNotApplicableError(`rollout '${spec.name}' is not aborted: nothing to retry`);
  const { abortedAt: _abortedAt, ...rest } = status;
  return { spec, status: { ...rest, abort: false }, message: `rollout '${spec.name}' retried` };
}

export interface UndoResult extends VerbResult {
  /** The revision whose template is now the Rollout's. */
  readonly revision: number;
  /** The pod template to write back to the manifest (the engine may commit it to deploy/). */
  readonly template: unknown;
}

/** rolloutRevision: the given revision, or the second newest when toRevision is 0/undefined. */
export function undo(
  spec: RolloutSpec,
  status: ControllerStatus,
  replicaSets: readonly ReplicaSetState[],
  options: { readonly toRevision?: number } = {},
): UndoResult {
  const toRevision = options.toRevision ?? 0;
  let target: ReplicaSetState | undefined;
  if (toRevision > 0) {
    target = replicaSets.find((rs) => rs.revision === toRevision);
    if (target === undefined) {
      const known = replicaSets.map((rs) => rs.revision).sort((a, b) => b - a);
      throw new VerbNotApplicableError(
        `unable to find specified revision ${toRevision} in history (revisions: ${known.join(', ') || 'none'})`,
      );
    }
  } else {
    const sorted = [...replicaSets].sort((a, b) => b.revision - a.revision);
    target = sorted[1];
    if (target === undefined)
      throw new VerbNotApplicableError(
        `no revision found for rollout "${spec.name}": there is no previous revision to go back to`,
      );
  }
  if (canonicalJson(target.template) === canonicalJson(spec.template)) {
    throw new VerbNotApplicableError(`skipped rollback (current template already matches revision ${target.revision})`);
  }
  const parsed = parsePodTemplate(target.template, 'spec.template');
  const keptIgnored = spec.ignored.filter((f) => !f.path.startsWith('spec.template'));
  return {
    spec: {
      ...spec,
      template: target.template,
      templateLabels: parsed.templateLabels,
      container: parsed.container,
      terminationGracePeriodSeconds: parsed.terminationGracePeriodSeconds,
      ignored: [...keptIgnored, ...parsed.ignored],
    },
    status,
    revision: target.revision,
    template: target.template,
    message: `rollout '${spec.name}' undo`,
  };
}

export function restart(spec: RolloutSpec, status: ControllerStatus, now: Date, inSeconds = 0): VerbResult {
  if (spec.replicas === 0)
    throw new VerbNotApplicableError(`rollout '${spec.name}' has 0 replicas: nothing to restart`);
  const restartAt = rfc3339(new Date(now.getTime() + inSeconds * 1000));
  return { spec: { ...spec, restartAt }, status, message: `rollout '${spec.name}' restarts in ${inSeconds}s` };
}
