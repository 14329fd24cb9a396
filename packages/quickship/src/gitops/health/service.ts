// v1 Service (gitops-engine health_service.go): Healthy, except a LoadBalancer Service that has no
// load-balancer ingress yet, which is Progressing.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { list, record, specOf, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function serviceHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, 'Service');
  if (specOf(obj).type !== 'LoadBalancer') return { status: 'Healthy' };
  const ingress = list(record(statusOf(obj).loadBalancer)?.ingress);
  return { status: ingress.length > 0 ? 'Healthy' : 'Progressing' };
}
