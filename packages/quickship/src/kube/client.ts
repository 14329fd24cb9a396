// The thin shell over @kubernetes/client-node (pinned 1.4.0; 2.x needs a newer Node): reads the
// Rollout (a custom object, kept as raw JSON), its ReplicaSets and Pods, and sends patches with an
// explicit Content-Type. Objects are returned in their wire form so the pure code reads the same
// JSON a controller wrote (typed client models are serialized back with their own serializer).
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  setHeaderOptions,
} from '@kubernetes/client-node';
// Not re-exported by the package index; the same serializer the typed clients use to read JSON.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { KubeApiError, KubeTargetUnavailableError, RolloutNotFoundError } from './errors.ts';
import { ROLLOUT_GROUP, ROLLOUT_PLURAL, ROLLOUT_VERSION, type KubeObject } from './objects.ts';
import { JSON_PATCH, MERGE_PATCH } from './patches.ts';

export interface KubeTargetOptions {
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly namespace?: string;
}

export interface PatchOptions {
  /** Send to the `status` subresource (…/rollouts/<name>/status). */
  readonly status?: boolean;
  readonly contentType: typeof MERGE_PATCH | typeof JSON_PATCH;
}

/** The calls the Kubernetes target makes; an interface so the verbs read as the plugin's do. */
export interface RolloutsApi {
  readonly namespace: string;
  readonly server: string;
  getRollout(name: string): Promise<KubeObject>;
  listRollouts(): Promise<KubeObject[]>;
  listReplicaSets(labelSelector: string): Promise<KubeObject[]>;
  listPods(labelSelector: string): Promise<KubeObject[]>;
  patchRollout(name: string, patch: unknown, options: PatchOptions): Promise<KubeObject>;
}

export function loadKubeConfig(options: KubeTargetOptions): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new KubeTargetUnavailableError(
      `cannot read kubeconfig ${options.kubeconfig ?? '(default)'}: ${(error as Error).message}`,
      'pass --kubeconfig <file>, or run `aws eks update-kubeconfig --name <cluster>`',
    );
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((context) => context.name);
      throw new KubeTargetUnavailableError(
        `context "${options.context}" is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`,
        'pass one of the contexts above to --context',
      );
    }
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentCluster()) {
    throw new KubeTargetUnavailableError(
      `the kubeconfig has no cluster for context "${config.getCurrentContext()}"`,
      'pass --context <name> or --kubeconfig <file>',
    );
  }
  return config;
}

export function createRolloutsApi(options: KubeTargetOptions): RolloutsApi {
  const config = loadKubeConfig(options);
  // As kubectl: an explicit namespace, else the context's, else "default".
  const namespace = options.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  const server = config.getCurrentCluster()!.server;
  const custom = config.makeApiClient(CustomObjectsApi);
  const apps = config.makeApiClient(AppsV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const rollout = { group: ROLLOUT_GROUP, version: ROLLOUT_VERSION, namespace, plural: ROLLOUT_PLURAL };

  async function call<T>(what: string, request: () => Promise<T>, rolloutName?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ApiException) {
        if (error.code === 404 && rolloutName !== undefined)
          throw RolloutNotFoundError.inNamespace(rolloutName, namespace);
        throw new KubeApiError(error.code, what, reasonOf(error));
      }
      throw new KubeTargetUnavailableError(
        `${what}: cannot reach the API server ${server}: ${(error as Error).message}`,
        'check the cluster is up and your kubeconfig context (`kubectl cluster-info`)',
      );
    }
  }

  return {
    namespace,
    server,
    getRollout: (name) =>
      call(
        `get rollout ${name}`,
        () => custom.getNamespacedCustomObject({ ...rollout, name }) as Promise<KubeObject>,
        name,
      ),
    listRollouts: async () =>
      ((await call('list rollouts', () => custom.listNamespacedCustomObject(rollout))) as { items?: KubeObject[] })
        .items ?? [],
    listReplicaSets: async (labelSelector) => {
      const list = await call('list replicasets', () => apps.listNamespacedReplicaSet({ namespace, labelSelector }));
      return list.items.map((item) => ObjectSerializer.serialize(item, 'V1ReplicaSet', '') as KubeObject);
    },
    listPods: async (labelSelector) => {
      const list = await call('list pods', () => core.listNamespacedPod({ namespace, labelSelector }));
      return list.items.map((item) => ObjectSerializer.serialize(item, 'V1Pod', '') as KubeObject);
    },
    patchRollout: (name, body, patch) => {
      const headers = setHeaderOptions('Content-Type', patch.contentType);
      const what = `patch rollout ${name}${patch.status ? '/status' : ''}`;
      // On the status subresource a 404 stays a KubeApiError: it may mean "no status subresource"
      // (Rollouts < v0.10), which the verbs handle as upstream does, by patching the resource.
      return patch.status
        ? call(
            what,
            () => custom.patchNamespacedCustomObjectStatus({ ...rollout, name, body }, headers) as Promise<KubeObject>,
          )
        : call(
            what,
            () => custom.patchNamespacedCustomObject({ ...rollout, name, body }, headers) as Promise<KubeObject>,
            name,
          );
    },
  };
}

/** A Kubernetes Status body's message, else the raw text. */
function reasonOf(error: ApiException<unknown>): string {
  const body = error.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const parsed =
      typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string });
    if (parsed?.message) return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text?.slice(0, 300) ?? error.message;
}
