import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store/object.ts';
import { nextStep, planSync } from './sync-plan.ts';
import type { DesiredResource } from './resources.ts';

const obj = (kind: string, name: string, apiVersion = 'v1'): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'ns' },
});
const desired = (object: KubeObject, wave = 0, hooks: DesiredResource['hooks'] = []): DesiredResource => ({
  object,
  file: 'f.yaml',
  wave,
  hooks,
  deletePolicies: ['BeforeHookCreation'],
});

describe('the sync plan (gitops-engine order)', () => {
  it('orders by hook phase, then wave, then kind, then name', () => {
    const plan = planSync({
      desired: [
        desired(obj('Rollout', 'payments', 'argoproj.io/v1alpha1')),
        desired(obj('Service', 'b')),
        desired(obj('Service', 'a')),
        desired(obj('ConfigMap', 'config')),
        desired(obj('Namespace', 'ns'), 0),
        desired(obj('AppProject', 'p', 'argoproj.io/v1alpha1'), -10),
        desired(obj('Job', 'migrate', 'batch/v1'), 0, ['PreSync']),
        desired(obj('Job', 'notify', 'batch/v1'), 0, ['PostSync']),
        desired(obj('Job', 'cleanup', 'batch/v1'), 0, ['SyncFail']),
      ],
      orphans: [],
      prune: false,
      pruneLast: false,
    });
    expect(plan.tasks.map((t) => `${t.phase}/${t.wave}/${t.object.kind}/${t.object.metadata.name}`)).toEqual([
      'PreSync/0/Job/migrate',
      'Sync/-10/AppProject/p',
      'Sync/0/Namespace/ns',
      'Sync/0/ConfigMap/config',
      'Sync/0/Service/a',
      'Sync/0/Service/b',
      'Sync/0/Rollout/payments',
      'PostSync/0/Job/notify',
    ]);
    expect(plan.syncFail.map((t) => t.object.metadata.name)).toEqual(['cleanup']);
  });

  it('prunes in the orphans wave, or after everything with PruneLast, and not at all without prune', () => {
    const orphan = {
      ...obj('ConfigMap', 'old'),
      metadata: { name: 'old', namespace: 'ns', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
    };
    const base = { desired: [desired(obj('Service', 'a'), 2)], orphans: [orphan] };
    expect(planSync({ ...base, prune: true, pruneLast: false }).tasks.map((t) => `${t.action}/${t.wave}`)).toEqual([
      'prune/-1',
      'apply/2',
    ]);
    expect(planSync({ ...base, prune: true, pruneLast: true }).tasks.map((t) => `${t.action}/${t.wave}`)).toEqual([
      'apply/2',
      'prune/3',
    ]);
    expect(planSync({ ...base, prune: false, pruneLast: true }).tasks.map((t) => t.action)).toEqual(['apply']);
  });

  it('advances one (phase, wave) step at a time', () => {
    const plan = planSync({
      desired: [
        desired(obj('Service', 'a'), 0),
        desired(obj('Service', 'b'), 1),
        desired(obj('Job', 'm', 'batch/v1'), 0, ['PreSync']),
      ],
      orphans: [],
      prune: false,
      pruneLast: false,
    });
    const done = new Set<string>();
    const steps: string[][] = [];
    for (let step = nextStep(plan, done); step.length > 0; step = nextStep(plan, done)) {
      steps.push(step.map((t) => t.object.metadata.name));
      for (const t of step) done.add(t.id);
    }
    expect(steps).toEqual([['m'], ['a'], ['b']]);
  });
});
