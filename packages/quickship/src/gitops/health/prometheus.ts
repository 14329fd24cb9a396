// monitoring.coreos.com Prometheus, as Argo CD's resource_customizations/monitoring.coreos.com/
// Prometheus/health.lua decides it: the last Available condition wins (True → Healthy; otherwise
// Progressing when only some pods are not ready, else Degraded). Argo CD ships no check for the
// operator's other kinds (ServiceMonitor, PrometheusRule, Alertmanager…): they have no health.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { list, record } from './fields.ts';

export function prometheusHealth(obj: KubeObject): HealthStatus {
  let health: HealthStatus = { status: 'Progressing', message: 'Waiting for initialization' };
  for (const item of list(record(obj.status)?.conditions)) {
    const condition = record(item);
    if (condition?.type !== 'Available') continue;
    if (condition.status === 'True') {
      health = { status: 'Healthy', message: 'All instances are available' };
    } else {
      // Lua's `message or reason`: an empty message is still a message.
      const message = typeof condition.message === 'string' ? condition.message : condition.reason;
      health = {
        status: condition.reason === 'SomePodsNotReady' ? 'Progressing' : 'Degraded',
        ...(typeof message === 'string' ? { message } : {}),
      };
    }
  }
  return health;
}
