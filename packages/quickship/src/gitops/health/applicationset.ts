// argoproj.io ApplicationSet, as Argo CD's resource_customizations/argoproj.io/ApplicationSet/
// health.lua decides it, in this order: ErrorOccurred True → Degraded; ResourcesUpToDate False →
// Degraded; RolloutProgressing True → Progressing; ResourcesUpToDate True → Healthy; otherwise
// "Waiting for the status to be reported" (what a local ApplicationSet, which generates nothing and
// so never gets a status, shows — as one would in a cluster without the ApplicationSet controller).
import type { HealthStatus, HealthStatusCode, KubeObject } from '../../store/object.ts';
import { record } from './fields.ts';

const RULES: readonly (readonly [type: string, status: string, health: HealthStatusCode])[] = [
  ['ErrorOccurred', 'True', 'Degraded'],
  ['ResourcesUpToDate', 'False', 'Degraded'],
  ['RolloutProgressing', 'True', 'Progressing'],
  ['ResourcesUpToDate', 'True', 'Healthy'],
];

export function applicationSetHealth(obj: KubeObject): HealthStatus {
  const status = record(obj.status);
  const items = status?.conditions;
  // The script uses pairs(), so a map of conditions is walked too (in no defined order).
  const all = (Array.isArray(items) ? items : Object.values(record(items) ?? {})).map((c) => record(c) ?? {});
  for (const [type, conditionStatus, health] of RULES) {
    const found = all.find((c) => c.type === type && c.status === conditionStatus);
    if (found !== undefined) {
      return typeof found.message === 'string' ? { status: health, message: found.message } : { status: health };
    }
  }
  return { status: 'Progressing', message: 'Waiting for the status to be reported' };
}
