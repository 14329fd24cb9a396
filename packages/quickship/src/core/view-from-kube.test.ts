import { describe, expect, it } from 'vitest';
import { renderRolloutTree } from './tree.ts';
import { kubeRolloutPhase, viewFromKube } from './view-from-kube.ts';
import { corpusDocuments, corpusFiles, hasCorpus } from './testing/corpus.ts';

describe.skipIf(!hasCorpus)('viewFromKube on the controller-written objects of status-bluegreen/', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  // As the plugin's own tests do (info/testdata), age every object by one week.
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600 * 1000).toISOString();
  const objects = hasCorpus
    ? corpusFiles('status-bluegreen')
        .flatMap((f) => corpusDocuments(f))
        .map((d): Record<string, unknown> => ({
          ...d.object,
          metadata: { ...(d.object.metadata as object), creationTimestamp: weekAgo },
        }))
    : [];
  const input = (
    extra: Partial<{ rs: (o: Record<string, unknown>) => Record<string, unknown> }> = {},
  ): Parameters<typeof viewFromKube>[0] => ({
    rollout: objects.find((o) => o.kind === 'Rollout'),
    replicaSets: objects.filter((o) => o.kind === 'ReplicaSet').map((o) => (extra.rs === undefined ? o : extra.rs(o))),
    pods: objects.filter((o) => o.kind === 'Pod'),
    now,
  });

  it('shows the active, preview and old revisions as `kubectl argo rollouts get rollout` does', () => {
    // Identical to the plugin's expected output for these objects (cmd/get/get_test.go TestGetBlueGreenRollout).
    expect(renderRolloutTree(viewFromKube(input()), { now })).toBe(`Name:            bluegreen-demo
Namespace:       jesse-test
Status:          ॥ Paused
Message:         BlueGreenPause
Strategy:        BlueGreen
Images:          argoproj/rollouts-demo:blue (stable, active)
                 argoproj/rollouts-demo:green (preview)
Replicas:
  Desired:       3
  Current:       6
  Updated:       3
  Ready:         6
  Available:     3

NAME                                        KIND        STATUS        AGE  INFO
⟳ bluegreen-demo                            Rollout     ॥ Paused      7d
├──# revision:11
│  └──⧉ bluegreen-demo-74b948fccb           ReplicaSet  ✔ Healthy     7d   preview
│     ├──□ bluegreen-demo-74b948fccb-5jz59  Pod         ✔ Running     7d   ready:1/1
│     ├──□ bluegreen-demo-74b948fccb-mkhrl  Pod         ✔ Running     7d   ready:1/1
│     └──□ bluegreen-demo-74b948fccb-vvj2t  Pod         ✔ Running     7d   ready:1/1
├──# revision:10
│  └──⧉ bluegreen-demo-6cbccd9f99           ReplicaSet  ✔ Healthy     7d   stable,active
│     ├──□ bluegreen-demo-6cbccd9f99-gk78v  Pod         ✔ Running     7d   ready:1/1
│     ├──□ bluegreen-demo-6cbccd9f99-kxj8g  Pod         ✔ Running     7d   ready:1/1
│     └──□ bluegreen-demo-6cbccd9f99-t2d4f  Pod         ✔ Running     7d   ready:1/1
└──# revision:8
   └──⧉ bluegreen-demo-746d5fddf6           ReplicaSet  • ScaledDown  7d
`);
  });

  it('shows a scale-down deadline on the ReplicaSet and drops markers when the hash label is gone (TestGetBlueGreenRolloutScaleDownDelay)', () => {
    const inFourHours = new Date(now.getTime() + 4 * 3600 * 1000).toISOString().replace('.000Z', 'Z');
    const view = viewFromKube(
      input({
        rs: (o) => {
          const meta = o.metadata as {
            name: string;
            labels: Record<string, string>;
            annotations: Record<string, string>;
          };
          if (meta.name !== 'bluegreen-demo-74b948fccb') return o;
          const { 'rollouts-pod-template-hash': _hash, ...labels } = meta.labels;
          return {
            ...o,
            metadata: { ...meta, labels, annotations: { ...meta.annotations, 'scale-down-deadline': inFourHours } },
          };
        },
      }),
    );
    const text = renderRolloutTree(view, { now: new Date(now.getTime() + 1000) });
    expect(text).toContain('│  └──⧉ bluegreen-demo-74b948fccb           ReplicaSet  ✔ Healthy     7d   delay:3h59m\n');
    expect(text).toContain('                 argoproj/rollouts-demo:green\n');
  });

  it('reads the phase from status.phase when a 1.0+ controller wrote it', () => {
    const rollout = objects.find((o) => o.kind === 'Rollout') as Record<string, unknown>;
    const status = {
      ...(rollout.status as object),
      phase: 'Degraded',
      message: 'RolloutAborted: Rollout aborted update to revision 11',
      pauseConditions: [],
      controllerPause: false,
    };
    expect(kubeRolloutPhase({ ...rollout, status })).toEqual({
      phase: 'Degraded',
      message: 'RolloutAborted: Rollout aborted update to revision 11',
    });
  });

  it('waits for a generation the controller has not observed', () => {
    const rollout = objects.find((o) => o.kind === 'Rollout') as { metadata: object; status: object };
    expect(kubeRolloutPhase({ ...rollout, metadata: { ...rollout.metadata, generation: 411 } }).message).toBe(
      'waiting for rollout spec update to be observed',
    );
  });
});

describe('viewFromKube: pod states', () => {
  it('reports waiting reasons, restarts and ready containers like kubectl', () => {
    const rollout = {
      metadata: { name: 'p', namespace: 'n', uid: 'r1' },
      spec: { replicas: 1 },
      status: { phase: 'Progressing', message: 'more replicas need to be updated' },
    };
    const rs = {
      metadata: {
        name: 'p-abc',
        uid: 's1',
        labels: { 'rollouts-pod-template-hash': 'abc' },
        annotations: { 'rollout.argoproj.io/revision': '1' },
        ownerReferences: [{ uid: 'r1' }],
      },
      spec: { replicas: 1, template: { spec: { containers: [{ image: 'payments:1' }] } } },
      status: { replicas: 1 },
    };
    const pod = {
      metadata: { name: 'p-abc-x', creationTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [{ uid: 's1' }] },
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { ready: true, restartCount: 1, state: { running: {} } },
          { ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    };
    const view = viewFromKube({ rollout, replicaSets: [rs], pods: [pod], now: new Date('2026-01-01T00:05:00Z') });
    expect(view.revisions[0]?.pods[0]).toEqual({
      name: 'p-abc-x',
      state: 'CrashLoopBackOff',
      ready: false,
      readyContainers: '1/2',
      restarts: 5,
      age: '5m',
    });
    expect(view.revisions[0]?.status).toBe('Progressing');
  });
});
