// HorizontalPodAutoscaler, autoscaling/v1 and autoscaling/v2 (gitops-engine health_hpa.go). v2
// reads status.conditions; v1 carries the same conditions as JSON in an annotation. A condition
// naming a failure to scale or to read metrics is Degraded; AbleToScale or ScalingLimited true is
// Healthy; otherwise "Waiting to Autoscale".
import type { HealthStatus, KubeObject } from '../../store/object.ts';
import { conditions, statusOf, type Condition } from './fields.ts';
import { unsupportedVersion } from './unsupported.ts';

export const HPA_V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };

const DEGRADED: readonly (readonly [type: string, reason: string])[] = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'FailedGetObjectMetric'],
  ['ScalingActive', 'FailedGetPodsMetric'],
  ['ScalingActive', 'FailedGetExternalMetric'],
  ['ScalingActive', 'FailedComputeMetricsReplicas'],
  ['ScalingActive', 'InvalidSelector'],
];

function fromConditions(list: readonly Condition[]): HealthStatus {
  const degraded = list.find((c) => DEGRADED.some(([type, reason]) => c.type === type && c.reason === reason));
  if (degraded !== undefined) return { status: 'Degraded', message: degraded.message };
  const healthy = list.find((c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True');
  if (healthy !== undefined) return { status: 'Healthy', message: healthy.message };
  return WAITING;
}

export function horizontalPodAutoscalerHealth(obj: KubeObject): HealthStatus {
  if (obj.apiVersion === 'autoscaling/v2') return fromConditions(conditions(statusOf(obj).conditions));
  if (obj.apiVersion !== 'autoscaling/v1') return unsupportedVersion(obj, 'HPA');
  const annotation = obj.metadata.annotations?.[HPA_V1_CONDITIONS_ANNOTATION];
  if (annotation === undefined) return WAITING;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (error) {
    // Upstream surfaces the JSON error as Unknown; Go's decoder words it differently from V8's.
    return {
      status: 'Unknown',
      message: `failed to convert conditions annotation to typed: ${(error as Error).message}`,
    };
  }
  if (parsed !== null && !Array.isArray(parsed)) {
    return {
      status: 'Unknown',
      message: `failed to convert conditions annotation to typed: ${HPA_V1_CONDITIONS_ANNOTATION} is not a JSON array`,
    };
  }
  // Go decodes the annotation with case-insensitive field names into Type/Reason/Message/Status.
  const list = conditions(
    (parsed ?? []).map((c: unknown) =>
      typeof c === 'object' && c !== null
        ? Object.fromEntries(Object.entries(c).map(([k, v]) => [k.toLowerCase(), v]))
        : {},
    ),
  );
  return list.length === 0 ? WAITING : fromConditions(list);
}
