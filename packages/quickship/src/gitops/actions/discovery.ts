// Which actions Argo CD offers for a Rollout or an AnalysisRun, and which are disabled
// (resource_customizations/argoproj.io/<Kind>/actions/discovery.lua), so a console or CLI shows the
// same buttons as Argo CD's UI.
import type { KubeObject } from '../../store/object.ts';
import { truthy } from '../health/lua.ts';
import { ActionNotApplicableError } from './errors.ts';
import { copyOf, isRecord, length, type Json } from './object-edit.ts';
import { isLegacyGeneration } from './rollout.ts';

/** Argo CD's ResourceAction as discovery returns it. */
export interface ResourceAction {
  readonly name: string;
  readonly disabled: boolean;
  readonly displayName?: string;
}

export function rolloutActionsAvailable(obj: KubeObject): ResourceAction[] {
  const copy = copyOf(obj);
  const spec: Json = isRecord(copy.spec) ? copy.spec : {};
  const status = copy.status;
  if (!isRecord(status)) throw new ActionNotApplicableError('Rollout', obj.metadata.name, 'discovery', 'status');
  const strategy: Json = isRecord(spec.strategy) ? spec.strategy : {};

  const paused: unknown =
    status.pauseConditions !== undefined && status.pauseConditions !== null
      ? length(status.pauseConditions) > 0
      : spec.paused;
  const fullyPromoted = status.currentPodHash === status.stableRS;

  let promoteFullDisabled = true;
  if (!fullyPromoted) {
    promoteFullDisabled = isLegacyGeneration(copy, status, 'discovery')
      ? // v0.9: full promotion only for canary
        strategy.blueGreen !== undefined && strategy.blueGreen !== null
      : false;
  }
  const canary = isRecord(strategy.canary) ? strategy.canary : undefined;
  const skipDisabled =
    canary === undefined ||
    canary.steps === undefined ||
    canary.steps === null ||
    status.currentStepIndex === length(canary.steps);

  return [
    { name: 'restart', disabled: false, displayName: 'Restart Pods' },
    { name: 'resume', disabled: !truthy(paused) },
    { name: 'abort', disabled: fullyPromoted || truthy(status.abort) },
    { name: 'retry', disabled: fullyPromoted || !truthy(status.abort) },
    { name: 'pause', disabled: fullyPromoted || truthy(status.abort) || truthy(spec.paused) },
    { name: 'promote-full', disabled: promoteFullDisabled },
    { name: 'skip-current-step', disabled: skipDisabled },
  ];
}

const FINISHED_PHASES: ReadonlySet<unknown> = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

export function analysisRunActionsAvailable(obj: KubeObject): ResourceAction[] {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  if (truthy(spec.terminate)) return [{ name: 'terminate', disabled: true }];
  const status = obj.status;
  if (!isRecord(status)) throw new ActionNotApplicableError('AnalysisRun', obj.metadata.name, 'discovery', 'status');
  return [{ name: 'terminate', disabled: FINISHED_PHASES.has(status.phase) }];
}
