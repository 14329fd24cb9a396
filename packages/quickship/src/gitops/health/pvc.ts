// v1 PersistentVolumeClaim (gitops-engine health_pvc.go): by status.phase, no message.
import type { HealthStatus, HealthStatusCode, KubeObject } from '../../store/object.ts';
import { statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

const BY_PHASE = new Map<unknown, HealthStatusCode>([
  ['Lost', 'Degraded'],
  ['Pending', 'Progressing'],
  ['Bound', 'Healthy'],
]);

export function persistentVolumeClaimHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, 'PersistentVolumeClaim');
  return { status: BY_PHASE.get(statusOf(obj).phase) ?? 'Unknown' };
}
