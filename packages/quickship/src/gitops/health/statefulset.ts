// apps/v1 StatefulSet (gitops-engine health_statefulset.go): the spec must be observed, every
// replica ready, and then the update strategy decides (partitioned, OnDelete, or revisions equal).
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { int, record, specOf, statusOf, text } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export function statefulSetHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, 'StatefulSet');
  const spec = specOf(obj);
  const status = statusOf(obj);
  const observed = int(status.observedGeneration) ?? 0;
  if (observed === 0 || (obj.metadata.generation ?? 0) > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const desired = int(spec.replicas);
  const ready = int(status.readyReplicas) ?? 0;
  const updated = int(status.updatedReplicas) ?? 0;
  if (desired !== undefined && ready < desired) {
    return { status: 'Progressing', message: `Waiting for ${desired - ready} pods to be ready...` };
  }
  const strategy = record(spec.updateStrategy) ?? {};
  const rollingUpdate = record(strategy.rollingUpdate);
  if (strategy.type === 'RollingUpdate' && rollingUpdate !== undefined) {
    const partition = int(rollingUpdate.partition);
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`,
      };
    }
    return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (strategy.type === 'OnDelete') {
    return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  }
  const updateRevision = text(status.updateRevision) ?? '';
  const currentRevision = text(status.currentRevision) ?? '';
  if (updateRevision !== currentRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    };
  }
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${int(status.currentReplicas) ?? 0} pods at revision ${currentRevision}...`,
  };
}
