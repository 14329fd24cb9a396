// The ServiceMonitor: kube-prometheus-stack scrapes /metrics of every payments pod (through the
// headless payments-metrics Service) and copies the pod's rollouts-pod-template-hash label onto
// its series, which is how analysis and dashboards tell revisions apart.
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { EnvironmentConfig, MonitoringConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, HTTP, LABEL, labels, NAMES, POD_TEMPLATE_HASH_LABEL, SELECTOR } from './names.ts';

export function serviceMonitor(env: EnvironmentConfig, monitoring: MonitoringConfig): KubeObject {
  return validated(
    new ServiceMonitor({
      metadata: {
        name: NAMES.serviceMonitor,
        namespace: env.namespace,
        labels: labels(),
        annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun },
      },
      spec: {
        // Only the metrics Service: active and preview select the same pods and would double them.
        selector: { matchLabels: { ...SELECTOR, [LABEL.component]: 'metrics' } },
        endpoints: [{ port: HTTP.name, path: '/metrics', interval: monitoring.scrapeInterval, scheme: 'http' }],
        podTargetLabels: [POD_TEMPLATE_HASH_LABEL],
      },
    }),
  );
}
