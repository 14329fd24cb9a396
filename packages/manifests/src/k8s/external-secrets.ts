// External Secrets Operator objects at external-secrets.io/v1. The operator's current releases
// (checked: v2.9.0 CRDs, config/crds/bases) serve only v1; v1beta1 is `served: false`. The installed
// model package (@kubernetes-models/external-secrets 0.5.2, generated from ESO v0.8.1) has no v1,
// so each object is validated with the v1beta1 schema, whose fields used here (secretStoreRef,
// target, data[].remoteRef, provider.aws) are the same in v1, and rendered as v1.
import { ClusterSecretStore as ClusterSecretStoreV1beta1 } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore';
import {
  ExternalSecret as ExternalSecretV1beta1,
  type IExternalSecret,
} from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore';
import { validated, type KubeObject } from './object.ts';

export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1';

type WithoutTypeMeta<T> = Omit<T, 'apiVersion' | 'kind'>;

export function externalSecret(data: WithoutTypeMeta<IExternalSecret>): KubeObject {
  return { ...validated(new ExternalSecretV1beta1(data)), apiVersion: EXTERNAL_SECRETS_API_VERSION };
}

export function clusterSecretStore(data: WithoutTypeMeta<IClusterSecretStore>): KubeObject {
  return { ...validated(new ClusterSecretStoreV1beta1(data)), apiVersion: EXTERNAL_SECRETS_API_VERSION };
}
