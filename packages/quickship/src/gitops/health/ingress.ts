// Ingress in networking.k8s.io or extensions, any version (gitops-engine health_ingress.go):
// Healthy once the controller has published a load-balancer address, Progressing until then.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { list, record, statusOf } from './fields.ts';

export function ingressHealth(obj: KubeObject): HealthStatus {
  const ingress = list(record(statusOf(obj).loadBalancer)?.ingress);
  return { status: ingress.length > 0 ? 'Healthy' : 'Progressing' };
}
