import { describe, expect, it } from 'vitest';
import type { ReplicaSetState } from '../model.ts';
import { initialControllerStatus, reconcileBlueGreen } from './bluegreen.ts';
import { computePodTemplateHash } from './hash.ts';
import { abort, promote, restart } from './verbs.ts';
import { FakeCluster, rolloutYaml, specOf } from './testing/fake-cluster.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const bg = (lines: string): string =>
  lines
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');

describe('reconcileBlueGreen: first deploy', () => {
  it('creates revision 1, scales it, points preview at it and marks it stable (Initial deploy) in one pass', () => {
    const spec = specOf(rolloutYaml({ image: 'payments:v1', replicas: 3 }));
    const r = reconcileBlueGreen({
      spec,
      status: initialControllerStatus(),
      replicaSets: [],
      observed: [],
      now: new Date(T0),
    });
    const hash = computePodTemplateHash(spec.template);
    expect(r.replicaSets).toEqual([
      expect.objectContaining({
        podTemplateHash: hash,
        revision: 1,
        replicas: 3,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    ]);
    expect(r.services).toEqual({ preview: hash });
    expect(r.status).toMatchObject({ currentPodHash: hash, stableRS: hash, pauseConditions: [], abort: false });
    expect(r.events).toEqual([
      `NewReplicaSetCreated: Created ReplicaSet payments-${hash} (revision 1)`,
      `SwitchService: Switched selector for service 'payments-preview' from '' to '${hash}'`,
      `ScalingReplicaSet: Scaled up ReplicaSet payments-${hash} (revision 1) from 0 to 3`,
      `RolloutCompleted: Rollout completed update to revision 1 (${hash}): Initial deploy`,
    ]);
    expect(r.changed).toBe(true);
  });

  it('switches active only once every replica is available, and never pauses the first deploy', () => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', replicas: 3 })), () => 1000).settle();
    expect(c.last?.services.active).toBeUndefined();
    // Two of three ready: still no active endpoint set.
    const rs = c.replicaSets[0] as ReplicaSetState;
    const partial = reconcileBlueGreen({
      spec: c.spec,
      status: c.status,
      replicaSets: c.replicaSets,
      observed: [{ podTemplateHash: rs.podTemplateHash, replicas: 3, readyReplicas: 2, availableReplicas: 2 }],
      now: new Date(T0 + 500),
    });
    expect(partial.services.active).toBeUndefined();
    c.advance(1000);
    expect(c.last?.services.active).toBe(rs.podTemplateHash);
    expect(c.status.pauseConditions).toEqual([]);
    expect(c.last?.changed).toBe(false);
  });
});

describe('reconcileBlueGreen: an update', () => {
  const deployed = (yamlExtra?: string, replicas = 2): FakeCluster => {
    const opts = yamlExtra === undefined ? {} : { extra: yamlExtra };
    return new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', replicas, ...opts })), () => 1000)
      .settle()
      .advance(1000);
  };

  it('creates the next revision and only repoints preview in the pass that sees the new template', () => {
    const c = deployed();
    const v1 = c.rs('payments:v1');
    const spec = specOf(rolloutYaml({ image: 'payments:v2' }));
    const r = reconcileBlueGreen({
      spec,
      status: c.status,
      replicaSets: c.replicaSets,
      observed: c.observed(),
      now: new Date(c.now),
    });
    const v2 = r.replicaSets.find((rs) => rs.container.image === 'payments:v2');
    expect(v2).toMatchObject({ revision: 2, replicas: 0 });
    expect(r.services).toEqual({ active: v1.podTemplateHash, preview: v2?.podTemplateHash });
    expect(r.status.currentPodHash).toBe(v2?.podTemplateHash);
    expect(r.status.stableRS).toBe(v1.podTemplateHash);
  });

  it('an env change is a new revision too', () => {
    const c = deployed();
    c.spec = specOf(rolloutYaml({ image: 'payments:v1', env: 'changed' }));
    c.settle();
    expect(c.replicaSets.map((rs) => rs.revision)).toEqual([1, 2]);
  });

  it('pauses with BlueGreenPause when autoPromotionEnabled is false, and switches after promote', () => {
    const c = deployed();
    c.spec = specOf(rolloutYaml({ image: 'payments:v2' }));
    c.settle().advance(1000);
    expect(c.status.pauseConditions).toEqual([{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:00:02Z' }]);
    expect(c.status.controllerPause).toBe(true);
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    const p = promote(c.spec, c.status, { full: false });
    expect(p.status).toMatchObject({ pauseConditions: [], controllerPause: true });
    c.status = p.status;
    c.settle();
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
    expect(c.status.stableRS).toBe(c.rs('payments:v2').podTemplateHash);
  });

  it('promotes automatically when autoPromotionEnabled is true (the default)', () => {
    const c = deployed(bg('autoPromotionEnabled: true'));
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', extra: bg('autoPromotionEnabled: true') }));
    c.settle();
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    c.advance(1000);
    expect(c.status.pauseConditions).toEqual([]);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
  });

  it('auto-promotes after autoPromotionSeconds', () => {
    const extra = bg('autoPromotionSeconds: 20');
    const c = deployed(extra);
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', extra }));
    c.settle().advance(1000);
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    expect(c.last?.nextReconcileAt).toBe('2026-01-01T00:00:22.001Z');
    c.advance(19_000);
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    c.advance(1_001);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
  });

  it('scales the preview to previewReplicaCount, then to full after promote, and switches when all are available', () => {
    const extra = bg('autoPromotionEnabled: false\npreviewReplicaCount: 1');
    const c = deployed(extra, 3);
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', replicas: 3, extra }));
    c.settle().advance(1000);
    expect(c.rs('payments:v2').replicas).toBe(1);
    expect(c.status.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.rs('payments:v2').replicas).toBe(3);
    expect(c.status.blueGreen.scaleUpPreviewCheckPoint).toBe(true);
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    c.advance(1000);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
    expect(c.status.blueGreen.scaleUpPreviewCheckPoint).toBeUndefined();
  });

  it('promote --full skips the pause', () => {
    const c = deployed();
    c.spec = specOf(rolloutYaml({ image: 'payments:v2' }));
    c.settle();
    c.status = promote(c.spec, c.status, { full: true }).status;
    c.advance(1000);
    expect(c.events.some((e) => e.startsWith('RolloutPaused'))).toBe(false);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
    expect(c.status.promoteFull).toBe(false);
  });

  it('spec.paused stops selector switches (haltProgress)', () => {
    const c = deployed(bg('autoPromotionEnabled: true'));
    c.spec = {
      ...specOf(rolloutYaml({ image: 'payments:v2', extra: bg('autoPromotionEnabled: true') })),
      paused: true,
    };
    c.settle().advance(1000);
    expect(c.last?.services).toEqual({
      active: c.rs('payments:v1').podTemplateHash,
      preview: c.rs('payments:v1').podTemplateHash,
    });
  });
});

describe('reconcileBlueGreen: after the switch', () => {
  const promoted = (extra = bg('autoPromotionEnabled: true'), images = ['v1', 'v2']): FakeCluster => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: `payments:${images[0]}`, extra })), () => 1000)
      .settle()
      .advance(1000);
    for (const image of images.slice(1)) {
      c.spec = specOf(rolloutYaml({ image: `payments:${image}`, extra }));
      c.settle().advance(1000);
    }
    return c;
  };

  it('gives the old ReplicaSet a scale-down deadline of scaleDownDelaySeconds, then scales it to 0', () => {
    const c = promoted();
    const v1 = c.rs('payments:v1');
    expect(v1).toMatchObject({ replicas: 2, scaleDownDeadline: '2026-01-01T00:00:32Z' });
    expect(c.last?.nextReconcileAt).toBe('2026-01-01T00:00:32.001Z');
    c.advance(29_000);
    expect(c.rs('payments:v1').replicas).toBe(2);
    c.advance(2_000);
    expect(c.rs('payments:v1')).toEqual(expect.objectContaining({ replicas: 0 }));
    expect(c.rs('payments:v1').scaleDownDeadline).toBeUndefined();
  });

  it('keeps at most scaleDownDelayRevisionLimit old ReplicaSets up', () => {
    const c = promoted(bg('autoPromotionEnabled: true\nscaleDownDelayRevisionLimit: 1'), ['v1', 'v2', 'v3']);
    expect(c.rs('payments:v2')).toMatchObject({ replicas: 2 });
    expect(c.rs('payments:v2').scaleDownDeadline).toBeDefined();
    expect(c.rs('payments:v1').replicas).toBe(0);
  });

  it('deletes scaled-down ReplicaSets beyond revisionHistoryLimit, oldest first', () => {
    const extra = bg('autoPromotionEnabled: true\nscaleDownDelaySeconds: 5');
    const c = new FakeCluster(
      specOf(
        rolloutYaml({ image: 'payments:v1', extra }).replace(
          'spec:\n  replicas',
          'spec:\n  revisionHistoryLimit: 1\n  replicas',
        ),
      ),
      () => 1000,
    )
      .settle()
      .advance(1000);
    for (const v of ['v2', 'v3']) {
      c.spec = specOf(
        rolloutYaml({ image: `payments:${v}`, extra }).replace(
          'spec:\n  replicas',
          'spec:\n  revisionHistoryLimit: 1\n  replicas',
        ),
      );
      c.settle().advance(1000).advance(6000);
    }
    expect(c.replicaSets.map((rs) => rs.container.image)).toEqual(['payments:v2', 'payments:v3']);
    expect(
      c.events.some((e) => e.startsWith('DeletedReplicaSet: Deleted ReplicaSet') && e.includes('(revision 1)')),
    ).toBe(true);
  });
});

