// external-secrets.io ExternalSecret, SecretStore and ClusterSecretStore, as Argo CD's built-in
// resource_customizations/external-secrets.io/<Kind>/health.lua decide them (the three scripts are
// the same but for the kind in the waiting message): the first Ready condition that is True or
// False decides; until then "Waiting for <Kind>". Nothing runs them locally, so a local object has
// no status and stays Progressing, as it would in a cluster without the operator.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { list, record } from './fields.ts';

export const EXTERNAL_SECRETS_KINDS: ReadonlySet<string> = new Set([
  'ExternalSecret',
  'SecretStore',
  'ClusterSecretStore',
]);

export function externalSecretsHealth(obj: KubeObject): HealthStatus {
  for (const item of list(record(obj.status)?.conditions)) {
    const condition = record(item);
    if (condition?.type !== 'Ready') continue;
    const message = typeof condition.message === 'string' ? { message: condition.message } : {};
    if (condition.status === 'False') return { status: 'Degraded', ...message };
    if (condition.status === 'True') return { status: 'Healthy', ...message };
  }
  return { status: 'Progressing', message: `Waiting for ${obj.kind}` };
}
