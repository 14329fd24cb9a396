// policy PodDisruptionBudget, as Argo CD's resource_customizations/policy/PodDisruptionBudget/
// health.lua decides it: a False condition (but InsufficientPods, which has valid uses) is
// Degraded; otherwise the last condition makes it Healthy; no conditions → "Waiting for status".
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { list, record } from './fields.ts';
import { scriptError } from './lua.ts';

export function podDisruptionBudgetHealth(obj: KubeObject): HealthStatus {
  let health: HealthStatus = { status: 'Progressing', message: 'Waiting for status' };
  for (const item of list(record(obj.status)?.conditions)) {
    const condition = record(item) ?? {};
    const reason = condition.reason;
    // The script concatenates the reason: a condition without one fails it.
    if (typeof reason !== 'string') return scriptError('PodDisruptionBudget', 'a condition has no reason');
    if (condition.status === 'False' && reason !== 'InsufficientPods') {
      return { status: 'Degraded', message: `PodDisruptionBudget has ${reason}` };
    }
    health = { status: 'Healthy', message: `PodDisruptionBudget has ${reason}` };
  }
  return health;
}
