// One set of verb rules for both targets: for every verb in every state, the local engine
// (core/verbs.ts on RolloutSpec + ControllerStatus) and the Kubernetes target (the same Rollout as
// a cluster serves it: empty pauseConditions and `abort: false` omitted) refuse alike or send the
// same patches — and what the local engine ends up with is what the API server makes of those
// merge patches.
import { describe, expect, it } from 'vitest';
import type { ControllerStatus, RolloutSpec } from '../model.ts';
import { initialControllerStatus } from '../core/bluegreen.ts';
import { applyMergePatch } from '../core/merge-patch.ts';
import { abortPatches, restartPatches, retryPatches, verbStateOf, type VerbPatches } from '../core/verb-rules.ts';
import { abort, promote, restart, retry, type VerbResult } from '../core/verbs.ts';
import { rolloutYaml, specOf } from '../core/testing/fake-cluster.ts';
import type { KubeObject } from './objects.ts';
import { promotePatches } from './verbs.ts';

const NOW = new Date('2026-12-02T17:00:00Z');
const STARTED = '2026-12-02T16:59:00Z';

interface State {
  readonly paused: boolean;
  readonly pauseCondition: boolean;
  readonly abort: boolean;
  /** currentPodHash vs stableRS */
  readonly revisions: 'updating' | 'promoted' | 'first';
  readonly replicas: 0 | 2;
}

const states: State[] = [];
for (const paused of [false, true])
  for (const pauseCondition of [false, true])
    for (const abortFlag of [false, true])
      for (const revisions of ['updating', 'promoted', 'first'] as const)
        for (const replicas of [0, 2] as const)
          states.push({ paused, pauseCondition, abort: abortFlag, revisions, replicas });

const hashes = (state: State): { currentPodHash?: string; stableRS?: string } =>
  state.revisions === 'first'
    ? {}
    : { currentPodHash: 'new5c8f9d', stableRS: state.revisions === 'updating' ? 'old6b7d4c' : 'new5c8f9d' };

function local(state: State): { spec: RolloutSpec; status: ControllerStatus } {
  const spec = { ...specOf(rolloutYaml({ image: 'payments:v2', replicas: state.replicas })), paused: state.paused };
  const status: ControllerStatus = {
    ...initialControllerStatus(),
    ...hashes(state),
    pauseConditions: state.pauseCondition ? [{ reason: 'BlueGreenPause', startTime: STARTED }] : [],
    abort: state.abort,
    ...(state.abort ? { abortedAt: STARTED } : {}),
  };
  return { spec, status };
}

function cluster(state: State): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'payments', namespace: 'payments' },
    spec: {
      replicas: state.replicas,
      ...(state.paused ? { paused: true } : {}),
      strategy: { blueGreen: { activeService: 'payments-active', previewService: 'payments-preview' } },
    },
    status: {
      ...hashes(state),
      ...(state.pauseCondition ? { pauseConditions: [{ reason: 'BlueGreenPause', startTime: STARTED }] } : {}),
      ...(state.abort ? { abort: true } : {}),
    },
  } as KubeObject;
}

type Outcome = { readonly patches: VerbPatches } | { readonly refused: string };

function outcome(run: () => VerbPatches | undefined): Outcome {
  try {
    return { patches: run() ?? {} };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

const verbs: Record<string, { local: (s: State) => VerbResult; kube: (o: KubeObject) => VerbPatches }> = {
  promote: {
    local: (s) => promote(local(s).spec, local(s).status, { full: false }),
    kube: (o) => promotePatches(o, false),
  },
  'promote --full': {
    local: (s) => promote(local(s).spec, local(s).status, { full: true }),
    kube: (o) => promotePatches(o, true),
  },
  abort: { local: (s) => abort(local(s).spec, local(s).status), kube: (o) => abortPatches(verbStateOf(o)) },
  retry: { local: (s) => retry(local(s).spec, local(s).status), kube: (o) => retryPatches(verbStateOf(o)) },
  restart: {
    local: (s) => restart(local(s).spec, local(s).status, NOW),
    kube: (o) => restartPatches(verbStateOf(o), NOW),
  },
};

const label = (s: State): string =>
  `paused=${s.paused} pauseCondition=${s.pauseCondition} abort=${s.abort} ${s.revisions} replicas=${s.replicas}`;

describe('verb parity: the local engine and the Kubernetes target decide alike', () => {
  for (const [verb, run] of Object.entries(verbs)) {
    it.each(states.map((s) => [label(s), s] as const))(`${verb}: %s`, (_label, state) => {
      const mine = outcome(() => run.local(state).patches);
      const theirs = outcome(() => run.kube(cluster(state)));
      expect(mine).toEqual(theirs);
      if ('refused' in mine) return;
      // What the local engine now holds is the cluster's Rollout after the API server applied the
      // status patch, then the spec patch.
      const result = run.local(state);
      let object: unknown = cluster(state);
      for (const patch of [mine.patches.statusPatch, mine.patches.specPatch])
        if (patch) object = applyMergePatch(object, patch);
      const after = verbStateOf(object as KubeObject);
      expect({
        paused: result.spec.paused,
        pauseConditions: result.status.pauseConditions.length,
        abort: result.status.abort,
      }).toEqual({
        paused: after.paused,
        pauseConditions: after.pauseConditions,
        abort: after.abort,
      });
      const patched = object as { spec: { restartAt?: string }; status: { promoteFull?: boolean } };
      expect(result.spec.restartAt).toBe(patched.spec.restartAt);
      expect(result.status.promoteFull).toBe(patched.status.promoteFull === true);
    });
  }

  it('follows upstream where the local engine used to differ: an aborted rollout still paused is promoted', () => {
    const state: State = { paused: false, pauseCondition: true, abort: true, revisions: 'updating', replicas: 2 };
    const result = promote(local(state).spec, local(state).status, { full: false });
    expect(result.patches).toEqual({
      statusPatch: { status: { pauseConditions: null } },
      unifiedPatch: { spec: { paused: false }, status: { pauseConditions: null } },
    });
    expect(result.status.pauseConditions).toEqual([]);
    expect(result.status.abort).toBe(true);
  });

  it('promote --full sends only status.promoteFull (promote.go), leaving a user pause in place', () => {
    const state: State = { paused: true, pauseCondition: true, abort: false, revisions: 'updating', replicas: 2 };
    const result = promote(local(state).spec, local(state).status, { full: true });
    expect(result.patches).toEqual({ statusPatch: { status: { promoteFull: true } } });
    expect(result.spec.paused).toBe(true);
    expect(result.status.promoteFull).toBe(true);
  });
});
