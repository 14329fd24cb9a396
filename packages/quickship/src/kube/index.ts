// The Kubernetes target of the CLI (`--context` / `--kubeconfig`): the same verbs as the local
// engine, acting on a cluster exactly as the kubectl Argo Rollouts plugin does.
import { createRolloutsApi, type KubeTargetOptions } from './client.ts';
import { KubeTarget } from './target.ts';
import { viewFromKube } from '../core/view-from-kube.ts';

export type { KubeTargetOptions } from './client.ts';
export { KubeTarget } from './target.ts';
export { KubeApiError, KubeTargetUnavailableError, RolloutNotFoundError } from './errors.ts';

export function createKubeTarget(options: KubeTargetOptions): KubeTarget {
  return new KubeTarget(createRolloutsApi(options), viewFromKube);
}
