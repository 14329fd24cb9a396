// The blue/green safety rules as properties of one reconcile pass, over states reached by a real
// release story and then disturbed the way a runtime can disturb them (instances crash or are not
// ready yet, time jumps, a verb lands). The story test (bluegreen.scenario.test.ts) only sees
// instances that become ready on schedule, so it cannot tell whether these rules exist; here each
// property fails when its rule is deleted (checked by removing each one):
//   1. services.ts: the active Service never switches to a ReplicaSet that is not fully available
//      (scaled to spec.replicas, all of them available) — also on abort, back to stable.
//   2. replicasets.ts isReplicaSetReferenced: an older ReplicaSet the active Service selects is
//      never scaled down in the same pass (and one known gap for the new ReplicaSet, below).
//   3. replicasets.ts: after an abort, the new ReplicaSet's scale-down countdown
//      (abortScaleDownDelaySeconds) starts only once stable can take all the traffic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ControllerStatus, ReplicaSetObservation, ReplicaSetState, RolloutSpec } from '../model.ts';
import { reconcileBlueGreen } from './bluegreen.ts';
import { FakeCluster, rolloutYaml, specOf } from './testing/fake-cluster.ts';
import { abort, promote, undo } from './verbs.ts';

interface Snapshot {
  readonly label: string;
  readonly spec: RolloutSpec;
  readonly status: ControllerStatus;
  readonly replicaSets: readonly ReplicaSetState[];
  readonly now: number;
}

const REPLICAS = 3;
const yaml = (image: string): string => rolloutYaml({ image: `payments:${image}`, replicas: REPLICAS });

/** States of one release story, each a moment a reconcile pass may start from. */
function storySnapshots(): Snapshot[] {
  const out: Snapshot[] = [];
  const c = new FakeCluster(specOf(yaml('v1')), () => 2000);
  const take = (label: string): void =>
    void out.push({ label, spec: c.spec, status: c.status, replicaSets: [...c.replicaSets], now: c.now });
  c.settle().advance(2000);
  take('v1 healthy');
  c.spec = specOf(yaml('v2'));
  c.settle();
  take('v2 scaling up, cutover pending');
  c.advance(2000);
  take('v2 paused for promotion');
  const promoted = promote(c.spec, c.status, { full: false });
  c.status = promoted.status;
  take('v2 promoted, not yet switched');
  c.settle();
  take('v2 active, v1 in its scale-down delay');
  const back = undo(c.spec, c.status, c.replicaSets);
  c.spec = back.spec;
  take('undo to v1 while it is still up');
  c.settle();
  take('v1 active again');
  c.spec = specOf(yaml('v3'));
  c.settle().advance(2000);
  c.status = abort(c.spec, c.status).status;
  take('v3 aborted, before the pass');
  c.settle();
  take('v3 aborted, active on stable');
  c.status = promote(c.spec, c.status, { full: true }).status;
  take('v3 promote --full');
  return out;
}

const snapshots = storySnapshots();

/** What the runtime might report for each ReplicaSet: any number of its instances up and available. */
const disturbed = (snapshot: Snapshot) =>
  fc
    .tuple(
      fc.array(
        // Half the time all up and available (so switches happen), else any counts.
        fc.oneof(
          fc.constant<[number, number]>([REPLICAS, REPLICAS]),
          fc.tuple(fc.integer({ min: 0, max: REPLICAS }), fc.integer({ min: 0, max: REPLICAS })),
        ),
        {
          minLength: snapshot.replicaSets.length,
          maxLength: snapshot.replicaSets.length,
        },
      ),
      fc.integer({ min: 0, max: 120_000 }),
      // The active Service as found: as stored, or on any ReplicaSet (an engine restarted after a
      // crash between two writes, a Service edited by hand).
      fc.constantFrom(
        snapshot.status.blueGreen.activeSelector,
        ...snapshot.replicaSets.map((rs) => rs.podTemplateHash),
      ),
    )
    .map(([counts, later, activeSelector]) => ({
      status: { ...snapshot.status, blueGreen: { ...snapshot.status.blueGreen, activeSelector } },
      observed: snapshot.replicaSets.map((rs, i): ReplicaSetObservation => {
        const [up, available] = counts[i]!;
        const existing = Math.min(up, rs.replicas);
        const ready = Math.min(available, existing);
        return {
          podTemplateHash: rs.podTemplateHash,
          replicas: existing,
          readyReplicas: ready,
          availableReplicas: ready,
        };
      }),
      now: new Date(snapshot.now + later),
    }));

const passes = fc
  .constantFrom(...snapshots)
  .chain((snapshot) => disturbed(snapshot).map((runtime) => ({ snapshot, ...runtime })));

function pass(input: { snapshot: Snapshot; status: ControllerStatus; observed: ReplicaSetObservation[]; now: Date }) {
  const { snapshot } = input;
  return reconcileBlueGreen({
    spec: snapshot.spec,
    status: input.status,
    replicaSets: snapshot.replicaSets,
    observed: input.observed,
    now: input.now,
  });
}

