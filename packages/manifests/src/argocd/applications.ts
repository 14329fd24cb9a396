// The Applications: the root (app of apps over deploy/argocd/apps), payments, and the
// platform's cluster-wide configuration (deploy/platform).
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { ArgoCdConfig, EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels, NAMES } from '../payments/names.ts';
import { CHARTS } from './charts.ts';
import { PROJECTS } from './projects.ts';
import { automatedSync, RESOURCES_FINALIZER, SERVER_SIDE_DIFF } from './sync.ts';

export const ROOT_APP = 'root';

/** Paths inside the repository, relative to the repository root. */
export function repoPaths(env: EnvironmentConfig): { argocd: string; payments: string; platform: string } {
  return { argocd: `${env.outputDir}/argocd`, payments: `${env.outputDir}/apps/payments`, platform: `${env.outputDir}/platform` };
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
      metadata: { name: ROOT_APP, namespace: argocd.namespace, labels: labels('argocd'), finalizers: [RESOURCES_FINALIZER] },
      spec: {
        project: 'default',
        source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: repoPaths(env).argocd, directory: { recurse: true } },
        destination: { server: argocd.clusterServer, namespace: argocd.namespace },
        syncPolicy: automatedSync([]),
      },
    }),
  );
}

export function paymentsApplication(env: EnvironmentConfig, argocd: ArgoCdConfig): KubeObject {
  return validated(
    new Application({
      metadata: {
        name: 'payments',
        namespace: argocd.namespace,
        labels: labels('argocd'),
        annotations: { [ARGOCD.syncWave]: '0', ...SERVER_SIDE_DIFF },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PROJECTS.payments,
        source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: repoPaths(env).payments },
        destination: { server: argocd.clusterServer, namespace: env.namespace },
        // The Namespace is part of the tree (with its Pod Security labels) and is created before
        // PreSync hooks, so no CreateNamespace. PruneLast: delete only after the new objects are healthy.
        syncPolicy: automatedSync(['PruneLast=true', 'ServerSideApply=true', 'RespectIgnoreDifferences=true']),
        // The HorizontalPodAutoscaler owns the replica count once it runs.
        ignoreDifferences: [{ group: 'argoproj.io', kind: 'Rollout', name: NAMES.rollout, jsonPointers: ['/spec/replicas'] }],
      },
    }),
  );
}

/** The ClusterSecretStore, once the External Secrets CRDs exist (retried until they do). */
export function platformConfigApplication(env: EnvironmentConfig, argocd: ArgoCdConfig): KubeObject {
  return validated(
    new Application({
      metadata: {
        name: 'platform-config',
        namespace: argocd.namespace,
        labels: labels('argocd'),
        annotations: { [ARGOCD.syncWave]: '-1', ...SERVER_SIDE_DIFF },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PROJECTS.platform,
        source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: repoPaths(env).platform },
        destination: { server: argocd.clusterServer, namespace: CHARTS.externalSecrets.namespace },
        syncPolicy: automatedSync(['ServerSideApply=true']),
      },
    }),
  );
}