describe('reconcileBlueGreen: abort', () => {
  const pausedAtV2 = (extra = bg('autoPromotionEnabled: false')): FakeCluster => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', extra })), () => 1000).settle().advance(1000);
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', extra }));
    return c.settle().advance(1000);
  };

  it('keeps active on stable and scales the preview down after abortScaleDownDelaySeconds', () => {
    const c = pausedAtV2();
    c.status = abort(c.spec, c.status).status;
    c.settle();
    expect(c.status).toMatchObject({
      abort: true,
      abortedAt: '2026-01-01T00:00:02Z',
      pauseConditions: [],
      controllerPause: false,
    });
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    expect(c.rs('payments:v2')).toMatchObject({ replicas: 2, scaleDownDeadline: '2026-01-01T00:00:32Z' });
    c.advance(31_000);
    expect(c.rs('payments:v2').replicas).toBe(0);
    expect(c.status.abortedAt).toBe('2026-01-01T00:00:02Z');
  });

  it('leaves the preview up when abortScaleDownDelaySeconds is 0', () => {
    const c = pausedAtV2(bg('autoPromotionEnabled: false\nabortScaleDownDelaySeconds: 0'));
    c.status = abort(c.spec, c.status).status;
    c.settle().advance(600_000);
    expect(c.rs('payments:v2')).toMatchObject({ replicas: 2 });
    expect(c.rs('payments:v2').scaleDownDeadline).toBeUndefined();
  });

  it('clears the abort of a rollout that is fully promoted', () => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1' })), () => 1000).settle().advance(1000);
    c.status = { ...c.status, abort: true };
    c.settle();
    expect(c.status.abort).toBe(false);
  });
});

