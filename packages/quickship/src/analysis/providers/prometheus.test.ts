// The prometheus provider and the local Prometheus (runtime/prometheus.ts) together: a real
// Prometheus scraping a real HTTP target through file_sd with the ServiceMonitor's labels,
// loading a PrometheusRule, answering the provider's queries.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeTargets } from '../../runtime/prometheus-config.ts';
import { PROMETHEUS_BINARY, startPrometheus, type LocalPrometheus } from '../../runtime/prometheus.ts';
import { existsSync } from 'node:fs';
import type { Metric } from '../types.ts';
import { measurePrometheus } from './prometheus.ts';

const installed = existsSync(process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY);
let prometheus: LocalPrometheus;
let target: Server;
let hang: Server;
let dir = '';
const errors = 0;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!installed) return;
  dir = mkdtempSync(join(tmpdir(), 'quickship-prom-'));
  target = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE demo_errors_total counter\ndemo_errors_total ${errors}\n`);
  });
  hang = createServer(() => undefined);
  const port = await listen(target);
  await listen(hang);
  prometheus = await startPrometheus({ dir, scrapeIntervalSeconds: 1 });
  await prometheus.setTargets(
    scrapeTargets(
      {
        selector: { matchLabels: { component: 'metrics' } },
        endpoints: [{ port: 'http' }],
        podTargetLabels: ['rollouts-pod-template-hash'],
      },
      [
        {
          service: {
            name: 'payments-metrics',
            namespace: 'payments',
            labels: { component: 'metrics' },
            portNames: ['http'],
          },
          pods: [
            {
              name: 'payments-abc12-x1',
              namespace: 'payments',
              container: 'payments',
              address: `127.0.0.1:${port}`,
              labels: { 'rollouts-pod-template-hash': 'abc12' },
            },
          ],
        },
      ],
    ),
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const s of [target, hang]) {
    s?.closeAllConnections();
    await new Promise((r) => (s ? s.close(r) : r(undefined)));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const prom = (query: string, conditions: Partial<Metric> = {}, extra: Record<string, unknown> = {}): Metric => ({
  name: 'p',
  provider: {
    prometheus: {
      address: 'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090',
      query,
      ...extra,
    },
  },
  ...conditions,
});

describe.skipIf(!installed)('local Prometheus + prometheus provider', () => {
  it('scrapes file_sd targets labelled as the ServiceMonitor makes the operator label them', async () => {
    const labels = await until(async () => {
      const m = await measurePrometheus(prom('up{rollouts_pod_template_hash="abc12"} == 1'), {
        localUrl: prometheus.url,
      });
      return m.value === '[1]' ? m : undefined;
    }, 'the target scraped');
    expect(labels.phase).toBe('Successful');
    const res = await fetch(`${prometheus.url}/api/v1/query?query=demo_errors_total`);
    const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
    expect(body.data.result[0]?.metric).toMatchObject({
      namespace: 'payments',
      service: 'payments-metrics',
      pod: 'payments-abc12-x1',
      container: 'payments',
      endpoint: 'http',
      job: 'payments-metrics',
      rollouts_pod_template_hash: 'abc12',
    });
  });

  it('vector, scalar and empty results with success, failure and inconclusive', async () => {
    const opts = { localUrl: prometheus.url };
    expect(await measurePrometheus(prom('vector(0.25)', { successCondition: 'result[0] < 0.5' }), opts)).toMatchObject({
      phase: 'Successful',
      value: '[0.25]',
    });
    expect(await measurePrometheus(prom('scalar(vector(2))', { successCondition: 'result < 1' }), opts)).toMatchObject({
      phase: 'Failed',
      value: '2',
    });
    expect(
      await measurePrometheus(prom('demo_errors_total{pod="nope"}', { successCondition: 'len(result) == 0' }), opts),
    ).toMatchObject({ phase: 'Successful', value: '[]' });
    expect(
      await measurePrometheus(
        prom('vector(0.3)', { successCondition: 'result[0] < 0.1', failureCondition: 'result[0] > 0.5' }),
        opts,
      ),
    ).toMatchObject({ phase: 'Inconclusive' });
    expect(
      await measurePrometheus(prom('vector(0)/vector(0)', { successCondition: 'isNaN(result[0])' }), opts),
    ).toMatchObject({
      phase: 'Successful',
      value: '[NaN]',
    });
  });

  it('errors on a bad query, an empty vector indexed, a timeout and a refused connection', async () => {
    const bad = await measurePrometheus(prom('sum(('), { localUrl: prometheus.url });
    expect(bad.phase).toBe('Error');
    expect(bad.message).toMatch(/^bad_data: /);
    const empty = await measurePrometheus(prom('absent(up)', { successCondition: 'result[0] > 0' }), {
      localUrl: prometheus.url,
    });
    expect(empty).toMatchObject({ phase: 'Error' });
    expect(empty.message).toContain('metric result is nil or empty');
    const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const slow = await measurePrometheus(prom('up', {}, { timeout: 1 }), { localUrl: hangUrl });
    expect(slow.phase).toBe('Error');
    expect(slow.message).toContain('context deadline exceeded after 1s');
    expect((await measurePrometheus(prom('up'), { localUrl: 'http://127.0.0.1:1' })).phase).toBe('Error');
  });

  it('loads PrometheusRule groups and lists what fires', async () => {
    await prometheus.setRules(
      new Map([
        [
          'payments-golden-signals',
          {
            groups: [
              { name: 'g', rules: [{ alert: 'AlwaysOn', expr: 'vector(1) > 0', labels: { severity: 'page' } }] },
            ],
          },
        ],
      ]),
    );
    const alerts = await until(async () => {
      const list = await prometheus.alerts();
      return list.some((a) => a.labels['alertname'] === 'AlwaysOn' && a.state === 'firing') ? list : undefined;
    }, 'AlwaysOn firing');
    expect(alerts.find((a) => a.labels['alertname'] === 'AlwaysOn')?.labels['severity']).toBe('page');
    await expect(
      prometheus.setRules(new Map([['broken', { groups: [{ name: 'g', rules: [{ alert: 'X', expr: 'sum((' }] }] }]])),
    ).rejects.toThrow('prometheus refused the rule files');
  });
});
