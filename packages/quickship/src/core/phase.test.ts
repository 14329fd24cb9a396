import { describe, expect, it } from 'vitest';
import type { ControllerStatus, RolloutCondition } from '../model.ts';
import { initialControllerStatus } from './bluegreen.ts';
import { specFingerprint } from './hash.ts';
import { calculateRolloutPhase, getRolloutPhase } from './phase.ts';
import { rolloutYaml, specOf } from './testing/fake-cluster.ts';

const spec = specOf(rolloutYaml({ image: 'payments:v2', replicas: 2 }));
const healthy: ControllerStatus = {
  ...initialControllerStatus(),
  currentPodHash: 'b',
  stableRS: 'b',
  blueGreen: { activeSelector: 'b', previewSelector: 'b' },
};
const full = { updatedReplicas: 2, availableReplicas: 2 };
const cond = (reason: string, message: string, type: RolloutCondition['type'] = 'Progressing'): RolloutCondition => ({
  type,
  status: 'False',
  reason,
  message,
  lastTransitionTime: '',
  lastUpdateTime: '',
});

describe('calculateRolloutPhase (rolloututil.go), in upstream order', () => {
  it.each<
    [
      string,
      Partial<ControllerStatus>,
      { updatedReplicas: number; availableReplicas: number },
      Partial<typeof spec>,
      string,
      string,
    ]
  >([
    ['Healthy', {}, full, {}, 'Healthy', ''],
    [
      'InvalidSpec condition',
      { conditions: [cond('InvalidSpec', 'The Rollout "p" is invalid', 'InvalidSpec')] },
      full,
      {},
      'Degraded',
      'InvalidSpec: The Rollout "p" is invalid',
    ],
    [
      'aborted',
      { conditions: [cond('RolloutAborted', 'Rollout aborted update to revision 3')] },
      full,
      {},
      'Degraded',
      'RolloutAborted: Rollout aborted update to revision 3',
    ],
    [
      'timed out',
      { conditions: [cond('ProgressDeadlineExceeded', 'ReplicaSet "p-x" has timed out progressing.')] },
      full,
      {},
      'Degraded',
      'ProgressDeadlineExceeded: ReplicaSet "p-x" has timed out progressing.',
    ],
    ['spec.paused', {}, full, { paused: true }, 'Paused', 'manually paused'],
    [
      'BlueGreenPause',
      { pauseConditions: [{ reason: 'BlueGreenPause', startTime: '' }] },
      full,
      {},
      'Paused',
      'BlueGreenPause',
    ],
    ['restart pending', {}, full, { restartAt: '2026-01-01T00:00:00Z' }, 'Progressing', 'rollout is restarting'],
    [
      'scaling up',
      {},
      { updatedReplicas: 1, availableReplicas: 2 },
      {},
      'Progressing',
      'more replicas need to be updated',
    ],
    [
      'becoming available',
      {},
      { updatedReplicas: 2, availableReplicas: 1 },
      {},
      'Progressing',
      'updated replicas are still becoming available',
    ],
    ['before the switch', { currentPodHash: 'c' }, full, {}, 'Progressing', 'active service cutover pending'],
    [
      'switched, not yet stable',
      { stableRS: 'a' },
      full,
      {},
      'Progressing',
      'waiting for post-promotion verification to complete',
    ],
  ])('%s', (_name, status, counts, specPatch, phase, message) => {
    expect(calculateRolloutPhase({ ...spec, ...specPatch }, { ...healthy, ...status }, counts)).toEqual({
      phase,
      message,
    });
  });
});

describe('getRolloutPhase', () => {
  it('waits for a spec the status has not observed yet', () => {
    expect(getRolloutPhase(spec, { ...healthy, observedGeneration: 'older' }, full)).toEqual({
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
    });
    expect(getRolloutPhase(spec, { ...healthy, observedGeneration: specFingerprint(spec) }, full).phase).toBe(
      'Healthy',
    );
  });
  it('reports an unpause the controller has not picked up yet', () => {
    expect(getRolloutPhase(spec, { ...healthy, controllerPause: true }, full)).toEqual({
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
    });
  });
});
