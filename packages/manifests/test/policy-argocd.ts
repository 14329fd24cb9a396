// Policies on GitOps: every Application syncs automatically (prune, selfHeal) with retry and
// backoff, projects are restricted, platform charts are pinned exactly, and every path an
// Application points at is a folder the render produces.
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { describe, expect, it } from 'vitest';
import { CHARTS } from '../src/index.ts';
import { appObjects, argocdObjects, environments, find, ofKind, rendered } from './tree.ts';

const { eks } = environments;
const objects = argocdObjects(eks);
const applications = ofKind<IApplication>(objects, 'Application');
const applicationSets = ofKind<IApplicationSet>(objects, 'ApplicationSet');
/** The Applications as they will exist: plain ones and each ApplicationSet's template. */
const allApps: [string, IApplication['spec']][] = [
  ...applications.map((a) => [`Application ${a.metadata?.name}`, a.spec] as [string, IApplication['spec']]),
  ...applicationSets.map(
    (s) =>
      [`ApplicationSet ${s.metadata?.name}`, s.spec.template.spec as IApplication['spec']] as [
        string,
        IApplication['spec'],
      ],
  ),
];
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;

describe('Argo CD Applications', () => {
  it('all sync automatically, prune, self-heal and retry with exponential backoff', () => {
    expect(allApps.length).toBeGreaterThanOrEqual(7);
    for (const [where, spec] of allApps) {
      expect(spec.syncPolicy?.automated, where).toMatchObject({ prune: true, selfHeal: true });
      const retry = spec.syncPolicy?.retry;
      expect(retry?.limit, where).toBeGreaterThan(0);
      expect(retry?.backoff?.factor, where).toBeGreaterThan(1);
      expect(retry?.backoff?.duration && retry.backoff.maxDuration, where).toBeTruthy();
    }
  });

  it('has a root Application over deploy/argocd (recursively, itself included), as Terraform bootstraps it', () => {
    const root = find<IApplication>(objects, 'Application', 'root');
    expect(root.spec.source?.path).toBe('deploy/argocd');
    expect(root.spec.source?.directory?.recurse).toBe(true);
    expect(root.spec.project).toBe('default');
    // Self-managed: its own file lies under the path it syncs, so it never prunes itself.
    const rootFile = objects.find((o) => o.object.kind === 'Application' && o.object.metadata.name === 'root')?.path;
    expect(rootFile?.startsWith(`${root.spec.source?.path}/`)).toBe(true);
    expect(root.metadata?.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  it('points the payments Application at deploy/apps/payments, in its own project and namespace', () => {
    const payments = find<IApplication>(objects, 'Application', 'payments');
    expect(payments.spec.source?.path).toBe('deploy/apps/payments');
    expect(payments.spec.project).toBe('payments');
    expect(payments.spec.destination.namespace).toBe('payments');
    expect(payments.spec.syncPolicy?.syncOptions).toContain('ServerSideApply=true');
    // The HPA owns spec.replicas; without this selfHeal would fight it.
    expect(payments.spec.ignoreDifferences).toEqual([
      { group: 'argoproj.io', kind: 'Rollout', name: 'payments', jsonPointers: ['/spec/replicas'] },
    ]);
    expect(payments.spec.syncPolicy?.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  it('only points at folders the render produces, in the configured repository', () => {
    for (const [where, spec] of allApps) {
      const source = spec.source;
      if (source?.chart) continue;
      expect(source?.repoURL, where).toBe(eks.argocd?.repoURL);
      expect(
        [...rendered.keys()].some((path) => path.startsWith(`${source?.path}/`)),
        `${where} → ${source?.path}`,
      ).toBe(true);
    }
  });
});

describe('platform charts', () => {
  it('are pinned to exact versions, never a range, "*" or latest', () => {
    const charts = allApps.filter(([, spec]) => spec.source?.chart);
    expect(charts.map(([, spec]) => spec.source?.chart).sort()).toEqual([
      'argo-rollouts',
      'aws-load-balancer-controller',
      'external-secrets',
      'kube-prometheus-stack',
      'metrics-server',
    ]);
    for (const [where, spec] of charts) {
      expect(spec.source?.targetRevision, where).toMatch(EXACT_SEMVER);
      const pinned = Object.values(CHARTS).find((c) => c.chart === spec.source?.chart);
      expect(spec.source?.targetRevision, where).toBe(pinned?.version);
      expect(spec.source?.repoURL, where).toBe(pinned?.repoURL);
    }
  });

  it('run Argo Rollouts with --aws-verify-target-group and an AWS region', () => {
    const set = find<IApplicationSet>(objects, 'ApplicationSet', 'argo-rollouts');
    const values = set.spec.template.spec.source?.helm?.valuesObject as {
      controller: { extraArgs: string[]; extraEnv: { name: string; value: string }[] };
    };
    expect(values.controller.extraArgs).toContain('--aws-verify-target-group');
    expect(values.controller.extraEnv).toContainEqual({
      name: 'AWS_REGION',
      value: '{{.metadata.annotations.aws_region}}',
    });
  });

  it('read cluster facts from the cluster Secret (GitOps bridge), failing on a missing key', () => {
    for (const set of applicationSets) {
      expect(set.spec.goTemplate).toBe(true);
      expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
      expect(set.spec.generators[0]?.clusters?.selector?.matchLabels).toBeDefined();
      expect(set.spec.syncPolicy?.preserveResourcesOnDeletion).toBe(true);
    }
  });
});

describe('AppProjects', () => {
  const projects = ofKind<IAppProject>(objects, 'AppProject');
  it('restrict sources and destinations (no wildcards)', () => {
    for (const p of projects) {
      expect(p.spec?.sourceRepos, p.metadata?.name).not.toContain('*');
      for (const d of p.spec?.destinations ?? []) {
        expect(d.namespace, p.metadata?.name).not.toBe('*');
        expect(d.server, p.metadata?.name).toBe('https://kubernetes.default.svc');
      }
    }
  });

  it('let payments deploy exactly the kinds its tree contains, into its namespace only', () => {
    const project = find<IAppProject>(objects, 'AppProject', 'payments');
    expect(project.spec?.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'payments' }]);
    expect(project.spec?.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const kinds = new Set(
      appObjects(eks)
        .filter((o) => o.object.kind !== 'Namespace')
        .map((o) => `${o.object.apiVersion.split('/').slice(0, -1).join('/')}/${o.object.kind}`),
    );
    const allowed = new Set(project.spec?.namespaceResourceWhitelist?.map((k) => `${k.group}/${k.kind}`));
    expect(allowed).toEqual(kinds);
  });

  it('exist before the Applications that use them (lower sync wave)', () => {
    const wave = (o: { metadata?: { annotations?: Record<string, string> } }): number =>
      Number(o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const lastProject = Math.max(...projects.map(wave));
    for (const app of [...applications.filter((a) => a.metadata?.name !== 'root'), ...applicationSets])
      expect(wave(app)).toBeGreaterThan(lastProject);
  });
});
