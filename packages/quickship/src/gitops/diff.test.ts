import { describe, expect, it } from 'vitest';
import { apply, update } from '../store/fields.ts';
import type { KubeObject } from '../store/object.ts';
import { ARGOCD_MANAGER, diffResource, renderDiff } from './diff.ts';

const T = '2026-12-02T00:00:00Z';
const rollout = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'payments', namespace: 'payments' },
  spec,
});
const ignoreReplicas = [
  {
    group: 'argoproj.io',
    kind: 'Rollout',
    name: 'payments',
    jsonPointers: ['/spec/replicas'],
    jqPathExpressions: [],
    managedFieldsManagers: [],
  },
];

describe('server-side diff', () => {
  const git = rollout({ replicas: 3, paused: false, strategy: { blueGreen: { activeService: 'a' } } });
  const synced = apply(undefined, git, ARGOCD_MANAGER, T);

  it('is Synced when live is what Git applied (status and server metadata aside)', () => {
    expect(
      diffResource(
        git,
        {
          ...synced,
          status: { phase: 'Healthy' },
          metadata: { ...synced.metadata, resourceVersion: '9', generation: 4 },
        },
        [],
        T,
      ).status,
    ).toBe('Synced');
  });
  it('reports a field Git sets that someone changed, with a readable diff', () => {
    const drifted = update(
      synced,
      rollout({ replicas: 3, paused: false, strategy: { blueGreen: { activeService: 'b' } } }),
      'kubectl',
      T,
    );
    const diff = diffResource(git, drifted, [], T);
    expect(diff).toMatchObject({ status: 'OutOfSync', reason: 'differs' });
    expect(renderDiff({ kind: 'Rollout', name: 'payments', namespace: 'payments' }, diff)).toContain(
      '/spec/strategy/blueGreen/activeService\n-   "b"\n+   "a"',
    );
  });
  it('does not report a field only another manager sets (the plugin`s restartAt)', () => {
    const restarted = update(
      synced,
      { ...synced, spec: { ...(synced.spec as object), restartAt: T } },
      'kubectl-argo-rollouts',
      T,
    );
    expect(diffResource(git, restarted, [], T).status).toBe('Synced');
  });
  it('reports a field Git no longer sets (argocd-controller applied it before)', () => {
    const lessInGit = rollout({ replicas: 3, strategy: { blueGreen: { activeService: 'a' } } });
    expect(diffResource(lessInGit, synced, [], T)).toMatchObject({ status: 'OutOfSync' });
  });
  it('honours ignoreDifferences jsonPointers', () => {
    const scaled = update(synced, { ...synced, spec: { ...(synced.spec as object), replicas: 5 } }, 'kubectl', T);
    expect(diffResource(git, scaled, [], T).status).toBe('OutOfSync');
    expect(diffResource(git, scaled, ignoreReplicas, T).status).toBe('Synced');
  });
  it('says missing and requires pruning', () => {
    expect(diffResource(git, undefined, [], T)).toMatchObject({ status: 'OutOfSync', reason: 'missing' });
    expect(diffResource(undefined, synced, [], T)).toMatchObject({ status: 'OutOfSync', reason: 'requires pruning' });
  });
});
