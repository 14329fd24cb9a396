// argoproj.io Rollout, as Argo CD's built-in resource_customizations/argoproj.io/Rollout/health.lua
// decides it (read at argo-cd 37ee0097), branch for branch and word for word:
//  1. spec (and a workloadRef's generation) not yet observed → Progressing;
//  2. Argo Rollouts ≥ v1.0 records status.phase/message → surfaced as is (Paused → Suspended);
//  3. older controllers: InvalidSpec / RolloutAborted / ProgressDeadlineExceeded conditions → Degraded,
//     paused → Suspended, then replica counts, then the strategy's own "done" test.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, int, record, type Fields } from './fields.ts';
import { scriptError, scriptResult, toNumber, truthy } from './lua.ts';

export const WORKLOAD_GENERATION_ANNOTATION = 'rollout.argoproj.io/workload-generation';

const progressing = (message: string): HealthStatus => ({ status: 'Progressing', message });

/** v0.10+ records a numeric observedGeneration; v0.9 a hash, which reads as "observed". */
function isGenerationObserved(obj: KubeObject, status: Fields | undefined): boolean | 'no generation' {
  if (status === undefined) return false;
  const observed = toNumber(status.observedGeneration);
  if (observed === undefined) return true;
  const generation = obj.metadata.generation;
  if (generation === undefined) return 'no generation';
  return observed > generation || observed === generation;
}

/** v1.1+ with spec.workloadRef: the referenced workload's generation must be observed too. */
function isWorkloadGenerationObserved(obj: KubeObject, spec: Fields, status: Fields): boolean {
  const annotations = obj.metadata.annotations;
  if (spec.workloadRef === undefined || spec.workloadRef === null || annotations === undefined) return true;
  return toNumber(annotations[WORKLOAD_GENERATION_ANNOTATION]) === toNumber(status.workloadObservedGeneration);
}

/** v0.8 moved .status.canary.stableRS to .status.stableRS; undefined is Lua's nil (a canary block without it). */
function stableRS(status: Fields): unknown {
  if (status.stableRS !== undefined && status.stableRS !== null) return status.stableRS;
  const canary = record(status.canary);
  if (canary !== undefined) return canary.stableRS;
  return '';
}

export function rolloutHealth(obj: KubeObject): HealthStatus {
  const spec = record(obj.spec);
  if (spec === undefined) return scriptError('Rollout', 'spec is missing');
  const status = record(obj.status);
  const observed = isGenerationObserved(obj, status);
  if (observed === 'no generation') return scriptError('Rollout', 'metadata.generation is missing');
  if (!observed || status === undefined || !isWorkloadGenerationObserved(obj, spec, status)) {
    return progressing('Waiting for rollout spec update to be observed');
  }

  if (status.phase !== undefined && status.phase !== null) {
    return scriptResult(status.phase === 'Paused' ? 'Suspended' : status.phase, status.message);
  }

  // ipairs over status.conditions: a map yields nothing, nil is an error.
  if (status.conditions === undefined || status.conditions === null) {
    return scriptError('Rollout', 'status.conditions is missing');
  }
  for (const c of conditions(status.conditions)) {
    if (c.type === 'InvalidSpec') return { status: 'Degraded', message: c.message };
    if (c.type === 'Progressing' && (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded')) {
      return { status: 'Degraded', message: c.message };
    }
  }

  const pauseConditions = status.pauseConditions;
  if ((Array.isArray(pauseConditions) && pauseConditions.length > 0) || truthy(spec.paused)) {
    return { status: 'Suspended', message: 'Rollout is paused' };
  }

  const currentPodHash = status.currentPodHash;
  if (currentPodHash === undefined || currentPodHash === null) {
    return progressing('Waiting for rollout to finish: status has not been reconciled.');
  }

  const desired = int(spec.replicas) ?? 1;
  const replicas = int(status.replicas) ?? 0;
  const updated = int(status.updatedReplicas) ?? 0;
  const available = int(status.availableReplicas) ?? 0;
  if (updated < desired) return progressing('Waiting for roll out to finish: More replicas need to be updated');
  if (available < updated) {
    return progressing('Waiting for roll out to finish: updated replicas are still becoming available');
  }

  const stable = stableRS(status);
  const strategy = record(spec.strategy);
  if (strategy === undefined) return scriptError('Rollout', 'spec.strategy is missing');
  if (strategy.blueGreen !== undefined && strategy.blueGreen !== null) {
    const blueGreen = record(status.blueGreen);
    if (blueGreen === undefined || blueGreen.activeSelector !== currentPodHash) {
      return progressing('active service cutover pending');
    }
    // Blue/green uses status.stableRS since v0.8; an absent one (v0.7) is not waited for.
    if (stable !== '' && stable !== currentPodHash) return progressing('waiting for analysis to complete');
  } else if (strategy.canary !== undefined && strategy.canary !== null) {
    if (replicas > updated) {
      return progressing('Waiting for roll out to finish: old replicas are pending termination');
    }
    if (stable === '' || stable !== currentPodHash) return progressing('Waiting for rollout to finish steps');
  }
  return { status: 'Healthy', message: '' };
}
