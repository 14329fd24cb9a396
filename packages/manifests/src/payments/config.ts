// Configuration and credentials: the ConfigMap payments-config and the ExternalSecrets that
// materialise Secrets from AWS Secrets Manager through the ClusterSecretStore.
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { EnvironmentConfig, ExternalSecretsConfig } from '../environments/types.ts';
import { externalSecret } from '../k8s/external-secrets.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels, NAMES } from './names.ts';
import { settingsData } from './pod.ts';

export function configMap(env: EnvironmentConfig): KubeObject {
  return validated(
    new ConfigMap({
      metadata: { name: NAMES.configMap, namespace: env.namespace, labels: labels() },
      data: settingsData(env),
    }),
  );
}

type SecretKey = keyof ExternalSecretsConfig['remoteKeys'];

function secretFromAws(
  env: EnvironmentConfig,
  store: ExternalSecretsConfig,
  name: string,
  keys: readonly SecretKey[],
  annotations: Record<string, string>,
): KubeObject {
  return externalSecret({
    metadata: {
      name,
      namespace: env.namespace,
      labels: labels(),
      annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun, ...annotations },
    },
    spec: {
      refreshInterval: store.refreshInterval,
      secretStoreRef: { kind: 'ClusterSecretStore', name: store.store },
      // Owner: the Secret is deleted with its ExternalSecret, never left behind stale.
      target: { name, creationPolicy: 'Owner' },
      // Each AWS secret holds the plain value (no JSON property).
      data: keys.map((key) => ({ secretKey: key, remoteRef: { key: store.remoteKeys[key] } })),
    },
  });
}

/** payments-secrets: DATABASE_URL and PAYMENTS_API_KEYS for the Rollout's pods and the smoke Job. */
export function paymentsSecret(env: EnvironmentConfig, store: ExternalSecretsConfig): KubeObject {
  return secretFromAws(env, store, NAMES.secret, ['DATABASE_URL', 'PAYMENTS_API_KEYS'], {});
}

/**
 * payments-migrate-secrets: DATABASE_URL for the PreSync migration Job. PreSync hooks run before
 * any ordinary resource of the sync is applied (only the Namespace comes first, gitops-engine
 * PR #159), so on the first sync payments-secrets does not exist yet when the Job starts
 * (argoproj/argo-cd#9891). This ExternalSecret is itself a PreSync hook in an earlier wave;
 * Argo CD waits for it to be Healthy (its Ready condition, resource_customizations/
 * external-secrets.io/ExternalSecret/health.lua) before the Job's wave. The ordinary
 * payments-secrets stays a tracked resource, so drift detection and pruning still cover it.
 */
export function migrateSecret(env: EnvironmentConfig, store: ExternalSecretsConfig): KubeObject {
  return secretFromAws(env, store, NAMES.migrateSecret, ['DATABASE_URL'], {
    [ARGOCD.hook]: 'PreSync',
    [ARGOCD.hookDeletePolicy]: 'BeforeHookCreation',
    [ARGOCD.syncWave]: '-1',
  });
}
