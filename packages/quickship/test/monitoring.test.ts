// The engine's Prometheus end to end, in GitOps mode: a real Prometheus scrapes every instance of
// every ReplicaSet with the labels deploy/'s ServiceMonitor gives them in a cluster, follows a new
// revision's instances, loads deploy/'s PrometheusRule from the live store, and the error-ratio
// alert goes pending for a revision that fails its requests (FAULT_ERROR_RATE as a literal env of
// the new template). Its `for: 5m` is too long for a test, so firing is shown with the same
// expression in a PrometheusRule applied to the live store with `for: 1s` (which also proves a
// rule change reloads), and a PrometheusRule promtool refuses is reported and not loaded.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
import { PROMETHEUS_BINARY, startPrometheus, type LocalPrometheus } from '../src/runtime/prometheus.ts';
import { startApiServer, type ApiServer } from '../src/api/server.ts';
import type { AlertsResponse } from '../src/model.ts';
import { git } from './helpers/repo.ts';
import {
  API_KEY,
  API_KEYS,
  buildTestRepo,
  createDatabase,
  healthy,
  pausedForPromotion,
  removeTestRepo,
  status,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { runMain } from './helpers/run-main.ts';

const installed = existsSync(process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY);
const ROLLOUT = 'deploy/apps/payments/rollout.yaml';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let prometheus: LocalPrometheus;
let promDir: string;
let engine: Engine;
let api: ApiServer;
const log: string[] = [];

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<Series[]> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return ((await res.json()) as { data: { result: Series[] } }).data.result;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}\n${log.slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  if (!installed) return;
  db = await createDatabase('monitoring');
  repo = await buildTestRepo('0.1.0');
  git(repo.repoDir, 'branch', '-M', 'main');
  const file = join(repo.repoDir, ROLLOUT);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
  git(repo.repoDir, 'commit', '-q', '-am', 'test: one replica');
  promDir = mkdtempSync(join(tmpdir(), 'quickship-monitoring-'));
  prometheus = await startPrometheus({ dir: promDir, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 });
  engine = await Engine.start({
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    databaseUrl: db.url,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    gitops: { health: argoHealth, pollMs: 200 },
    prometheus,
    prometheusUrl: prometheus.url,
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
  });
  api = await startApiServer({ engine, port: 0 });
  await waitForEntry(engine, 'first revision Healthy', healthy, 120_000);
}, 240_000);

afterAll(async () => {
  await api?.close();
  await engine?.stop();
  await prometheus?.stop();
  if (promDir) rmSync(promDir, { recursive: true, force: true });
  removeTestRepo(repo);
  await db?.drop();
}, 120_000);

