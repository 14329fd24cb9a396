import { describe, expect, it } from 'vitest';
import { ObjectStore, type WatchEvent } from './object-store.ts';
import type { KubeObject } from './object.ts';

const svc = (port: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'payments-active', namespace: 'payments' },
  spec: { ports: [{ port }] },
});

describe('ObjectStore', () => {
  it('stamps uid, creationTimestamp, resourceVersion and generation as the API server does', () => {
    const store = new ObjectStore();
    const first = store.apply(svc(80), 'argocd-controller');
    expect(first.metadata).toMatchObject({ generation: 1, resourceVersion: '1' });
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.apply(svc(80), 'argocd-controller')).toBe(first); // no change, no write
    const second = store.apply(svc(81), 'argocd-controller');
    expect(second.metadata).toMatchObject({ generation: 2, resourceVersion: '2', uid: first.metadata.uid });
    const withStatus = store.setStatus(
      { apiVersion: 'v1', kind: 'Service', namespace: 'payments', name: 'payments-active' },
      { loadBalancer: {} },
      'x',
    );
    expect(withStatus?.metadata.generation).toBe(2); // status writes do not bump generation
    expect(withStatus?.metadata.resourceVersion).toBe('3');
  });

  it('tells watchers about every change with the manager that made it', () => {
    const store = new ObjectStore();
    const events: WatchEvent[] = [];
    store.watch((e) => events.push(e));
    store.apply(svc(80), 'argocd-controller');
    store.patch(
      { kind: 'Service', namespace: 'payments', name: 'payments-active' },
      { spec: { ports: [{ port: 90 }] } },
      'quickship',
    );
    store.delete({ kind: 'Service', namespace: 'payments', name: 'payments-active' }, 'argocd-controller');
    expect(events.map((e) => `${e.type} ${e.manager}`)).toEqual([
      'ADDED argocd-controller',
      'MODIFIED quickship',
      'DELETED argocd-controller',
    ]);
  });

  it('refuses objects without identity and unknown objects, with a fix', () => {
    const store = new ObjectStore();
    expect(() => store.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: '' } }, 'm')).toThrow(
      /metadata.name is required/,
    );
    expect(() => store.patch({ kind: 'Service', namespace: 'payments', name: 'nope' }, {}, 'm')).toThrow(/not found/);
  });

  it('survives a snapshot round trip', () => {
    const store = new ObjectStore();
    store.apply(svc(80), 'argocd-controller');
    const copy = new ObjectStore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.get({ kind: 'Service', namespace: 'payments', name: 'payments-active' })?.spec).toEqual({
      ports: [{ port: 80 }],
    });
    expect(copy.apply(svc(81), 'argocd-controller').metadata.resourceVersion).toBe('2');
  });
});
