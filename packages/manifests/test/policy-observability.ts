// Policies on measurement: analysis queries select the revision under test by its pod template
// hash, the ServiceMonitor puts that hash on every series, the alerts cover the four golden
// signals, the dashboard shows them per revision — and every PromQL expression parses with
// promtool, the same parser Prometheus uses.
import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/index.ts';
import { METRICS } from '../src/payments/promql.ts';
import { appObjects, environments, find, ofKind } from './tree.ts';
import { asRecordingRules, checkRules, promtoolVersion } from './promtool.ts';

const { eks, local } = environments;
const objects = appObjects(eks);
const templates = ofKind<IAnalysisTemplate>(objects, 'AnalysisTemplate');
const prometheusMetrics = templates.flatMap((t) =>
  t.spec.metrics
    .filter((m) => m.provider.prometheus)
    .map((m) => ({ template: t, metric: m, query: m.provider.prometheus?.query ?? '' })),
);
const rule = find<IPrometheusRule>(objects, 'PrometheusRule', 'payments-golden-signals');
const groups = rule.spec.groups ?? [];
const alerts = groups.flatMap((g) => g.rules ?? []);
const dashboardJson = JSON.parse(
  find<IConfigMap>(objects, 'ConfigMap', 'payments-dashboard').data?.['payments.json'] ?? '{}',
) as {
  panels: { title: string; targets: { expr: string; legendFormat: string }[] }[];
};

/** Sample values for AnalysisTemplate arguments, as Argo substitutes them into {{args.<name>}}. */
const SAMPLE_ARGS: Readonly<Record<string, string>> = { 'pod-template-hash': '6d4f8c9b7d' };

function substituteArgs(text: string): string {
  return text.replace(/\{\{\s*args\.([a-zA-Z0-9_-]+)\s*\}\}/g, (match, name: string) => SAMPLE_ARGS[name] ?? match);
}

describe('AnalysisTemplates', () => {
  it("measure error rate and p99 from kube-prometheus-stack's Prometheus", () => {
    expect(prometheusMetrics.map((m) => m.template.metadata?.name).sort()).toEqual(['error-rate', 'latency-p99']);
    for (const { metric } of prometheusMetrics) {
      expect(metric.provider.prometheus?.address).toBe(
        'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090',
      );
    }
  });

  it('filter every series by rollouts_pod_template_hash = {{args.pod-template-hash}}, an argument they declare', () => {
    for (const { template, query } of prometheusMetrics) {
      const selectors = query.match(/\{[^{}]*(?:\{\{[^}]*\}\}[^{}]*)*\}/g) ?? [];
      const seriesSelectors = selectors.filter((s) => !s.startsWith('{{'));
      expect(seriesSelectors.length, query).toBeGreaterThan(0);
      for (const s of seriesSelectors)
        expect(s, query).toContain('rollouts_pod_template_hash="{{args.pod-template-hash}}"');
      expect(template.spec.args?.map((a) => a.name)).toContain('pod-template-hash');
    }
  });

  it('fail above the threshold; an empty answer is inconclusive, never success', () => {
    for (const { metric } of prometheusMetrics) {
      expect(metric.successCondition).toMatch(/^len\(result\) == 1 && result\[0\] <= [0-9.]+$/);
      expect(metric.failureCondition).toMatch(/^len\(result\) == 1 && result\[0\] > [0-9.]+$/);
      expect(metric.failureLimit).toBe(0);
    }
  });

  it('run the smoke entry point against the preview Service', () => {
    const smoke = find<IAnalysisTemplate>(objects, 'AnalysisTemplate', 'smoke');
    const job = smoke.spec.metrics[0]?.provider.job as {
      spec: { template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } } };
    };
    const container = job.spec.template.spec.containers[0];
    expect(container?.args).toEqual(['services/payments/dist/smoke.mjs']);
    expect(container?.env.find((e) => e.name === 'TARGET_URL')?.value).toBe(
      'http://payments-preview.payments.svc.cluster.local',
    );
  });

  it('are only the smoke Job locally (no Prometheus in the local environment)', () => {
    expect(ofKind<IAnalysisTemplate>(appObjects(local), 'AnalysisTemplate').map((t) => t.metadata?.name)).toEqual([
      'smoke',
    ]);
  });
});

