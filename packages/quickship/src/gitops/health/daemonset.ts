// apps/v1 DaemonSet (gitops-engine health_daemonset.go): the spec must be observed; OnDelete is
// Healthy as is; otherwise Progressing until every scheduled pod is updated and available.
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { int, record, specOf, statusOf } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function daemonSetHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, 'DaemonSet');
  const status = statusOf(obj);
  const name = obj.metadata.name;
  if ((obj.metadata.generation ?? 0) > (int(status.observedGeneration) ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const updated = int(status.updatedNumberScheduled) ?? 0;
  const desired = int(status.desiredNumberScheduled) ?? 0;
  const available = int(status.numberAvailable) ?? 0;
  if (record(specOf(obj).updateStrategy)?.type === 'OnDelete') {
    return { status: 'Healthy', message: `daemon set ${updated} out of ${desired} new pods have been updated` };
  }
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { status: 'Healthy' };
}
