import { describe, expect, it } from 'vitest';
import { apply, fieldSet, fromFieldsV1, ownedBy, toFieldsV1, update } from './fields.ts';
import { applyMergePatch as mergePatch } from '../core/merge-patch.ts';
import type { KubeObject } from './object.ts';

const T = '2026-12-02T00:00:00Z';
const rollout = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'payments', namespace: 'payments', labels: { app: 'payments' } },
  spec,
});

describe('field sets', () => {
  it('are leaf paths with lists atomic and identity/server metadata left out', () => {
    const set = fieldSet({
      ...rollout({ replicas: 3, template: { spec: { containers: [{ name: 'a' }] } } }),
      metadata: { name: 'x', uid: 'u', labels: { a: 'b' } },
    });
    expect([...set].sort()).toEqual(['/metadata/labels/a', '/spec/replicas', '/spec/template/spec/containers']);
  });
  it('round-trip through FieldsV1', () => {
    const paths = ['/spec/replicas', '/spec/strategy/blueGreen/activeService', '/metadata/labels/a~1b'];
    expect(toFieldsV1(paths)).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    expect([...fromFieldsV1(toFieldsV1(paths))].sort()).toEqual([...paths].sort());
  });
});

describe('server-side apply', () => {
  it('sets what the applier sets and keeps what only others set', () => {
    let live = apply(undefined, rollout({ replicas: 3, paused: false }), 'argocd-controller', T);
    live = update(
      live,
      { ...live, spec: { ...(live.spec as object), restartAt: '2026-12-02T01:00:00Z' } },
      'kubectl-argo-rollouts',
      T,
    );
    const again = apply(live, rollout({ replicas: 3, paused: false }), 'argocd-controller', T);
    expect(again.spec).toEqual({ replicas: 3, paused: false, restartAt: '2026-12-02T01:00:00Z' });
    expect([...ownedBy(again, 'kubectl-argo-rollouts')]).toEqual(['/spec/restartAt']);
  });
  it('keeps a field the applier no longer sets while another manager still owns it', () => {
    const first = apply(undefined, rollout({ replicas: 3, minReadySeconds: 5 }), 'argocd-controller', T);
    const shared = apply(first, rollout({ minReadySeconds: 5 }), 'other-applier', T);
    const second = apply(shared, rollout({ replicas: 3 }), 'argocd-controller', T);
    expect(second.spec).toEqual({ replicas: 3, minReadySeconds: 5 });
  });
  it('removes a field the applier set before and no longer sets', () => {
    const first = apply(undefined, rollout({ replicas: 3, minReadySeconds: 5 }), 'argocd-controller', T);
    const second = apply(first, rollout({ replicas: 3 }), 'argocd-controller', T);
    expect(second.spec).toEqual({ replicas: 3 });
  });
  it('takes back a field another manager changed (force), and that manager loses it', () => {
    const first = apply(undefined, rollout({ replicas: 3 }), 'argocd-controller', T);
    const scaled = update(first, { ...first, spec: { replicas: 5 } }, 'quickship', T);
    expect([...ownedBy(scaled, 'quickship')]).toEqual(['/spec/replicas']);
    expect(ownedBy(scaled, 'argocd-controller').has('/spec/replicas')).toBe(false);
    const healed = apply(scaled, rollout({ replicas: 3 }), 'argocd-controller', T);
    expect(healed.spec).toEqual({ replicas: 3 });
    expect(ownedBy(healed, 'quickship').size).toBe(0);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces lists and scalars', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
  });
});
