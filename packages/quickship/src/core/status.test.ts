import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../model.ts';
import { buildRolloutObject, buildRolloutView } from './status.ts';
import { FakeCluster, rolloutYaml, specOf } from './testing/fake-cluster.ts';

function pausedCluster(): FakeCluster {
  const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1' })), () => 1000).settle().advance(1000);
  c.spec = specOf(rolloutYaml({ image: 'payments:v2' }));
  return c.settle().advance(1000);
}

describe('buildRolloutObject (status --json in Argo shape)', () => {
  it('carries phase, message, selectors, pause conditions, counts and the selector string', () => {
    const c = pausedCluster();
    const v1 = c.rs('payments:v1').podTemplateHash;
    const v2 = c.rs('payments:v2').podTemplateHash;
    const manifest = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'payments', annotations: { team: 'pay' } },
      spec: { replicas: 2 },
    };
    const object = buildRolloutObject({
      spec: c.spec,
      status: c.status,
      replicaSets: c.replicaSets,
      observed: c.observed(),
      manifest,
    });
    expect(object).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: {
        name: 'payments',
        namespace: 'default',
        annotations: { team: 'pay', 'rollout.argoproj.io/revision': '2' },
      },
      spec: { replicas: 2 },
      status: {
        phase: 'Paused',
        message: 'BlueGreenPause',
        currentPodHash: v2,
        stableRS: v1,
        blueGreen: { activeSelector: v1, previewSelector: v2 },
        pauseConditions: [{ reason: 'BlueGreenPause' }],
        controllerPause: true,
        abort: false,
        replicas: 4,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        selector: `app=payments,rollouts-pod-template-hash=${v1}`,
      },
    });
  });
  it('falls back to the parsed spec without a manifest', () => {
    const c = pausedCluster();
    const object = buildRolloutObject({
      spec: c.spec,
      status: c.status,
      replicaSets: c.replicaSets,
      observed: c.observed(),
    });
    expect(object.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'payments' } } });
  });
});

describe('buildRolloutView', () => {
  it('lists revisions newest first with markers, health, instances and local notes', () => {
    const c = pausedCluster();
    const now = new Date(c.now);
    const instances: InstanceStatus[] = c
      .instanceStatuses()
      .map((i, n) => ({ ...i, port: 41000 + n, ...(n === 0 ? { restarts: 2 } : {}) }));
    const view = buildRolloutView({
      spec: {
        ...c.spec,
        ignored: [{ path: 'spec.template.spec.containers[0].resources', reason: 'cluster only: limits' }],
      },
      status: c.status,
      replicaSets: c.replicaSets,
      observed: c.observed(),
      instances,
      now,
      createdAt: '2026-01-01T00:00:00Z',
      others: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          name: 'payments',
          file: 'deploy/apps/payments/ingress.yaml',
        },
      ],
      notes: ['active Service payments-active → http://127.0.0.1:8080'],
    });
    expect(view).toMatchObject({
      name: 'payments',
      phase: 'Paused',
      message: 'BlueGreenPause',
      strategy: 'BlueGreen',
      age: '2s',
    });
    expect(view.images).toEqual([
      { image: 'payments:v1', markers: ['stable', 'active'] },
      { image: 'payments:v2', markers: ['preview'] },
    ]);
    expect(view.replicas).toEqual({ desired: 2, current: 4, updated: 2, ready: 2, available: 2 });
    expect(view.revisions.map((r) => [r.revision, r.image, r.markers, r.status, r.pods.length])).toEqual([
      [2, 'payments:v2', ['preview'], 'Healthy', 2],
      [1, 'payments:v1', ['stable', 'active'], 'Healthy', 2],
    ]);
    expect(view.revisions[1]?.pods[0]).toMatchObject({
      state: 'Running',
      ready: true,
      readyContainers: '1/1',
      restarts: 2,
      endpoint: '127.0.0.1:41000',
      age: '2s',
    });
    expect(view.notes).toEqual([
      'active Service payments-active → http://127.0.0.1:8080',
      'ignored locally: spec.template.spec.containers[0].resources (cluster only: limits)',
      'cluster only: Ingress/payments (deploy/apps/payments/ingress.yaml)',
    ]);
  });

  it('shows a ReplicaSet whose instances fail as Degraded, one still starting as Progressing', () => {
    const c = new FakeCluster(specOf(rolloutYaml({ image: 'payments:v1' })), () => 1000).settle();
    const base = {
      spec: c.spec,
      status: c.status,
      replicaSets: c.replicaSets,
      observed: c.observed(),
      now: new Date(c.now),
    };
    const starting = buildRolloutView({
      ...base,
      instances: c.instanceStatuses().map((i) => ({ ...i, state: 'Pending' as const, ready: false })),
    });
    expect(starting.revisions[0]?.status).toBe('Progressing');
    const failing = buildRolloutView({
      ...base,
      instances: c
        .instanceStatuses()
        .map((i) => ({ ...i, state: 'ErrImagePull' as const, ready: false, message: 'no local build for tag v1' })),
    });
    expect(failing.revisions[0]?.status).toBe('Degraded');
    expect(failing.revisions[0]?.pods[0]?.message).toBe('no local build for tag v1');
  });
});
