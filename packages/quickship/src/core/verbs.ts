// The kubectl Argo Rollouts plugin's verbs on the local engine's Rollout. promote, abort, retry
// and restart take their rules and patches from core/verb-rules.ts — the same ones the Kubernetes
// target sends — and apply them here as the API server would: a JSON merge patch, the status patch
// first, then the spec patch, on the Rollout's fields in Argo's shape (spec.paused,
// spec.restartAt, status.pauseConditions/abort/promoteFull), mapped back to RolloutSpec and
// ControllerStatus. undo replaces spec.template with the template of revision N (default: the
// previous one), as undo.go's JSON patch does. A refusal is a VerbNotApplicableError with the
// reason; the message of every result is the plugin's one-line output.
import type { ControllerStatus, PauseCondition, ReplicaSetState, RolloutSpec } from '../model.ts';
import { VerbNotApplicableError } from '../errors.ts';
import { isRecord } from './fields.ts';
import { canonicalJson } from './hash.ts';
import { applyMergePatch } from './merge-patch.ts';
import { parsePodTemplate } from './pod-template.ts';
import {
  abortPatches,
  promotePatches,
  restartPatches,
  retryPatches,
  verbStateOf,
  type VerbPatches,
} from './verb-rules.ts';

export interface VerbResult {
  readonly spec: RolloutSpec;
  readonly status: ControllerStatus;
  /** The plugin's output line, e.g. "rollout 'payments' promoted". */
  readonly message: string;
  /** The patches applied: the very ones the Kubernetes target sends in the same state. */
  readonly patches?: VerbPatches;
}

/** The Rollout's verb-facing fields, in Argo's shape. */
function rolloutOf(spec: RolloutSpec, status: ControllerStatus) {
  return {
    metadata: { name: spec.name },
    spec: { replicas: spec.replicas, paused: spec.paused, ...(spec.restartAt ? { restartAt: spec.restartAt } : {}) },
    status: {
      pauseConditions: status.pauseConditions,
      abort: status.abort,
      promoteFull: status.promoteFull,
      ...(status.currentPodHash ? { currentPodHash: status.currentPodHash } : {}),
      ...(status.stableRS ? { stableRS: status.stableRS } : {}),
    },
  };
}

/** Applies the patches as the API server would (status subresource, then the resource) and maps back. */
function applyPatches(
  spec: RolloutSpec,
  status: ControllerStatus,
  patches: VerbPatches,
): { spec: RolloutSpec; status: ControllerStatus } {
  let rollout: unknown = rolloutOf(spec, status);
  for (const patch of [patches.statusPatch, patches.specPatch]) if (patch) rollout = applyMergePatch(rollout, patch);
  const next = isRecord(rollout) ? rollout : {};
  const nextSpec = isRecord(next.spec) ? next.spec : {};
  const nextStatus = isRecord(next.status) ? next.status : {};
  const restartAt = typeof nextSpec.restartAt === 'string' ? nextSpec.restartAt : undefined;
  const { restartAt: _restartAt, ...specRest } = spec;
  const abort = nextStatus.abort === true;
  // The plugin's patches never touch status.abortedAt: retry leaves it for the controller, which
  // reads "abort lifted, abortedAt still set" as a retry (needsNewAnalysisRun) and then drops it.
  return {
    spec: { ...specRest, paused: nextSpec.paused === true, ...(restartAt ? { restartAt } : {}) },
    status: {
      ...status,
      pauseConditions: Array.isArray(nextStatus.pauseConditions)
        ? (nextStatus.pauseConditions as PauseCondition[])
        : [],
      abort,
      promoteFull: nextStatus.promoteFull === true,
    },
  };
}

function run(spec: RolloutSpec, status: ControllerStatus, patches: VerbPatches, message: string): VerbResult {
  return { ...applyPatches(spec, status, patches), message, patches };
}

export function promote(spec: RolloutSpec, status: ControllerStatus, options: { readonly full: boolean }): VerbResult {
  const patches = promotePatches(verbStateOf(rolloutOf(spec, status)), options);
  return run(spec, status, patches, `rollout '${spec.name}' ${options.full ? 'fully promoted' : 'promoted'}`);
}

export function abort(spec: RolloutSpec, status: ControllerStatus): VerbResult {
  return run(spec, status, abortPatches(verbStateOf(rolloutOf(spec, status))), `rollout '${spec.name}' aborted`);
}

export function retry(spec: RolloutSpec, status: ControllerStatus): VerbResult {
  return run(spec, status, retryPatches(verbStateOf(rolloutOf(spec, status))), `rollout '${spec.name}' retried`);
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
  const at = new Date(now.getTime() + inSeconds * 1000);
  const patches = restartPatches(verbStateOf(rolloutOf(spec, status)), at);
  return run(spec, status, patches, `rollout '${spec.name}' restarts in ${inSeconds}s`);
}

/**
 * The CLI verb an Argo CD resource action of the same meaning must pass first: the CLI's rules
 * win (promoting a fully promoted Rollout, aborting one with no update, retrying one that is not
 * aborted are refused with the plugin's reason), Argo CD's patch is what is applied.
 */
const ACTION_RULES: Readonly<Record<string, (state: ReturnType<typeof verbStateOf>, now: Date) => unknown>> = {
  'promote-full': (state) => promotePatches(state, { full: true }),
  resume: (state) => promotePatches(state, { full: false }),
  abort: (state) => abortPatches(state),
  retry: (state) => retryPatches(state),
  restart: (state, now) => restartPatches(state, now),
};

/** The Argo CD actions the engine's Rollout runs (pause and skip-current-step: no local meaning for blue/green). */
export const ROLLOUT_RESOURCE_ACTIONS = Object.keys(ACTION_RULES);

/**
 * Applies an Argo CD resource action's patches (gitops/actions computes them from the live
 * Rollout, as Argo CD does) after the CLI verb of the same meaning accepted the state, the same way
 * the verbs' patches are applied: status patch first, then the object patch.
 */
export function resourceAction(
  spec: RolloutSpec,
  status: ControllerStatus,
  action: string,
  patches: { readonly statusPatch?: object; readonly objectPatch?: object },
  now: Date,
): VerbResult {
  const rule = ACTION_RULES[action];
  if (rule === undefined)
    throw new VerbNotApplicableError(
      `Argo CD action "${action}" has no meaning for a blue/green Rollout run locally; the engine runs ${ROLLOUT_RESOURCE_ACTIONS.join(', ')}`,
    );
  rule(verbStateOf(rolloutOf(spec, status)), now);
  return run(
    spec,
    status,
    {
      ...(patches.statusPatch ? { statusPatch: patches.statusPatch } : {}),
      ...(patches.objectPatch ? { specPatch: patches.objectPatch } : {}),
    },
    `action '${action}' ran on rollout '${spec.name}'`,
  );
}