describe('reconcileBlueGreen: rollback and restart', () => {
  it('gives a reused ReplicaSet the next revision (undo is a new revision, as upstream)', () => {
    const c = new FakeCluster(
      specOf(rolloutYaml({ image: 'payments:v1', extra: bg('autoPromotionEnabled: true') })),
      () => 1000,
    )
      .settle()
      .advance(1000);
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', extra: bg('autoPromotionEnabled: true') }));
    c.settle().advance(1000);
    c.spec = specOf(rolloutYaml({ image: 'payments:v1', extra: bg('autoPromotionEnabled: true') }));
    c.settle();
    expect(c.rs('payments:v1').revision).toBe(3);
    expect(c.events).toContain('RolloutUpdated: Rollout updated to revision 3');
  });

  it('switches back at once on an undo within the scale-down window, even within the same second', () => {
    const extra = bg('autoPromotionEnabled: true');
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', extra })), () => 100).settle().advance(100);
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', extra }));
    c.settle().advance(100);
    expect(c.last?.services.active).toBe(c.rs('payments:v2').podTemplateHash);
    c.advance(100);
    c.spec = specOf(rolloutYaml({ image: 'payments:v1', extra }));
    c.settle();
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
    expect(c.events.filter((e) => e.endsWith('Fast rollback'))).toHaveLength(1);
    expect(c.rs('payments:v2').scaleDownDeadline).toBeDefined();
  });

  it('restarts instances older than restartAt one at a time and records restartedAt', () => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', replicas: 2 })), () => 1000)
      .settle()
      .advance(1000);
    const before = c.instanceStatuses().map((i) => i.name);
    const r = restart(c.spec, c.status, new Date(c.now));
    c.spec = r.spec;
    c.advance(1000);
    const restartEvents = c.events.filter((e) => e.startsWith('RestartingPod'));
    expect(restartEvents).toHaveLength(1);
    expect(c.status.restartedAt).toBeUndefined();
    c.advance(1000);
    c.advance(1000);
    expect(c.events.filter((e) => e.startsWith('RestartingPod'))).toHaveLength(2);
    expect(
      c
        .instanceStatuses()
        .map((i) => i.name)
        .some((n) => before.includes(n)),
    ).toBe(false);
    expect(c.status.restartedAt).toBe(r.spec.restartAt);
  });

  it('bumps collisionCount when another template already owns the hash', () => {
    const spec = specOf(rolloutYaml({ image: 'payments:v1' }));
    const hash = computePodTemplateHash(spec.template);
    const impostor: ReplicaSetState = {
      podTemplateHash: hash,
      revision: 1,
      template: { other: true },
      container: spec.container,
      terminationGracePeriodSeconds: 30,
      replicas: 0,
      createdAt: '2026-01-01T00:00:00Z',
    };
    const r = reconcileBlueGreen({
      spec,
      status: initialControllerStatus(),
      replicaSets: [impostor],
      observed: [],
      now: new Date(T0),
    });
    expect(r.status.collisionCount).toBe(1);
    expect(r.status.currentPodHash).toBe(computePodTemplateHash(spec.template, 1));
    expect(r.replicaSets.map((rs) => rs.revision)).toEqual([1, 2]);
  });
});

describe('reconcileBlueGreen: progress deadline', () => {
  it('marks a revision that never becomes ready ProgressDeadlineExceeded, and with progressDeadlineAbort aborts it', () => {
    const spec = (image: string): ReturnType<typeof specOf> => ({
      ...specOf(
        rolloutYaml({ image }).replace('spec:\n  replicas', 'spec:\n  progressDeadlineSeconds: 60\n  replicas'),
      ),
      progressDeadlineAbort: true,
    });
    const c = new FakeCluster(spec('payments:v1'), (image) =>
      image === 'payments:bad' ? Number.POSITIVE_INFINITY : 1000,
    )
      .settle()
      .advance(1000);
    c.spec = spec('payments:bad');
    c.settle().advance(59_000);
    expect(c.status.abort).toBe(false);
    c.advance(2_000);
    expect(c.status.conditions.find((x) => x.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'RolloutAborted',
      message:
        'Rollout aborted update to revision 2: ReplicaSet "payments-' +
        c.rs('payments:bad').podTemplateHash +
        '" has timed out progressing.',
    });
    expect(c.status.abort).toBe(true);
    expect(c.last?.services.active).toBe(c.rs('payments:v1').podTemplateHash);
  });
});
