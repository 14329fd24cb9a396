// The Grafana dashboard, as a ConfigMap that kube-prometheus-stack's Grafana sidecar loads
// (label grafana_dashboard: "1", searched in all namespaces). Every panel splits by revision
// (rollouts_pod_template_hash), so blue and green sit side by side during a release.
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { EnvironmentConfig } from '../environments/types.ts';
import { validated, type KubeObject } from '../k8s/object.ts';
import { labels, NAMES, POD_TEMPLATE_HASH_METRIC_LABEL } from './names.ts';
import {
  API_ROUTES,
  counterRate,
  errorRatio,
  gaugeMax,
  gaugeSum,
  latencyQuantile,
  METRICS,
  requestRate,
} from './promql.ts';

/** Grafana's own range macro; replaced by a real range when the queries are checked with promtool. */
export const RATE_INTERVAL = '$__rate_interval';
export const DASHBOARD_UID = 'quickship-payments';

export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
}

const REVISION = [POD_TEMPLATE_HASH_METRIC_LABEL];
const LEGEND = `{{${POD_TEMPLATE_HASH_METRIC_LABEL}}}`;

export function dashboardPanels(env: EnvironmentConfig): readonly Panel[] {
  const api = { namespace: env.namespace, ...API_ROUTES };
  const pods = { namespace: env.namespace };
  return [
    {
      title: 'Latency by revision (/v1)',
      unit: 's',
      targets: [
        { expr: latencyQuantile(0.99, api, RATE_INTERVAL, REVISION), legend: `p99 ${LEGEND}` },
        { expr: latencyQuantile(0.5, api, RATE_INTERVAL, REVISION), legend: `p50 ${LEGEND}` },
      ],
    },
    {
      title: 'Traffic by revision (/v1 requests/s)',
      unit: 'reqps',
      targets: [{ expr: requestRate(api, RATE_INTERVAL, REVISION), legend: LEGEND }],
    },
    {
      title: 'Errors by revision (5xx ratio)',
      unit: 'percentunit',
      targets: [{ expr: errorRatio(api, RATE_INTERVAL, REVISION), legend: LEGEND }],
    },
    {
      title: 'Payments by outcome and revision (/s)',
      unit: 'ops',
      targets: [
        {
          expr: counterRate(METRICS.payments, pods, RATE_INTERVAL, [...REVISION, 'status']),
          legend: `{{status}} ${LEGEND}`,
        },
      ],
    },
    {
      title: 'Saturation: requests waiting for a DB connection',
      unit: 'short',
      targets: [{ expr: gaugeMax(METRICS.dbPoolWaiting, pods, REVISION), legend: LEGEND }],
    },
    {
      title: 'Saturation: DB pool in use (share of DB_POOL_MAX)',
      unit: 'percentunit',
      targets: [
        {
          expr: `${gaugeSum(METRICS.dbPoolInUse, pods, REVISION)}\n/\n${gaugeSum(METRICS.dbPoolMax, pods, REVISION)}`,
          legend: LEGEND,
        },
      ],
    },
    {
      title: 'Saturation: event-loop lag',
      unit: 's',
      targets: [{ expr: gaugeMax(METRICS.eventLoopLag, pods, REVISION), legend: LEGEND }],
    },
  ];
}

function dashboardJson(env: EnvironmentConfig): unknown {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  return {
    uid: DASHBOARD_UID,
    title: 'QuickShip payments — golden signals by revision',
    tags: ['quickship', 'payments'],
    editable: false,
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus' }] },
    panels: dashboardPanels(env).map((panel, index) => ({
      id: index + 1,
      type: 'timeseries',
      title: panel.title,
      datasource,
      gridPos: { w: 12, h: 8, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      options: {
        legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] },
        tooltip: { mode: 'multi' },
      },
      targets: panel.targets.map((target, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource,
        expr: target.expr,
        legendFormat: target.legend,
      })),
    })),
  };
}

/** JSON with sorted keys, so the rendered text is stable. */
function stableJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    2,
  );
}

export function dashboardConfigMap(env: EnvironmentConfig): KubeObject {
  return validated(
    new ConfigMap({
      metadata: { name: NAMES.dashboard, namespace: env.namespace, labels: { ...labels(), grafana_dashboard: '1' } },
      data: { 'payments.json': `${stableJson(dashboardJson(env))}\n` },
    }),
  );
}
