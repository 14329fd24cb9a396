// Argo CD's resource actions for the Argo Rollouts kinds, by kind and name: runResourceAction(obj,
// 'promote-full') returns the object Argo CD's action script returns; actionPatch (patch.ts) gives
// the patches Argo CD then sends.
import { groupOf, type KubeObject } from '../../store/object.ts';
import { terminate } from './analysisrun.ts';
import { UnknownActionError } from './errors.ts';
import { abort, pause, promoteFull, restart, resume, retry, skipCurrentStep } from './rollout.ts';

type Action = (obj: KubeObject, now: Date) => KubeObject;

const ACTIONS = new Map<string, ReadonlyMap<string, Action>>([
  [
    'argoproj.io/Rollout',
    new Map<string, Action>([
      ['restart', restart],
      ['resume', resume],
      ['abort', abort],
      ['retry', retry],
      ['pause', pause],
      ['promote-full', promoteFull],
      ['skip-current-step', skipCurrentStep],
    ]),
  ],
  ['argoproj.io/AnalysisRun', new Map<string, Action>([['terminate', terminate]])],
]);

/** Run an Argo CD action; `now` is used by restart only (spec.restartAt). */
export function runResourceAction(obj: KubeObject, action: string, now: Date = new Date()): KubeObject {
  const actions = ACTIONS.get(`${groupOf(obj.apiVersion)}/${obj.kind}`);
  const run = actions?.get(action);
  if (run === undefined) throw new UnknownActionError(obj.kind, action, [...(actions?.keys() ?? [])]);
  return run(obj, now);
}
