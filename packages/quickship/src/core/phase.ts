// The phase and message of a Rollout, computed — never stored — as Argo computes them
// (utils/rollout/rolloututil.go): GetRolloutPhase first checks that the status has observed the
// spec and that an unpause has been picked up, then CalculateRolloutPhase reads conditions,
// pauses, restart, replica counts and the blue/green selectors, in that order.
import type { ControllerStatus, RolloutPhase, RolloutSpec } from '../model.ts';
import { specFingerprint } from './hash.ts';

export interface PhaseCounts {
  readonly updatedReplicas: number;
  readonly availableReplicas: number;
}

export interface Phase {
  readonly phase: RolloutPhase;
  readonly message: string;
}

type PhaseSpec = Pick<RolloutSpec, 'replicas' | 'paused' | 'restartAt'>;

/** CalculateRolloutPhase for a blue/green Rollout. */
export function calculateRolloutPhase(spec: PhaseSpec, status: ControllerStatus, counts: PhaseCounts): Phase {
  for (const cond of status.conditions) {
    if (cond.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${cond.message}` };
    if (cond.reason === 'RolloutAborted' || cond.reason === 'ProgressDeadlineExceeded') {
      return { phase: 'Degraded', message: `${cond.reason}: ${cond.message}` };
    }
  }
  if (spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const [pause] = status.pauseConditions;
  if (pause !== undefined) return { phase: 'Paused', message: pause.reason };
  if (spec.restartAt !== undefined && status.restartedAt !== spec.restartAt)
    return { phase: 'Progressing', message: 'rollout is restarting' };
  if (counts.updatedReplicas < spec.replicas)
    return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if (counts.availableReplicas < counts.updatedReplicas)
    return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  const active = status.blueGreen.activeSelector;
  if (active === undefined || active === '' || active !== status.currentPodHash)
    return { phase: 'Progressing', message: 'active service cutover pending' };
  if (status.stableRS === undefined || status.stableRS === '' || status.stableRS !== status.currentPodHash) {
    return { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' };
  }
  return { phase: 'Healthy', message: '' };
}

/**
 * GetRolloutPhase: "waiting for rollout spec update to be observed" while the status was computed
 * from another spec (observedGeneration holds the spec fingerprint; a never-reconciled status
 * counts as observed, as an empty observedGeneration does upstream), "waiting for rollout to
 * unpause" between a promote and the controller noticing it.
 */
export function getRolloutPhase(spec: RolloutSpec, status: ControllerStatus, counts: PhaseCounts): Phase {
  if (status.observedGeneration !== undefined && status.observedGeneration !== specFingerprint(spec)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  if (status.controllerPause && status.pauseConditions.length === 0)
    return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  return calculateRolloutPhase(spec, status, counts);
}
