// Analysis proofs on one machine: a real Prometheus scraping real payments instances, the engine
// (--dir mode, the fixture Rollout with deploy/'s pre- and post-promotion analysis and deploy/'s
// error-rate and latency-p99 templates at scaled-down timing), load on the active port throughout,
// and zero failed requests:
//  (a) a release with FAULT_ERROR_RATE=0.5 in its own pod template is stopped by pre-promotion
//      analysis and never receives active traffic;
//  (b) a release slow only above 2 requests in flight passes pre-promotion (one-at-a-time preview
//      traffic), is promoted, is caught by post-promotion analysis under the active load, and the
//      active Service switches back to the previous stable revision by itself.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS_BINARY } from '../src/runtime/prometheus.ts';
import { startApiServer } from '../src/api/server.ts';
import { runMain } from './helpers/run-main.ts';
import {
  buildTestRepo,
  createDatabase,
  healthy,
  removeTestRepo,
  status,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { startAnalysisStack, traffic, type AnalysisStack, type Traffic } from './helpers/analysis-stack.ts';

const installed = existsSync(process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY);

let repo: TestRepo | undefined;
let db: { url: string; drop(): Promise<void> } | undefined;
let stack: AnalysisStack;
let load: Traffic | undefined;
const activeSeen = new Set<string>();
let watcher: NodeJS.Timeout | undefined;

beforeAll(async () => {
  if (!installed) return;
  repo = await buildTestRepo('analysis');
  db = await createDatabase('analysis_e2e');
  stack = await startAnalysisStack(repo, db.url);
  await waitForEntry(stack.engine, 'first revision Healthy', healthy, 120_000);
  // Every selector the active router ever had, sampled every 10 ms.
  watcher = setInterval(() => {
    const selector = stack.engine.routers().active.selector;
    if (selector) activeSeen.add(selector);
  }, 10);
  load = traffic(() => stack.engine.serviceUrls().active, 8);
}, 240_000);

afterAll(async () => {
  clearInterval(watcher);
  await load?.stop();
  await stack?.stop();
  await db?.drop();
  removeTestRepo(repo);
});

describe.skipIf(!installed)('AnalysisRuns stop bad releases under load (real Prometheus, real instances)', () => {
  it('(a) FAULT_ERROR_RATE=0.5 is aborted by pre-promotion analysis and never gets active traffic', async () => {
    const stable = status(await stack.engine.get('payments')).stableRS;
    stack.release('bad', { FAULT_ERROR_RATE: '0.5' });
    const smoke = traffic(() => stack.engine.serviceUrls().preview, 1);
    try {
      const entry = await waitForEntry(stack.engine, 'aborted by analysis', (e) => status(e).abort, 120_000);
      const s = status(entry) as ReturnType<typeof status> & {
        blueGreen: { prePromotionAnalysisRunStatus?: { name: string; status: string; message?: string } };
      };
      const bad = s.currentPodHash ?? '';
      expect(bad).not.toBe(stable);
      expect(s.blueGreen.prePromotionAnalysisRunStatus).toMatchObject({
        name: expect.stringMatching(new RegExp(`^payments-${bad}-\\d+-pre$`)) as unknown as string,
        status: 'Failed',
        message: expect.stringMatching(
          /^Metric "error-rate" assessed Failed due to failed \(1\) > failureLimit \(0\)$/,
        ) as unknown as string,
      });
      expect(s.blueGreen.activeSelector).toBe(stable);
      expect(activeSeen.has(bad)).toBe(false);
      const run = stack.engine.analysisRuns()?.get(s.blueGreen.prePromotionAnalysisRunStatus?.name ?? '');
      const failed = run?.status?.metricResults?.find((m) => m.name === 'error-rate');
      expect(failed?.phase).toBe('Failed');
      expect(failed?.measurements?.at(-1)?.phase).toBe('Failed');
      expect(Number(JSON.parse(failed?.measurements?.at(-1)?.value ?? '[0]')[0])).toBeGreaterThan(0.1);

      // The surfaces: `quickship status` (α node), `quickship analysis get`, the API.
      const name = s.blueGreen.prePromotionAnalysisRunStatus?.name ?? '';
      const api = await startApiServer({ engine: stack.engine, port: 0 });
      try {
        const tree = await runMain('--api', api.url, 'status');
        expect(tree.code).toBe(0);
        expect(tree.out).toMatch(
          new RegExp(`α ${name.replace('.', '\\.')}\\s+AnalysisRun\\s+✖ Failed\\s+\\S+\\s+(✔ \\d+,)?✖ 1`),
        );
        const get = await runMain('--api', api.url, 'analysis', 'get', name);
        expect(get.code).toBe(0);
        expect(get.out).toMatch(/^Phase:\s+Failed$/m);
        expect(get.out).toMatch(/^Message:\s+Metric "error-rate" assessed Failed/m);
        expect(get.out).toMatch(/^Metric error-rate: Failed/m);
        expect(get.out).toMatch(/- Failed\s+value=\[0\.\d+\]\s+startedAt=\S+Z\s+finishedAt=\S+Z/);
        const missing = await runMain('--api', api.url, 'analysis', 'get', 'payments-nope-1-pre');
        expect(missing.code).not.toBe(0);
        expect(missing.err).toMatch(/AnalysisRun "payments-nope-1-pre" not found/);
        const listed = (await (await fetch(`${api.url}/api/v1/analysisruns`)).json()) as {
          items: { metadata: { name: string } }[];
        };
        expect(listed.items.map((r) => r.metadata.name)).toContain(name);
      } finally {
        await api.close();
      }
    } finally {
      await smoke.stop();
    }
    expect(load?.failures).toEqual([]);
    expect(load?.failed).toBe(0);
  }, 180_000);

  it('(b) a release slow only under concurrency passes preview, is promoted, caught after the switch and switched back', async () => {
    const stable = status(await stack.engine.get('payments')).stableRS ?? '';
    stack.release('slow', { FAULT_CONCURRENCY_LIMIT: '2', FAULT_CONCURRENCY_LATENCY_MS: '800' });
    const smoke = traffic(() => stack.engine.serviceUrls().preview, 1);
    let slow = '';
    try {
      const passed = await waitForEntry(
        stack.engine,
        'pre-promotion analysis Successful',
        (e) =>
          (status(e) as { blueGreen: { prePromotionAnalysisRunStatus?: { status: string } } }).blueGreen
            .prePromotionAnalysisRunStatus?.status === 'Successful',
        120_000,
      );
      slow = status(passed).currentPodHash ?? '';
    } finally {
      await smoke.stop();
    }
    expect(slow).not.toBe(stable);
    await stack.engine.promote('payments', { full: false });
    await waitForEntry(
      stack.engine,
      'switched to the slow release',
      (e) => status(e).blueGreen.activeSelector === slow,
      60_000,
    );
    const entry = await waitForEntry(
      stack.engine,
      'post-promotion analysis aborts and switches back',
      (e) => status(e).abort && status(e).blueGreen.activeSelector === stable,
      120_000,
    );
    const s = status(entry) as ReturnType<typeof status> & {
      blueGreen: { postPromotionAnalysisRunStatus?: { name: string; status: string; message?: string } };
    };
    expect(s.stableRS).toBe(stable);
    expect(s.blueGreen.postPromotionAnalysisRunStatus).toMatchObject({
      name: `payments-${slow}-${(s.blueGreen.postPromotionAnalysisRunStatus?.name ?? '').split('-')[2]}-post`,
      status: 'Failed',
      message: 'Metric "latency-p99" assessed Failed due to failed (1) > failureLimit (0)',
    });
    expect(activeSeen.has(slow)).toBe(true);
    expect(load?.failures).toEqual([]);
    expect(load?.failed).toBe(0);
    expect(load?.ok).toBeGreaterThan(100);
  }, 240_000);
});
