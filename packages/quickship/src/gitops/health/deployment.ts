// apps/v1 Deployment (gitops-engine health_deployment.go): paused → Suspended; a progress deadline
// exceeded → Degraded; otherwise Progressing until every replica is updated and available.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, int, specOf, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function deploymentHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, 'Deployment');
  const spec = specOf(obj);
  const status = statusOf(obj);
  if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  const generation = obj.metadata.generation ?? 0;
  if (generation > (int(status.observedGeneration) ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const progressing = conditions(status.conditions).find((c) => c.type === 'Progressing');
  const desired = int(spec.replicas);
  const replicas = int(status.replicas) ?? 0;
  const updated = int(status.updatedReplicas) ?? 0;
  const available = int(status.availableReplicas) ?? 0;
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${obj.metadata.name}" exceeded its progress deadline` };
  }
  if (desired !== undefined && updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
