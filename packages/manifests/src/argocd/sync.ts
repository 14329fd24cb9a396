// Sync settings every Application shares.
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';

type SyncPolicy = NonNullable<IApplication['spec']['syncPolicy']>;

/** Argo CD's finalizer: deleting the Application deletes what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Retries a failed sync (e.g. a CRD not installed yet) at 10 s, 20 s, 40 s … up to 5 min apart. */
export const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** Git is the only source: apply what changed, delete what was removed, revert manual edits. */
export function automatedSync(syncOptions: readonly string[]): SyncPolicy {
  return { automated: { prune: true, selfHeal: true }, syncOptions: [...syncOptions], retry: RETRY };
}

/** Compare with a server-side dry run, so defaults that controllers and webhooks add are not drift. */
export const SERVER_SIDE_DIFF = { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true' };
