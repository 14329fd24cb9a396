// The Services: active (production traffic, the Ingress backend), preview (the new revision
// before promotion; the smoke Job's target) and a headless metrics Service for the ServiceMonitor.
// Argo Rollouts adds rollouts-pod-template-hash to the active and preview selectors itself.
import { Service } from 'kubernetes-models/v1/Service';
import type { EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { HTTP, labels, NAMES, SELECTOR } from './names.ts';

function service(env: EnvironmentConfig, name: string, component: string, headless = false): KubeObject {
  return validated(
    new Service({
      metadata: { name, namespace: env.namespace, labels: labels(undefined, component) },
      spec: {
        type: 'ClusterIP',
        ...(headless ? { clusterIP: 'None' } : {}),
        selector: { ...SELECTOR },
        ports: [
          {
            name: HTTP.name,
            port: headless ? HTTP.containerPort : HTTP.servicePort,
            targetPort: HTTP.name,
            protocol: 'TCP',
          },
        ],
      },
    }),
  );
}

export const activeService = (env: EnvironmentConfig): KubeObject => service(env, NAMES.activeService, 'active');
export const previewService = (env: EnvironmentConfig): KubeObject => service(env, NAMES.previewService, 'preview');
export const metricsService = (env: EnvironmentConfig): KubeObject =>
  service(env, NAMES.metricsService, 'metrics', true);
