// PrometheusRule: alerts on the four golden signals of the payments API (latency, traffic,
// errors, saturation), over all revisions. Thresholds come from the environment.
import {
  PrometheusRule,
  type IPrometheusRule,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { EnvironmentConfig, MonitoringConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { ARGOCD, labels, NAMES } from './names.ts';
import { API_ROUTES, errorRatio, gaugeMax, latencyQuantile, METRICS, requestRate } from './promql.ts';

type Groups = NonNullable<IPrometheusRule['spec']['groups']>;
type Rule = NonNullable<Groups[number]['rules']>[number];

function alert(
  name: string,
  expr: string,
  forDuration: string,
  severity: 'page' | 'ticket',
  signal: string,
  summary: string,
  description: string,
): Rule {
  return {
    alert: name,
    expr,
    for: forDuration,
    labels: { severity, signal, service: 'payments' },
    annotations: { summary, description },
  };
}

export function alertRules(env: EnvironmentConfig, monitoring: MonitoringConfig): Groups {
  const t = monitoring.alerts;
  const api = { namespace: env.namespace, ...API_ROUTES };
  const pods = { namespace: env.namespace };
  return [
    {
      name: 'payments.golden-signals',
      rules: [
        alert(
          'PaymentsLatencyP99High',
          `${latencyQuantile(0.99, api, '5m')} > ${t.p99Seconds}`,
          '10m',
          'page',
          'latency',
          'payments p99 latency above {{ $value | humanizeDuration }}',
          `The 99th percentile of /v1 request latency has been above ${t.p99Seconds}s for 10 minutes.`,
        ),
        alert(
          'PaymentsTrafficDropped',
          // `or vector(0)`: no request at all is the deepest drop, not an absent series.
          `(${requestRate(api, '10m')} or vector(0))\n< ${t.trafficDropRatio} * ${requestRate(api, '10m', [], '1d')}\nand\n${requestRate(api, '10m', [], '1d')} > 1`,
          '15m',
          'page',
          'traffic',
          'payments traffic fell below half of yesterday',
          `/v1 requests per second are below ${t.trafficDropRatio} of the same time yesterday (which had over 1 req/s): clients may not reach the service.`,
        ),
        alert(
          'PaymentsErrorRatioHigh',
          `(${errorRatio(api, '5m')}) > ${t.errorRatio}`,
          '5m',
          'page',
          'errors',
          'payments 5xx ratio at {{ $value | humanizePercentage }}',
          `More than ${t.errorRatio * 100}% of /v1 requests have failed with 5xx for 5 minutes.`,
        ),
        alert(
          'PaymentsDatabasePoolSaturated',
          `${gaugeMax(METRICS.dbPoolWaiting, pods)} > 0`,
          '5m',
          'ticket',
          'saturation',
          'payments requests are waiting for database connections',
          'At least one pod has had requests queued for a PostgreSQL connection for 5 minutes: raise DB_POOL_MAX or replicas.',
        ),
        alert(
          'PaymentsEventLoopLagHigh',
          `${gaugeMax(METRICS.eventLoopLag, pods)} > ${t.eventLoopLagSeconds}`,
          '5m',
          'ticket',
          'saturation',
          'payments event loop lag at {{ $value | humanizeDuration }}',
          `A pod's Node.js event loop has lagged more than ${t.eventLoopLagSeconds}s for 5 minutes: it is CPU-saturated.`,
        ),
      ],
    },
  ];
}

export function prometheusRule(env: EnvironmentConfig, monitoring: MonitoringConfig): KubeObject {
  return validated(
    new PrometheusRule({
      metadata: {
        name: NAMES.prometheusRule,
        namespace: env.namespace,
        labels: labels(),
        annotations: { [ARGOCD.syncOptions]: ARGOCD.skipDryRun },
      },
      spec: { groups: alertRules(env, monitoring) },
    }),
  );
}