describe('ServiceMonitor', () => {
  const monitor = find<IServiceMonitor>(objects, 'ServiceMonitor', 'payments');
  it('scrapes /metrics on port http and labels each series with the pod template hash', () => {
    expect(monitor.spec.podTargetLabels).toEqual(['rollouts-pod-template-hash']);
    expect(monitor.spec.endpoints?.map((e) => [e.port, e.path])).toEqual([['http', '/metrics']]);
  });
  it('selects only the metrics Service, so pods behind both active and preview are scraped once', () => {
    const services = ofKind<IService>(objects, 'Service').filter((s) =>
      Object.entries(monitor.spec.selector.matchLabels ?? {}).every(([k, v]) => s.metadata?.labels?.[k] === v),
    );
    expect(services.map((s) => s.metadata?.name)).toEqual(['payments-metrics']);
  });
});

describe('PrometheusRule', () => {
  it('alerts on latency, traffic, errors and saturation', () => {
    const signals = new Set(alerts.map((a) => a.labels?.signal));
    expect([...signals].sort()).toEqual(['errors', 'latency', 'saturation', 'traffic']);
    for (const a of alerts) {
      expect(a.alert, JSON.stringify(a)).toMatch(/^Payments[A-Za-z0-9]+$/);
      expect(a.for).toBeTruthy();
      expect(a.annotations?.summary).toBeTruthy();
    }
    const exprs = alerts.map((a) => String(a.expr)).join('\n');
    for (const metric of [
      'http_request_duration_seconds_bucket',
      'http_requests_total',
      'db_pool_requests_waiting',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(exprs).toContain(metric);
  });
});

const serviceMetricsFile = join(REPO_ROOT, 'services/payments/src/http/metrics.ts');
describe.skipIf(!existsSync(serviceMetricsFile))('metric names', () => {
  it('are the ones services/payments registers (prom-client default metrics for nodejs_*)', () => {
    const source = readFileSync(serviceMetricsFile, 'utf8');
    expect(source).toContain('collectDefaultMetrics(');
    for (const name of Object.values(METRICS)) {
      if (name.startsWith('nodejs_')) continue;
      expect(source, `${name} in ${serviceMetricsFile}`).toContain(`name: '${name}'`);
    }
  });
});

describe('Grafana dashboard', () => {
  it('is picked up by the Grafana sidecar and shows latency, traffic, errors and saturation per revision', () => {
    expect(find<IConfigMap>(objects, 'ConfigMap', 'payments-dashboard').metadata?.labels?.grafana_dashboard).toBe('1');
    const titles = dashboardJson.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const signal of ['latency', 'traffic', 'errors', 'saturation']) expect(titles).toContain(signal);
    for (const panel of dashboardJson.panels) {
      for (const target of panel.targets) {
        expect(target.expr, panel.title).toContain('rollouts_pod_template_hash');
        expect(target.legendFormat, panel.title).toContain('{{rollouts_pod_template_hash}}');
      }
    }
  });
});

const promtool = promtoolVersion();
describe.skipIf(!promtool)(`promtool (${promtool ?? 'not installed: apt-get install prometheus'})`, () => {
  it('passes `promtool check rules` on the PrometheusRule groups', () => {
    const result = checkRules(groups);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('parses every AnalysisTemplate query once Argo has substituted its arguments', () => {
    const queries = prometheusMetrics.map(({ template, metric, query }) => ({
      name: `${template.metadata?.name}_${metric.name}`,
      expr: substituteArgs(query),
    }));
    for (const q of queries) expect(q.expr, 'every {{args.*}} has a sample value').not.toMatch(/\{\{/);
    const result = checkRules(asRecordingRules('analysis', queries));
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it("parses every dashboard query with Grafana's $__rate_interval set to a real range", () => {
    const queries = dashboardJson.panels.flatMap((p, i) =>
      p.targets.map((t, j) => ({ name: `panel_${i}_${j}`, expr: t.expr.replaceAll('$__rate_interval', '1m') })),
    );
    const result = checkRules(asRecordingRules('dashboard', queries));
    expect(result.ok, result.output).toBe(true);
  });

  it('rejects a malformed expression (the check can fail)', () => {
    const result = checkRules(
      asRecordingRules('broken', [{ name: 'broken', expr: 'sum(rate(http_requests_total[5m offset 1d]))' }]),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/parse error/);
  });
});
