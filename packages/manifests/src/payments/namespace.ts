// The namespace (Pod Security Admission "restricted", enforced) and the pods' ServiceAccount.
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { labels, NAMES } from './names.ts';

/** https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

export function namespace(env: EnvironmentConfig): KubeObject {
  return validated(
    new Namespace({ metadata: { name: env.namespace, labels: { ...labels(env.namespace), ...POD_SECURITY_LABELS } } }),
  );
}

export function serviceAccount(env: EnvironmentConfig): KubeObject {
  // The service never calls the Kubernetes API: no token in its pods.
  return validated(
    new ServiceAccount({
      metadata: { name: NAMES.serviceAccount, namespace: env.namespace, labels: labels() },
      automountServiceAccountToken: false,
    }),
  );
}
