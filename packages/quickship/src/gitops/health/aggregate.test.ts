// An Application's health from its resources, by Argo CD's rules (controller/health.go): the worst
// counted resource, what is left out, and when the app is Missing.
import { describe, expect, it } from 'vitest';
import type { HealthStatusCode, KubeObject } from '../../store/object.ts';
import { aggregateHealth, type ManagedResource } from './aggregate.ts';
import { HEALTH_ORDER, isWorse } from './health.ts';

/** A live Job whose health is `status` (Job conditions are the simplest way to get each one). */
function job(name: string, status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended', annotations = {}): KubeObject {
  const conditions = {
    Healthy: [{ type: 'Complete', status: 'True' }],
    Progressing: [],
    Degraded: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }],
    Suspended: [{ type: 'Suspended', status: 'True', message: 'Job suspended' }],
  }[status];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'pay', annotations },
    status: { conditions },
  };
}

function managed(live: KubeObject | undefined, target: KubeObject | undefined = live): ManagedResource {
  const o = (live ?? target) as KubeObject;
  const slash = o.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : o.apiVersion.slice(0, slash),
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    ...(target ? { target } : {}),
    ...(live ? { live } : {}),
  };
}

const rollout = (phase: string): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'payments', namespace: 'pay', generation: 1 },
  spec: {},
  status: { observedGeneration: 1, phase },
});
const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'pay' } };
const childApp = (health: HealthStatusCode, uid = 'child'): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: `app-${uid}`, namespace: 'argocd', uid },
  status: { health: { status: health } },
});

describe('isWorse follows gitops-engine healthOrder', () => {
  it('orders Healthy < Suspended < Progressing < Missing < Degraded < Unknown', () => {
    expect(HEALTH_ORDER).toEqual(['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);
    HEALTH_ORDER.forEach((a, i) => HEALTH_ORDER.forEach((b, j) => expect(isWorse(a, b), `${a} → ${b}`).toBe(j > i)));
  });
});

describe('aggregateHealth', () => {
  it('is Healthy for an app with no resources', () => {
    expect(aggregateHealth([])).toMatchObject({ status: 'Healthy', message: '' });
  });

  it('takes the worst counted resource and names the resources at that status', () => {
    const health = aggregateHealth([
      managed(job('a', 'Healthy')),
      managed(job('b', 'Progressing')),
      managed(job('c', 'Suspended')),
      managed(job('d', 'Progressing')),
    ]);
    expect(health.status).toBe('Progressing');
    expect(health.message).toBe('Caused by batch/Job:pay/b, batch/Job:pay/d');
  });

  it('names three causes then counts the rest', () => {
    const health = aggregateHealth(['a', 'b', 'c', 'd', 'e'].map((n) => managed(job(n, 'Degraded'))));
    expect(health.message).toBe('Caused by batch/Job:pay/a, batch/Job:pay/b, batch/Job:pay/c and 2 more');
  });

  it('a Rollout Degraded beats a Suspended one', () => {
    expect(aggregateHealth([managed(rollout('Paused')), managed(rollout('Degraded'))]).status).toBe('Degraded');
    expect(aggregateHealth([managed(rollout('Paused'))]).status).toBe('Suspended');
  });

  it('leaves hooks out: Argo CD hooks, Helm hooks, Skip-only targets and hooks of unknown type', () => {
    const hooks = [
      job('migrate', 'Degraded', { 'argocd.argoproj.io/hook': 'PreSync' }),
      job('helm', 'Degraded', { 'helm.sh/hook': 'pre-install' }),
      job('odd', 'Degraded', { 'argocd.argoproj.io/hook': 'Whenever' }),
    ];
    const skipped = job('skipped', 'Degraded', { 'argocd.argoproj.io/hook': 'Skip' });
    const health = aggregateHealth([...hooks.map((h) => managed(h)), managed(skipped), managed(job('ok', 'Healthy'))]);
    expect(health.status).toBe('Healthy');
    expect(health.resources.map((r) => r.notCounted)).toEqual(['hook', 'hook', 'ignored hook', 'skip hook', undefined]);
  });

  it('a Helm crd-install annotation is not a hook', () => {
    const crd = job('crd', 'Degraded', { 'helm.sh/hook': 'crd-install' });
    expect(aggregateHealth([managed(crd)]).status).toBe('Degraded');
  });

  it('leaves out resources annotated ignore-healthcheck', () => {
    const ignored = job('x', 'Degraded', { 'argocd.argoproj.io/ignore-healthcheck': 'true' });
    const health = aggregateHealth([managed(ignored), managed(job('ok', 'Healthy'))]);
    expect(health.status).toBe('Healthy');
    expect(health.resources[0]?.notCounted).toBe('ignore-healthcheck');
  });

  it('leaves out kinds with no health check', () => {
    const health = aggregateHealth([managed(configMap), managed(job('p', 'Progressing'))]);
    expect(health.status).toBe('Progressing');
    expect(health.resources[0]).toEqual({ resource: managed(configMap), notCounted: 'no health check' });
  });

  it('shows a resource that should exist but does not as Missing without counting it', () => {
    const health = aggregateHealth([managed(undefined, job('gone', 'Healthy')), managed(job('ok', 'Healthy'))]);
    expect(health.status).toBe('Healthy');
    expect(health.resources[0]).toMatchObject({ health: { status: 'Missing' }, notCounted: 'missing' });
  });

  it('is Missing when it should have resources and none is live', () => {
    const health = aggregateHealth([managed(undefined, job('a', 'Healthy')), managed(undefined, configMap)]);
    expect(health).toMatchObject({ status: 'Missing', message: '' });
  });

  it('is Missing when only hooks are live', () => {
    const hook = job('migrate', 'Healthy', { 'argocd.argoproj.io/hook': 'PreSync' });
    expect(aggregateHealth([managed(hook), managed(undefined, job('a', 'Healthy'))]).status).toBe('Missing');
  });

  it('leaves out a child Application that is Missing or Unknown, counts it otherwise', () => {
    const on = { applicationHealthFromStatus: true };
    expect(aggregateHealth([managed(childApp('Unknown')), managed(childApp('Missing', 'm'))], on).status).toBe(
      'Healthy',
    );
    expect(aggregateHealth([managed(childApp('Degraded'))], on)).toMatchObject({
      status: 'Degraded',
      message: 'Caused by argoproj.io/Application:argocd/app-child',
    });
    // Without the customization a child Application has no health at all.
    expect(aggregateHealth([managed(childApp('Degraded'))]).status).toBe('Healthy');
  });

  it('an Application that manages itself does not affect its own health', () => {
    const on = { applicationHealthFromStatus: true };
    const self = childApp('Degraded', 'root');
    const app = { name: 'app-root', namespace: 'argocd', uid: 'root' };
    expect(aggregateHealth([managed(self)], { ...on, app }).status).toBe('Healthy');
    expect(aggregateHealth([managed(self)], { ...on, app: { ...app, uid: 'other' } }).status).toBe('Degraded');
  });
});
