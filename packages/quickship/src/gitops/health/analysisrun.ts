// argoproj.io AnalysisRun, as Argo CD's resource_customizations/argoproj.io/AnalysisRun/health.lua
// decides it: by status.phase, the run's own status.message when it has one, else a fixed text.
import type { HealthStatus, HealthStatusCode, KubeObject } from '../../store/object.ts';
import { record } from './fields.ts';

const BY_PHASE = new Map<unknown, readonly [HealthStatusCode, string, 'own message' | 'fixed']>([
  ['Pending', ['Progressing', 'Analysis run is running', 'fixed']],
  ['Running', ['Progressing', 'Analysis run is running', 'fixed']],
  ['Successful', ['Healthy', 'Analysis run completed successfully', 'own message']],
  ['Failed', ['Degraded', 'Analysis run failed', 'own message']],
  ['Error', ['Degraded', 'Analysis run had an error', 'own message']],
  ['Inconclusive', ['Unknown', 'Analysis run was inconclusive', 'own message']],
]);

/**
 * undefined for a status whose phase is none of the above: the script then returns an empty table,
 * which Argo CD turns into a health with no status — shown as nothing, never worse than Healthy.
 */
export function analysisRunHealth(obj: KubeObject): HealthStatus | undefined {
  const status = record(obj.status);
  if (status === undefined) {
    return { status: 'Progressing', message: 'Waiting for analysis run to finish: status has not been reconciled.' };
  }
  const entry = BY_PHASE.get(status.phase);
  if (entry === undefined) return undefined;
  const [code, fallback, source] = entry;
  const own = status.message;
  return { status: code, message: source === 'own message' && typeof own === 'string' ? own : fallback };
}
