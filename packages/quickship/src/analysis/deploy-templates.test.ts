// The AnalysisTemplates of deploy/ (error-rate, latency-p99) against a real Prometheus scraping
// real payments processes labelled as the ServiceMonitor labels them: a healthy revision, a failing
// one (FAULT_ERROR_RATE=0.5 in its own env), a slow one (FAULT_LATENCY_MS) and an idle one (no
// traffic at all). Each metric's query and conditions are measured as the AnalysisRun would.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  createTestDatabase,
  dropTestDatabase,
  spawnServer,
  type ServerProcess,
} from '../../../../services/payments/test/support.ts';
import { splitManifests } from '../core/manifests.ts';
import { scrapeTargets, type ServiceMonitorSpec } from '../runtime/prometheus-config.ts';
import { PROMETHEUS_BINARY, startPrometheus, type LocalPrometheus } from '../runtime/prometheus.ts';
import type { KubeObject } from '../store/object.ts';
import { resolveMetricArgs } from './args.ts';
import { measurePrometheus } from './providers/prometheus.ts';
import { parseAnalysisTemplate } from './template.ts';
import type { AnalysisTemplate } from './types.ts';

const installed = existsSync(process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY);
const deployDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../deploy/apps/payments');
const read = (file: string) =>
  splitManifests(readFileSync(join(deployDir, file), 'utf8'), file)[0]?.object as unknown as KubeObject;

const REVISIONS = {
  healthy: {},
  failing: { FAULT_ERROR_RATE: '0.5' },
  slow: { FAULT_LATENCY_MS: '700' },
  idle: {},
} as const;
type Revision = keyof typeof REVISIONS;

let databaseUrl = '';
let dir = '';
let prometheus: LocalPrometheus | undefined;
const servers = new Map<Revision, ServerProcess>();

beforeAll(async () => {
  if (!installed) return;
  databaseUrl = await createTestDatabase('analysis_templates');
  dir = mkdtempSync(join(tmpdir(), 'quickship-analysis-'));
  prometheus = await startPrometheus({ dir, scrapeIntervalSeconds: 1 });
  for (const [name, env] of Object.entries(REVISIONS) as [Revision, Record<string, string>][]) {
    servers.set(name, await spawnServer({ databaseUrl, env }));
  }
  const monitor = read('servicemonitor.yaml').spec as ServiceMonitorSpec;
  const service = read('service-metrics.yaml');
  await prometheus.setTargets(
    scrapeTargets(monitor, [
      {
        service: {
          name: service.metadata.name,
          namespace: 'payments',
          labels: service.metadata.labels ?? {},
          portNames: ['http'],
        },
        pods: [...servers].map(([revision, server]) => ({
          name: `payments-${revision}-0`,
          namespace: 'payments',
          container: 'payments',
          address: `127.0.0.1:${server.port}`,
          labels: { 'rollouts-pod-template-hash': revision },
        })),
      },
    ]),
  );
  // Traffic for every revision but the idle one, a few requests at a time: rate() only sees
  // increments after a series' first sample, and prom-client creates the 5xx series at the first
  // 5xx, so the traffic goes on until Prometheus holds enough of the failing revision's 5xx series
  // for its rate (its scrape timing on a loaded machine is not ours to predict), at most 40 s.
  const batch = () =>
    Promise.all(
      (['healthy', 'failing', 'slow'] as const).map(async (revision) => {
        const url = `${servers.get(revision)?.url}/v1/payments?limit=1`;
        await Promise.all(
          Array.from({ length: 4 }, () => fetch(url, { headers: authHeaders() }).then((r) => r.text())),
        );
      }),
    );
  const errorRate = parseAnalysisTemplate(read('analysistemplate-error-rate.yaml'));
  const deadline = Date.now() + 40_000;
  for (let round = 0; ; round++) {
    await batch();
    await new Promise((r) => setTimeout(r, 400));
    if (round >= 10 && (await measure(errorRate, 'failing')).phase === 'Failed') break;
    if (Date.now() > deadline) break; // the test's own assertions say what is missing
  }
  // Two scrapes after the traffic, so every revision's rate() has its samples.
  await new Promise((r) => setTimeout(r, 2500));
}, 120_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.kill()));
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

async function measure(template: AnalysisTemplate, revision: Revision) {
  const metric = resolveMetricArgs(template.spec.metrics[0] as (typeof template.spec.metrics)[number], [
    { name: 'pod-template-hash', value: revision },
  ]);
  return measurePrometheus(metric, { localUrl: (prometheus as LocalPrometheus).url });
}

describe.skipIf(!installed)('deploy/ AnalysisTemplates on a real Prometheus and real payments instances', () => {
  const errorRate = () => parseAnalysisTemplate(read('analysistemplate-error-rate.yaml'));
  const latency = () => parseAnalysisTemplate(read('analysistemplate-latency-p99.yaml'));

  it('error-rate passes a healthy revision (no 5xx series at all) and an idle one (0/0), fails a failing one', async () => {
    expect(await measure(errorRate(), 'healthy')).toMatchObject({ phase: 'Successful', value: '[0]' });
    expect(await measure(errorRate(), 'idle')).toMatchObject({ phase: 'Successful', value: '[0]' });
    expect(await measure(errorRate(), 'slow')).toMatchObject({ phase: 'Successful', value: '[0]' });
    const failing = await measure(errorRate(), 'failing');
    expect(failing.phase).toBe('Failed');
    const ratio = JSON.parse(failing.value ?? '[]') as number[];
    expect(ratio[0]).toBeGreaterThan(0.2);
    expect(ratio[0]).toBeLessThan(0.8);
  });

  it('latency-p99 passes a healthy and an idle revision, fails a slow one', async () => {
    const healthy = await measure(latency(), 'healthy');
    expect(healthy.phase).toBe('Successful');
    expect((JSON.parse(healthy.value ?? '[]') as number[])[0]).toBeLessThan(0.5);
    expect(await measure(latency(), 'idle')).toMatchObject({ phase: 'Successful', value: '[0]' });
    const slow = await measure(latency(), 'slow');
    expect(slow.phase).toBe('Failed');
    expect((JSON.parse(slow.value ?? '[]') as number[])[0]).toBeGreaterThan(0.5);
  });
});
