// apiregistration.k8s.io APIService, v1 and v1beta1 (gitops-engine health_apiservice.go): the
// Available condition decides (true → Healthy, else Progressing, message "reason: message").
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function apiServiceHealth(obj: KubeObject): HealthStatus {
  const version = obj.apiVersion.slice(obj.apiVersion.indexOf('/') + 1);
  if (version !== 'v1' && version !== 'v1beta1') return unsupportedVersion(obj, 'APIService');
  const available = conditions(statusOf(obj).conditions).find((c) => c.type === 'Available');
  if (available === undefined) return { status: 'Progressing', message: 'Waiting to be processed' };
  return {
    status: available.status === 'True' ? 'Healthy' : 'Progressing',
    message: `${available.reason}: ${available.message}`,
  };
}
