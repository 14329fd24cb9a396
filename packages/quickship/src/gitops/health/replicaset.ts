// apps/v1 ReplicaSet (gitops-engine health_replicaset.go): a true ReplicaFailure condition is
// Degraded; otherwise Progressing until every desired replica is available.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, int, specOf, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function replicaSetHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, 'ReplicaSet');
  const status = statusOf(obj);
  if ((obj.metadata.generation ?? 0) > (int(status.observedGeneration) ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = conditions(status.conditions).find((c) => c.type === 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message };
  const desired = int(specOf(obj).replicas);
  const available = int(status.availableReplicas) ?? 0;
  if (desired !== undefined && available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
