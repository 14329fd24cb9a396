// The ClusterSecretStore the payments ExternalSecrets read through: AWS Secrets Manager in the
// cluster's region, authenticated as the External Secrets controller itself (EKS Pod Identity:
// no `auth` block, docs/provider/aws-access.md), usable only from the payments namespace.
import type { EnvironmentConfig, ExternalSecretsConfig } from '../environments/types.ts';
import { clusterSecretStore } from '../k8s/external-secrets.ts';
import type { KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels } from '../payments/names.ts';

export function awsSecretsManagerStore(
  env: EnvironmentConfig,
  store: ExternalSecretsConfig,
  region: string,
): KubeObject {
  return clusterSecretStore({
    metadata: {
      name: store.store,
      labels: labels('external-secrets'),
      annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun },
    },
    spec: {
      provider: { aws: { service: 'SecretsManager', region } },
      conditions: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.namespace } } }],
    },
  });
}
