// AppProjects: what each group of Applications may deploy, from where, to where.
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { ArgoCdConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels } from '../payments/names.ts';
import { CHARTS } from './charts.ts';

export const PROJECTS = { payments: 'payments', platform: 'platform' } as const;

/** Projects exist before the Applications that name them. */
const WAVE = { [ARGOCD.syncWave]: '-10' };

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The payments project: only this repository, only the payments namespace, only the kinds the
 * payments tree contains (derived from the rendered objects, so it cannot drift from them).
 */
export function paymentsProject(argocd: ArgoCdConfig, namespace: string, objects: readonly KubeObject[]): KubeObject {
  const kinds = new Map<string, { group: string; kind: string }>();
  for (const object of objects) {
    if (object.kind === 'Namespace') continue;
    const entry = { group: apiGroup(object.apiVersion), kind: object.kind };
    kinds.set(`${entry.group}/${entry.kind}`, entry);
  }
  return validated(
    new AppProject({
      metadata: { name: PROJECTS.payments, namespace: argocd.namespace, labels: labels('argocd'), annotations: WAVE },
      spec: {
        description: 'The payments service: its namespace and nothing else.',
        sourceRepos: [argocd.repoURL],
        destinations: [{ server: argocd.clusterServer, namespace }],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceWhitelist: [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry),
        orphanedResources: { warn: true },
      },
    }),
  );
}

/** The platform project: the pinned charts' repositories and their namespaces; charts install CRDs and cluster roles. */
export function platformProject(argocd: ArgoCdConfig): KubeObject {
  const charts = Object.values(CHARTS);
  return validated(
    new AppProject({
      metadata: { name: PROJECTS.platform, namespace: argocd.namespace, labels: labels('argocd'), annotations: WAVE },
      spec: {
        description: 'Cluster add-ons from pinned Helm charts, and their cluster-wide configuration.',
        sourceRepos: [argocd.repoURL, ...charts.map((chart) => chart.repoURL)],
        destinations: [...new Set(charts.map((chart) => chart.namespace))]
          .sort()
          .map((namespace) => ({ server: argocd.clusterServer, namespace })),
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    }),
  );
}