describe('blue/green safety rules hold in every pass, whatever the instances report', () => {
  it('the story reaches every state the properties start from', () => {
    expect(snapshots.map((s) => s.label)).toHaveLength(10);
    // The disturbed states include a switch back to stable on abort and a switch forward on promote.
    expect(snapshots.find((s) => s.label === 'v3 aborted, before the pass')?.status.abort).toBe(true);
  });

  it('1. the active Service only switches to a ReplicaSet scaled to spec.replicas and fully available', () => {
    let switched = 0;
    fc.assert(
      fc.property(passes, (input) => {
        const before = input.status.blueGreen.activeSelector;
        const result = pass(input);
        const after = result.services.active;
        if (after === undefined || after === before) return;
        switched++;
        const rs = result.replicaSets.find((r) => r.podTemplateHash === after);
        const seen = input.observed.find((o) => o.podTemplateHash === after);
        expect(rs?.replicas, `${input.snapshot.label}: active → ${after}`).toBe(REPLICAS);
        expect(seen?.availableReplicas, `${input.snapshot.label}: active → ${after}`).toBe(REPLICAS);
      }),
      { numRuns: 1000, seed: 20261202 },
    );
    expect(switched).toBeGreaterThan(50);
  });

  it('1b. on abort, the active Service does not return to a stable ReplicaSet that is not fully available', () => {
    const aborted = snapshots.find((s) => s.label === 'v3 aborted, before the pass')!;
    const stable = aborted.status.stableRS!;
    const newHash = aborted.status.currentPodHash!;
    // The new ReplicaSet is active (promoted, then aborted) and healthy; stable has lost an instance.
    const status: ControllerStatus = {
      ...aborted.status,
      blueGreen: { ...aborted.status.blueGreen, activeSelector: newHash },
    };
    const observed = aborted.replicaSets.map((rs) => ({
      podTemplateHash: rs.podTemplateHash,
      replicas: rs.replicas,
      readyReplicas: rs.podTemplateHash === stable ? REPLICAS - 1 : rs.replicas,
      availableReplicas: rs.podTemplateHash === stable ? REPLICAS - 1 : rs.replicas,
    }));
    const input = { spec: aborted.spec, status, replicaSets: aborted.replicaSets, now: new Date(aborted.now) };
    expect(reconcileBlueGreen({ ...input, observed }).services.active).toBe(newHash);
    const healthy = observed.map((o) => ({ ...o, readyReplicas: o.replicas, availableReplicas: o.replicas }));
    expect(reconcileBlueGreen({ ...input, observed: healthy }).services.active).toBe(stable);
  });

  it('2. an older ReplicaSet the active Service selects is never scaled down in the same pass', () => {
    let kept = 0;
    fc.assert(
      fc.property(passes, (input) => {
        const result = pass(input);
        const { stableRS, currentPodHash } = input.status;
        for (const hash of [input.status.blueGreen.activeSelector, result.services.active]) {
          // Stable and new ReplicaSets are sized by their own rules (stable: always full; new: see below).
          if (hash === undefined || hash === stableRS || hash === currentPodHash) continue;
          const before = input.snapshot.replicaSets.find((r) => r.podTemplateHash === hash);
          const after = result.replicaSets.find((r) => r.podTemplateHash === hash);
          if (before === undefined || before.replicas < REPLICAS) continue;
          kept++;
          expect(after?.replicas, `${input.snapshot.label}: ${hash} is selected by the active Service`).toBe(REPLICAS);
        }
      }),
      { numRuns: 1000, seed: 20261203 },
    );
    expect(kept).toBeGreaterThan(20);
  });

  // Found by property 2 when it also covered the new ReplicaSet: after an abort, once
  // abortScaleDownDelaySeconds has passed, replicasets.ts scales the new ReplicaSet to 0 even if
  // the active Service still selects it (it stays there while stable is not fully available).
  // Reachable when the active Service was left on the new ReplicaSet (an aborted promotion, a
  // restart between two writes). Left for the engineer who owns core/bluegreen; this flips to a
  // failure ("expected to fail but passed") once the scale-down checks the active Service.
  it.fails('KNOWN GAP: after an abort, the new ReplicaSet is scaled to 0 while the active Service selects it', () => {
    const aborted = snapshots.find((s) => s.label === 'v3 aborted, active on stable')!;
    const newHash = aborted.status.currentPodHash!;
    expect(aborted.replicaSets.find((rs) => rs.podTemplateHash === newHash)?.scaleDownDeadline).toBeDefined();
    const status: ControllerStatus = {
      ...aborted.status,
      blueGreen: { ...aborted.status.blueGreen, activeSelector: newHash },
    };
    const observed = aborted.replicaSets.map((rs) => ({
      podTemplateHash: rs.podTemplateHash,
      replicas: rs.replicas,
      readyReplicas: rs.podTemplateHash === aborted.status.stableRS ? REPLICAS - 1 : rs.replicas,
      availableReplicas: rs.podTemplateHash === aborted.status.stableRS ? REPLICAS - 1 : rs.replicas,
    }));
    const result = reconcileBlueGreen({
      spec: aborted.spec,
      status,
      replicaSets: aborted.replicaSets,
      observed,
      now: new Date(aborted.now + 60_000),
    });
    expect(result.services.active).toBe(newHash);
    expect(result.replicaSets.find((rs) => rs.podTemplateHash === newHash)?.replicas).toBe(REPLICAS);
  });

  it('3. after an abort, the scale-down countdown of the new ReplicaSet starts only once stable is fully available', () => {
    let started = 0;
    let held = 0;
    fc.assert(
      fc.property(passes, (input) => {
        if (!input.snapshot.status.abort) return;
        const newHash = input.snapshot.status.currentPodHash;
        const before = input.snapshot.replicaSets.find((r) => r.podTemplateHash === newHash);
        const after = pass(input).replicaSets.find((r) => r.podTemplateHash === newHash);
        if (before?.scaleDownDeadline !== undefined || after === undefined) return;
        const stable = input.observed.find((o) => o.podTemplateHash === input.snapshot.status.stableRS);
        if (after.scaleDownDeadline !== undefined) {
          started++;
          expect(stable?.availableReplicas).toBe(REPLICAS);
        } else held++;
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    expect(started).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
  });
});
