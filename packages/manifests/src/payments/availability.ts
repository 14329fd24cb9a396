// Availability under voluntary disruption (PodDisruptionBudget) and load (HorizontalPodAutoscaler
// scaling the Rollout through its scale subresource).
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { AutoscalingConfig, EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { labels, NAMES, SELECTOR } from './names.ts';

export function disruptionBudget(env: EnvironmentConfig): KubeObject {
  return validated(
    new PodDisruptionBudget({
      metadata: { name: NAMES.disruptionBudget, namespace: env.namespace, labels: labels() },
      spec: { maxUnavailable: env.disruptionBudget.maxUnavailable, selector: { matchLabels: { ...SELECTOR } } },
    }),
  );
}

export function autoscaler(env: EnvironmentConfig, config: AutoscalingConfig): KubeObject {
  return validated(
    new HorizontalPodAutoscaler({
      metadata: { name: NAMES.autoscaler, namespace: env.namespace, labels: labels() },
      spec: {
        scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: NAMES.rollout },
        minReplicas: config.minReplicas,
        maxReplicas: config.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: config.cpuUtilization } },
          },
        ],
      },
    }),
  );
}
