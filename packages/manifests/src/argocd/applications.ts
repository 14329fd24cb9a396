// The Applications: the root (app of apps over deploy/argocd/apps), payments, and the
// platform's cluster-wide configuration (deploy/platform).
import { Application, type IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { ArgoCdConfig, EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels, NAMES } from '../payments/names.ts';
import { CHARTS } from './charts.ts';
import { PROJECTS } from './projects.ts';
import { automatedSync, RESOURCES_FINALIZER, SERVER_SIDE_DIFF } from './sync.ts';

export const ROOT_APP = 'root';

/** Paths inside the repository, relative to the repository root. */
export function repoPaths(env: EnvironmentConfig): { argocd: string; payments: string; platform: string } {
  return {
    argocd: `${env.outputDir}/argocd`,
    payments: `${env.outputDir}/apps/payments`,
    platform: `${env.outputDir}/platform`,
  };
}

/**
 * The root Application (app of apps) over deploy/argocd, recursively — its own file included, so
 * once Terraform's bootstrap (infra/argocd.tf, same name, path and project) has created it, it
 * manages itself from Git. It lives in the built-in "default" project because the projects it
 * creates do not exist when it is first applied. Its finalizer makes `kubectl delete` of the root
 * cascade, so the AWS Load Balancer Controller deletes the ALB before Terraform destroys the VPC.
 */
export function rootApplication(env: EnvironmentConfig, argocd: ArgoCdConfig): KubeObject {
  return validated(
    new Application({
      metadata: {
        name: ROOT_APP,
        namespace: argocd.namespace,
        labels: labels('argocd'),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: 'default',
        source: {
          repoURL: argocd.repoURL,
          targetRevision: argocd.targetRevision,
          path: repoPaths(env).argocd,
          directory: { recurse: true },
        },
        destination: { server: argocd.clusterServer, namespace: argocd.namespace },
        syncPolicy: automatedSync([]),
      },
    }),
  );
}

/** An Application over a folder of this repository, synced automatically. */
function gitApplication(
  argocd: ArgoCdConfig,
  app: { name: string; wave: string; project: string; path: string; namespace: string; syncOptions: readonly string[] },
  extra: Pick<IApplication['spec'], 'ignoreDifferences'> = {},
): KubeObject {
  return validated(
    new Application({
      metadata: {
        name: app.name,
        namespace: argocd.namespace,
        labels: labels('argocd'),
        annotations: { [ARGOCD.syncWave]: app.wave, ...SERVER_SIDE_DIFF },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: app.project,
        source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: app.path },
        destination: { server: argocd.clusterServer, namespace: app.namespace },
        syncPolicy: automatedSync(app.syncOptions),
        ...extra,
      },
    }),
  );
}

export function paymentsApplication(env: EnvironmentConfig, argocd: ArgoCdConfig): KubeObject {
  return gitApplication(
    argocd,
    {
      name: 'payments',
      wave: '0',
      project: PROJECTS.payments,
      path: repoPaths(env).payments,
      namespace: env.namespace,
      // The Namespace is part of the tree (with its Pod Security labels) and is created before
      // PreSync hooks, so no CreateNamespace. PruneLast: delete only after the new objects are healthy.
      syncOptions: ['PruneLast=true', 'ServerSideApply=true', 'RespectIgnoreDifferences=true'],
    },
    // The HorizontalPodAutoscaler owns the replica count once it runs.
    {
      ignoreDifferences: [
        { group: 'argoproj.io', kind: 'Rollout', name: NAMES.rollout, jsonPointers: ['/spec/replicas'] },
      ],
    },
  );
}

/** The ClusterSecretStore, once the External Secrets CRDs exist (retried until they do). */
export function platformConfigApplication(env: EnvironmentConfig, argocd: ArgoCdConfig): KubeObject {
  return gitApplication(argocd, {
    name: 'platform-config',
    wave: '-1',
    project: PROJECTS.platform,
    path: repoPaths(env).platform,
    namespace: CHARTS.externalSecrets.namespace,
    syncOptions: ['ServerSideApply=true'],
  });
}
