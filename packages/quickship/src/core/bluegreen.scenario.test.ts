// One release story through the pure reconcile with a fake clock: every pass is checked against
// the invariant "the active Service only ever selects a fully available ReplicaSet".
import { describe, expect, it } from 'vitest';
import type { ReplicaSetObservation } from '../model.ts';
import type { ReconcileResult } from './bluegreen.ts';
import { rolloutCounts } from './counts.ts';
import { getRolloutPhase } from './phase.ts';
import { FakeCluster, rolloutYaml, specOf } from './testing/fake-cluster.ts';
import { abort, promote, retry, undo } from './verbs.ts';

describe('blue/green story: deploy, pause, promote, scale down, abort, retry, undo, a revision that never gets ready', () => {
  it('follows Argo Rollouts step by step', () => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1', replicas: 2 })), (image) =>
      image === 'payments:broken' ? Number.POSITIVE_INFINITY : 2000,
    );
    let switches = 0;
    c.onPass = (result: ReconcileResult, observed: ReplicaSetObservation[]) => {
      const active = result.services.active;
      if (active === undefined) return;
      const o = observed.find((x) => x.podTemplateHash === active);
      expect(o?.availableReplicas, `active ${active} must be fully available`).toBe(c.spec.replicas);
      switches += result.events.filter((e) =>
        e.startsWith("SwitchService: Switched selector for service 'payments-active'"),
      ).length;
    };
    const phase = (): string => {
      const p = getRolloutPhase(c.spec, c.status, rolloutCounts(c.status, c.observed()));
      return p.message === '' ? p.phase : `${p.phase}: ${p.message}`;
    };
    const hash = (image: string): string => c.rs(`payments:${image}`).podTemplateHash;

    // 1. First deploy: straight to active, no pause.
    c.settle();
    expect(phase()).toBe('Progressing: updated replicas are still becoming available');
    c.advance(2000);
    expect(c.last?.services).toEqual({ active: hash('v1'), preview: hash('v1') });
    expect(phase()).toBe('Healthy');

    // 2. v2: preview first, scaled up, then paused before the switch.
    c.spec = specOf(rolloutYaml({ image: 'payments:v2', replicas: 2 }));
    c.settle();
    expect(c.last?.services).toEqual({ active: hash('v1'), preview: hash('v2') });
    // Available counts the active ReplicaSet (syncRolloutStatusBlueGreen), so this is the message.
    expect(phase()).toBe('Progressing: active service cutover pending');
    c.advance(2000);
    expect(phase()).toBe('Paused: BlueGreenPause');
    c.advance(60_000);
    expect(c.last?.services.active).toBe(hash('v1'));

    // 3. promote → switch → v2 stable; v1 waits scaleDownDelaySeconds (30) then goes to 0.
    const promoted = promote(c.spec, c.status, { full: false });
    expect(promoted.message).toBe("rollout 'payments' promoted");
    c.status = promoted.status;
    expect(phase()).toBe('Progressing: waiting for rollout to unpause');
    c.settle();
    expect(c.last?.services.active).toBe(hash('v2'));
    expect(c.status.stableRS).toBe(hash('v2'));
    expect(phase()).toBe('Healthy');
    expect(c.rs('payments:v1').replicas).toBe(2);
    c.advance(31_000);
    expect(c.rs('payments:v1').replicas).toBe(0);

    // 4. v3 paused, then aborted: active stays on v2, v3 scaled down after 30 s, Degraded.
    c.spec = specOf(rolloutYaml({ image: 'payments:v3', replicas: 2 }));
    c.settle().advance(2000);
    expect(phase()).toBe('Paused: BlueGreenPause');
    c.status = abort(c.spec, c.status).status;
    c.settle();
    expect(phase()).toBe('Degraded: RolloutAborted: Rollout aborted update to revision 3');
    expect(c.last?.services.active).toBe(hash('v2'));
    c.advance(31_000);
    expect(c.rs('payments:v3').replicas).toBe(0);
    expect(phase()).toBe('Degraded: RolloutAborted: Rollout aborted update to revision 3');

    // 5. retry: abort cleared, v3 scaled up again and paused again.
    c.status = retry(c.spec, c.status).status;
    c.settle();
    expect(c.status.abort).toBe(false);
    expect(c.status.abortedAt).toBeUndefined();
    expect(c.rs('payments:v3').replicas).toBe(2);
    c.advance(2000);
    expect(phase()).toBe('Paused: BlueGreenPause');
    c.status = promote(c.spec, c.status, { full: false }).status;
    c.settle();
    expect(c.last?.services.active).toBe(hash('v3'));
    expect(c.rs('payments:v2')).toMatchObject({ replicas: 2 });

    // 6. undo inside v2's scale-down window: immediate switch back, no pause, no new instances.
    c.advance(10_000);
    const before = switches;
    const undone = undo(c.spec, c.status, c.replicaSets);
    expect(undone.revision).toBe(2);
    c.spec = undone.spec;
    c.settle();
    expect(c.last?.services.active).toBe(hash('v2'));
    expect(switches).toBe(before + 1);
    expect(c.status.stableRS).toBe(hash('v2'));
    expect(c.rs('payments:v2').revision).toBe(4);
    expect(c.events).toContain(
      `RolloutCompleted: Rollout completed update to revision 4 (${hash('v2')}): Fast rollback`,
    );
    expect(phase()).toBe('Healthy');

    // 7. A revision that never becomes ready: active stays on v2, Degraded after progressDeadlineSeconds.
    c.advance(31_000); // let v3 scale down so nothing waits on a scale-down deadline
    c.spec = specOf(rolloutYaml({ image: 'payments:broken', replicas: 2 }));
    c.settle().advance(599_000);
    expect(phase()).toBe('Progressing: active service cutover pending');
    c.advance(2_000);
    expect(phase()).toBe(
      `Degraded: ProgressDeadlineExceeded: ReplicaSet "payments-${hash('broken')}" has timed out progressing.`,
    );
    expect(c.last?.services.active).toBe(hash('v2'));
    expect(c.observed().find((o) => o.podTemplateHash === hash('v2'))?.availableReplicas).toBe(2);

    // Every revision the story went through, newest first, as `status` would list them.
    expect(
      [...c.replicaSets]
        .sort((a, b) => b.revision - a.revision)
        .map((rs) => `${rs.revision}:${rs.container.image}:${rs.replicas}`),
    ).toEqual(['5:payments:broken:2', '4:payments:v2:2', '3:payments:v3:0', '1:payments:v1:0']);
  });
});
