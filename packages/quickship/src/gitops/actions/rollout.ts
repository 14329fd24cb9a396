// Argo CD's Rollout actions (resource_customizations/argoproj.io/Rollout/actions/<name>/action.lua,
// read at argo-cd 37ee0097): each takes the live Rollout and returns the object Argo CD's script
// returns, which Argo CD then turns into a merge patch (patch.ts). Nothing here is what the
// argo-rollouts kubectl plugin does; the two differ (e.g. Argo CD's promote-full sets
// status.promoteFull, its abort sets status.abort, its restart sets spec.restartAt to now).
import type { KubeObject } from '../../store/object.ts';
import { toNumber, truthy } from '../health/lua.ts';
import { ActionNotApplicableError } from './errors.ts';
import { copyOf, isRecord, length, section, type Json } from './object-edit.ts';

/** `os.date("!%Y-%m-%dT%XZ")`: UTC, seconds precision. The only time-dependent field of any action. */
export function luaUtcTimestamp(now: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${pad(now.getUTCFullYear(), 4)}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}` +
    `T${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}Z`
  );
}

const nameOf = (copy: Json): string => (isRecord(copy.metadata) ? String(copy.metadata.name ?? '') : '');

/**
 * v0.9 Rollouts and older record a hash in status.observedGeneration (v0.10+ a number no greater
 * than metadata.generation); the scripts branch on it.
 */
export function isLegacyGeneration(copy: Json, status: Json, action: string): boolean {
  const observed = toNumber(status.observedGeneration);
  if (observed === undefined) return true;
  const generation = isRecord(copy.metadata) ? copy.metadata.generation : undefined;
  if (typeof generation !== 'number') {
    throw new ActionNotApplicableError('Rollout', nameOf(copy), action, 'metadata.generation');
  }
  return observed > generation;
}

/** Skip every remaining step (v0.10+: status.promoteFull; v0.9: clear abort and jump to the last step index). */
export function promoteFull(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  const status = copy.status;
  if (!isRecord(status)) return copy as KubeObject;
  if (isLegacyGeneration(copy, status, 'promote-full')) {
    delete status.abort;
    const canary = isRecord(copy.spec) && isRecord(copy.spec.strategy) ? copy.spec.strategy.canary : undefined;
    // v0.9 full promotion exists only for canary (discovery disables it for blue/green); the script indexes canary.
    if (!isRecord(canary))
      throw new ActionNotApplicableError('Rollout', nameOf(copy), 'promote-full', 'spec.strategy.canary');
    if (canary.steps !== undefined && canary.steps !== null) status.currentStepIndex = length(canary.steps);
  } else {
    status.promoteFull = true;
  }
  return copy as KubeObject;
}

export function abort(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  section(copy, 'status', 'abort').abort = true;
  return copy as KubeObject;
}

export function retry(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  delete section(copy, 'status', 'retry').abort;
  return copy as KubeObject;
}

/** Restart the pods: spec.restartAt = now (Argo Rollouts restarts pods created before it). */
export function restart(obj: KubeObject, now: Date = new Date()): KubeObject {
  const copy = copyOf(obj);
  section(copy, 'spec', 'restart').restartAt = luaUtcTimestamp(now);
  return copy as KubeObject;
}

/** Clear status.pauseConditions when there are any, and spec.paused when it is set. */
export function resume(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  const status = section(copy, 'status', 'resume');
  if (length(status.pauseConditions) > 0) delete status.pauseConditions;
  const spec = section(copy, 'spec', 'resume');
  if (truthy(spec.paused)) spec.paused = false;
  return copy as KubeObject;
}

export function pause(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  section(copy, 'spec', 'pause').paused = true;
  return copy as KubeObject;
}

/** Canary only: advance status.currentStepIndex by one (clearing a pause) while steps remain. */
export function skipCurrentStep(obj: KubeObject): KubeObject {
  const copy = copyOf(obj);
  const status = copy.status;
  if (!isRecord(status)) return copy as KubeObject;
  const strategy = isRecord(copy.spec) ? copy.spec.strategy : undefined;
  if (!isRecord(strategy))
    throw new ActionNotApplicableError('Rollout', nameOf(copy), 'skip-current-step', 'spec.strategy');
  const canary = strategy.canary;
  if (!isRecord(canary) || canary.steps === undefined || canary.steps === null) return copy as KubeObject;
  const index = status.currentStepIndex;
  if (typeof index !== 'number') {
    throw new ActionNotApplicableError('Rollout', nameOf(copy), 'skip-current-step', 'status.currentStepIndex');
  }
  if (index < length(canary.steps)) {
    if (length(status.pauseConditions) > 0) delete status.pauseConditions;
    status.currentStepIndex = index + 1;
  }
  return copy as KubeObject;
}