describe.skipIf(!installed)("the engine's Prometheus", () => {
  let stableHash = '';

  it("scrapes every instance with the ServiceMonitor's labels (up series)", async () => {
    const [instance] = engine.instances().filter((i) => i.state === 'Running');
    stableHash = instance!.podTemplateHash;
    const [up] = await until('the instance scraped', async () => {
      const result = await query(`up{pod="${instance!.name}"} == 1`);
      return result.length > 0 ? result : undefined;
    });
    expect(up!.metric).toEqual({
      __name__: 'up',
      namespace: 'payments',
      service: 'payments-metrics',
      pod: instance!.name,
      container: 'payments',
      endpoint: 'http',
      job: 'payments-metrics',
      instance: `127.0.0.1:${instance!.port}`,
      rollouts_pod_template_hash: stableHash,
    });
    // The app's own series carry them too: what the PrometheusRule and AnalysisTemplates select on.
    const requests = await query(`process_start_time_seconds{rollouts_pod_template_hash="${stableHash}"}`);
    expect(requests[0]?.metric).toMatchObject({ namespace: 'payments', job: 'payments-metrics' });
    const info = (await (await fetch(`${api.url}/api/v1/engine`)).json()) as {
      analysis: string;
      prometheus: string;
      clusterOnly: string[];
    };
    expect(info).toMatchObject({ analysis: 'enabled', prometheus: prometheus.url });
    expect(info.clusterOnly.filter((o) => /^(ServiceMonitor|PrometheusRule)\//.test(o))).toEqual([]);
    // Argo CD's resource tree: run locally now, not "no local controller: stored and diffed, not run".
    const app = engine
      .liveStore()
      .get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })?.status as {
      resources: { kind: string; health?: { message?: string } }[];
    };
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      const resource = app.resources.find((r) => r.kind === kind);
      expect(resource).toBeDefined();
      expect(resource?.health?.message ?? '').not.toMatch(/no local controller/);
    }
  }, 90_000);

  it("loads deploy/'s PrometheusRule from the live store and says so in status", async () => {
    const rules = await until('the rule group loaded', async () => {
      const res = await fetch(`${prometheus.url}/api/v1/rules`);
      const groups = ((await res.json()) as { data: { groups: { name: string; rules: { name: string }[] }[] } }).data
        .groups;
      return groups.find((g) => g.name === 'payments.golden-signals');
    });
    expect(rules.rules.map((r) => r.name)).toEqual([
      'PaymentsLatencyP99High',
      'PaymentsTrafficDropped',
      'PaymentsErrorRatioHigh',
      'PaymentsDatabasePoolSaturated',
      'PaymentsEventLoopLagHigh',
    ]);
    const notes = (await engine.get('payments')).view.notes;
    expect(notes).toContain('local: PrometheusRule payments-payments-golden-signals loaded as a rule file (5 rules)');
    expect(notes.some((n) => n.startsWith(`local: Prometheus ${prometheus.url} scrapes 1 target`))).toBe(true);
  }, 60_000);

  it("a failing revision's instances are scraped as they start, and its 5xx make the error-ratio alert pend", async () => {
    const file = join(repo.repoDir, ROLLOUT);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/^( {14}value: )0\.1\.0$/m, '$10.1.1-faulty')
        .replace(
          / {12}- name: FAULT_ERROR_RATE\n {14}valueFrom:\n {16}configMapKeyRef:\n {18}key: FAULT_ERROR_RATE\n {18}name: payments-config\n/,
          '            - name: FAULT_ERROR_RATE\n              value: "1"\n',
        ),
    );
    expect(readFileSync(file, 'utf8')).toContain('value: "1"');
    git(repo.repoDir, 'commit', '-q', '-am', 'test: a revision that fails every request');
    const entry = await waitForEntry(engine, 'the faulty revision behind preview', pausedForPromotion, 120_000);
    const newHash = status(entry).currentPodHash!;
    expect(newHash).not.toBe(stableHash);
    await until('both revisions scraped', async () => {
      const result = await query('up{job="payments-metrics"} == 1');
      const hashes = new Set(result.map((s) => s.metric['rollouts_pod_template_hash']));
      return hashes.has(stableHash) && hashes.has(newHash) ? true : undefined;
    });

    const preview = engine.serviceUrls().preview;
    const traffic = async (): Promise<void> => {
      await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${preview}/v1/payments?limit=1`, { headers: { authorization: `Bearer ${API_KEY}` } }).then((r) =>
            r.text(),
          ),
        ),
      );
    };
    // Traffic goes on until the rule sees the ratio (prom-client creates the 5xx series at the
    // first 5xx; rate() needs two samples of it), at most 60 s.
    const alert = await until('PaymentsErrorRatioHigh pending', async () => {
      await traffic();
      const { alerts } = await engine.alerts();
      return alerts.find((a) => a.name === 'PaymentsErrorRatioHigh');
    });
    expect(alert).toMatchObject({
      state: 'pending', // for: 5m
      labels: { service: 'payments', severity: 'page', signal: 'errors' },
    });
    expect(Number(alert.value)).toBeGreaterThan(0.5);
    expect(alert.summary).toMatch(/^payments 5xx ratio at \d+(\.\d+)?%$/);
    expect(Date.parse(alert.activeAt!)).toBeGreaterThan(Date.now() - 120_000);

    // The same expression with a short `for:`, applied to the live store: reloaded, and it fires.
    const rule = engine.liveStore().get({
      group: 'monitoring.coreos.com',
      kind: 'PrometheusRule',
      namespace: 'payments',
      name: 'payments-golden-signals',
    })!;
    const errorRule = (rule.spec as { groups: { rules: { alert?: string; expr: string }[] }[] }).groups[0]!.rules.find(
      (r) => r.alert === 'PaymentsErrorRatioHigh',
    )!;
    engine.liveStore().apply(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'test-fast', namespace: 'payments' },
        spec: {
          groups: [
            {
              name: 'test.fast',
              rules: [
                {
                  alert: 'PaymentsErrorRatioHighNow',
                  expr: errorRule.expr,
                  for: '1s',
                  labels: { severity: 'page' },
                  annotations: { summary: 'now' },
                },
              ],
            },
          ],
        },
      },
      'test',
    );
    const firing = await until('PaymentsErrorRatioHighNow firing', async () => {
      await traffic();
      const { alerts } = await engine.alerts();
      return alerts.find((a) => a.name === 'PaymentsErrorRatioHighNow' && a.state === 'firing');
    });
    expect(firing.summary).toBe('now');

    // Over the API and the CLI.
    const body = (await (await fetch(`${api.url}/api/v1/alerts`)).json()) as AlertsResponse;
    expect(body.prometheus).toBe(prometheus.url);
    expect(body.alerts.map((a) => a.name)).toEqual(
      expect.arrayContaining(['PaymentsErrorRatioHigh', 'PaymentsErrorRatioHighNow']),
    );
    const cli = await runMain('--api', api.url, 'alerts');
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/^ALERT\s+STATE\s+ACTIVE\s+VALUE\s+SUMMARY\s+LABELS$/m);
    expect(cli.out).toMatch(/^PaymentsErrorRatioHighNow\s+firing\s/m);
    expect(cli.out).toMatch(/^PaymentsErrorRatioHigh\s+pending\s.*payments 5xx ratio at/m);
  }, 240_000);

  it('a PrometheusRule promtool refuses is reported and not loaded; the others stay loaded', async () => {
    engine.liveStore().apply(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'broken', namespace: 'payments' },
        spec: { groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum((' }] }] },
      },
      'test',
    );
    const note = await until('the refusal in status', async () =>
      (await engine.get('payments')).view.notes.find((n) => n.startsWith('PrometheusRule payments-broken')),
    );
    expect(note).toMatch(/is not loaded \(promtool check rules: .*parse error/);
    const res = await fetch(`${prometheus.url}/api/v1/rules`);
    const names = ((await res.json()) as { data: { groups: { name: string }[] } }).data.groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['payments.golden-signals', 'test.fast']));
    expect(names).not.toContain('broken');
  }, 60_000);
});
