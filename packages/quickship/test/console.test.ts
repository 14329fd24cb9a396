// The web console end to end, in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the engine in GitOps mode from a real Git repository, its loopback API, a
// real Prometheus scraping the real payments instances, and the console server in front. A
// release is committed, the page shows it as preview with its pre-promotion analysis running and
// Promote disabled with the reason, the analysis succeeds, Promote is clicked and confirmed, and
// the switch shows on the page and on the active port. Then a failing analysis with its
// measurements, an OutOfSync app with its diff, the token and CSP rules. Screenshots go to
// .quickship/artifacts/console (gitignored).
//
// The analysis controller is not wired into the engine yet (analysis/index.ts): this test runs
// the project's real AnalysisRunner with the real Prometheus provider itself and writes each run
// to the live store as the controller will (argoproj.io/v1alpha1 AnalysisRun, Argo's status).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
import { startApiServer, type ApiServer } from '../src/api/server.ts';
import { startConsole } from '../src/console/index.ts';
import type { ConsoleServer } from '../src/console/server.ts';
import { startPrometheus, PROMETHEUS_BINARY, type LocalPrometheus } from '../src/runtime/prometheus.ts';
import { AnalysisRunner } from '../src/analysis/runner.ts';
import { providerMeasure } from '../src/analysis/providers/index.ts';
import type { AnalysisRun } from '../src/analysis/types.ts';
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

const CHROMIUM = '/usr/bin/chromium';
const installed = existsSync(CHROMIUM) && existsSync(PROMETHEUS_BINARY);
const ARTIFACTS = resolve(import.meta.dirname, '../../../.quickship/artifacts/console');
const ROLLOUT = 'deploy/apps/payments/rollout.yaml';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let api: ApiServer;
let consoleServer: ConsoleServer;
let prometheus: LocalPrometheus;
let runner: AnalysisRunner;
let browser: Browser;
let page: Page;
let stopTraffic = false;
let traffic: Promise<void> | undefined;
let targets: ReturnType<typeof setInterval> | undefined;
const figures: Record<string, number> = {};

function commitRollout(message: string, edit: (text: string) => string): string {
  const file = join(repo.repoDir, ROLLOUT);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  git(repo.repoDir, 'commit', '-q', '-am', message);
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

/** Every running instance as a scrape target, labelled as the ServiceMonitor's podTargetLabels do. */
async function syncTargets(): Promise<void> {
  const entry = await engine.get('payments').catch(() => undefined);
  const groups = (entry?.view.revisions ?? []).flatMap((r) =>
    r.pods
      .filter((p) => p.endpoint)
      .map((p) => ({
        targets: [p.endpoint!],
        labels: {
          namespace: 'payments',
          service: 'payments',
          job: 'payments',
          pod: p.name,
          rollouts_pod_template_hash: r.podTemplateHash,
        },
      })),
  );
  await prometheus.setTargets(groups);
}

/** A steady trickle of API requests on both Services, so the golden signals have samples. */
async function runTraffic(): Promise<void> {
  const headers = { authorization: `Bearer ${API_KEY}` };
  while (!stopTraffic) {
    const { active, preview } = engine.serviceUrls();
    await Promise.all(
      [active, preview].map((url) =>
        fetch(`${url}/v1/payments?limit=1`, { headers, signal: AbortSignal.timeout(2000) })
          .then((r) => r.text())
          .catch(() => undefined),
      ),
    );
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A pre-promotion AnalysisRun as Argo Rollouts creates it for `hash` (labels, owner), one Prometheus metric. */
function analysisRun(name: string, hash: string, metric: Record<string, unknown>): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: 'payments',
      labels: { 'rollouts-pod-template-hash': hash, 'rollout-type': 'PrePromotion' },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'payments',
          uid: 'payments',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { metrics: [metric as never] },
  } as AnalysisRun;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

const button = (action: string) => page.locator(`button[data-action="${action}"]`);

beforeAll(async () => {
  if (!installed) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  db = await createDatabase('console');
  repo = await buildTestRepo('0.1.0');
  git(repo.repoDir, 'branch', '-M', 'main');
  commitRollout('test: one replica', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
  engine = await Engine.start({
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    databaseUrl: db.url,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    backoff: { initialSeconds: 0.5, maxSeconds: 2, resetAfterSeconds: 60 },
    gitops: { health: argoHealth, pollMs: 200 },
    log: () => undefined,
  });
  api = await startApiServer({ engine, port: 0 });
  prometheus = await startPrometheus({ dir: join(repo.stateDir, 'prometheus'), scrapeIntervalSeconds: 1 });
  consoleServer = await startConsole({
    apiUrl: api.url,
    port: 0,
    prometheusUrl: () => prometheus.url,
    scrapeIntervalSeconds: 1,
  });
  const store = engine.liveStore();
  runner = new AnalysisRunner({
    measure: providerMeasure({ prometheus: { localUrl: prometheus.url } }),
    onChange: (run) => store.apply(run as never, 'argo-rollouts'),
  });
  await waitForEntry(engine, 'first revision Healthy', healthy, 120_000);
  await syncTargets();
  targets = setInterval(() => void syncTargets().catch(() => undefined), 1000);
  traffic = runTraffic();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 240_000);

afterAll(async () => {
  stopTraffic = true;
  if (targets) clearInterval(targets);
  await traffic;
  await browser?.close();
  await runner?.close();
  await consoleServer?.close();
  await api?.close();
  await engine?.stop();
  await prometheus?.stop();
  await db?.drop();
  removeTestRepo(repo);
  if (Object.keys(figures).length > 0) console.log(`console figures: ${JSON.stringify(figures)}`);
});

describe.skipIf(!installed)('web console in headless Chromium', () => {
  it('renders the active revision fast, with live golden-signal charts', async () => {
    // Baseline on the same loaded machine: what the first render needs from the servers (the page,
    // its script, the four reads) fetched one after the other by Node, without a browser.
    const baselineStart = performance.now();
    const html = await (await fetch(consoleServer.url)).text();
    for (const src of html.matchAll(/src="([^"]+\.js)"/g))
      await (await fetch(`${consoleServer.origin}${src[1]}`)).text();
    for (const path of ['rollouts', 'applications', 'objects?kind=AnalysisRun', 'objects?kind=ReplicaSet'])
      await (await fetch(`${consoleServer.origin}/api/v1/${path}`)).text();
    figures.serverBaselineMs = Math.round(performance.now() - baselineStart);
    const started = Date.now();
    await page.goto(consoleServer.url);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
    const firstRender = await page.evaluate(
      () => performance.getEntriesByName('quickship:first-render')[0]?.startTime ?? -1,
    );
    figures.firstRenderMs = Math.round(firstRender);
    figures.navigationToRenderMs = Date.now() - started;
    // The goal is < 1 s on an idle machine; on this shared 2-core machine the bound is relative to
    // the servers' own baseline measured just before (Chromium's start-up and parse on top).
    expect(firstRender).toBeGreaterThan(0);
    expect(firstRender).toBeLessThan(Math.max(2_000, 4 * figures.serverBaselineMs + 1_500));
    // The token left the address bar (it stays in sessionStorage for the actions).
    expect(page.url()).not.toContain('token=');
    const active = status(await engine.get('payments')).blueGreen.activeSelector!;
    await expect.poll(() => page.locator(`article.revision.active[data-hash="${active}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('#application').textContent()).toMatch(/Synced/);
    await expect.poll(() => page.locator('#connection').textContent()).toBe('live');
    // Live charts: the dashboard's panels, from Prometheus range queries, once samples exist.
    await page.waitForSelector('body[data-signals]:not([data-signals="0"])', { timeout: 60_000 });
    await expect.poll(() => page.locator('#signals canvas').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await shot('1-active');
  }, 120_000);

  it('shows a release as preview with its analysis running and Promote disabled, then promotes it', async () => {
    const before = status(await engine.get('payments')).currentPodHash!;
    commitRollout('release 0.1.1', (t) => t.replace(/(name: APP_VERSION\n\s+value: )0\.1\.0/, '$10.1.1'));
    const paused = await waitForEntry(engine, 'paused for promotion', pausedForPromotion, 120_000);
    const hash = status(paused).currentPodHash!;
    expect(hash).not.toBe(before);
    const name = `payments-${hash}-2-pre`;
    runner.start(
      analysisRun(name, hash, {
        name: 'error-rate',
        interval: '3s',
        count: 8,
        successCondition: 'result[0] <= 0.05',
        failureCondition: 'result[0] > 0.05',
        provider: {
          prometheus: {
            address: 'http://prometheus.monitoring:9090',
            query: `(sum(rate(http_requests_total{rollouts_pod_template_hash="${hash}",route=~"/v1/.*",status_code=~"5.."}[10s])) or vector(0)) / (sum(rate(http_requests_total{rollouts_pod_template_hash="${hash}",route=~"/v1/.*"}[10s])) > 0 or vector(1))`,
          },
        },
      }),
    );
    await expect
      .poll(() => page.locator(`article.revision.preview[data-hash="${hash}"]`).count(), { timeout: 20_000 })
      .toBe(1);
    await expect
      .poll(() => page.locator(`article.run[data-run="${name}"]`).getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('Running');
    await expect.poll(() => button('promote').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('#reason-promote').textContent()).toMatch(
      /pre-promotion analysis .* is Running: promotion waits for it/,
    );
    // Disabled means disabled: a click says why and sends nothing.
    await button('promote').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#action-result').textContent()).toMatch(/Promote: pre-promotion analysis/);
    expect(await page.locator('#confirm').getAttribute('open')).toBeNull();
    expect(status(await engine.get('payments')).currentPodHash).toBe(hash);
    await page.waitForTimeout(2500);
    await shot('2-preview-analysis-running');

    await runner.completed(name, 60_000);
    await expect
      .poll(() => page.locator(`article.run[data-run="${name}"]`).getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('Successful');
    await expect.poll(() => button('promote').getAttribute('aria-disabled')).toBe('false');
    await page.locator(`article.run[data-run="${name}"] canvas`).first().waitFor();
    await shot('3-analysis-successful');

    // Keyboard: focus Promote, Enter opens the confirmation, the confirm button runs it.
    await button('promote').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#confirm').getAttribute('open')).toBe('');
    expect(await page.locator('#confirm-text').textContent()).toMatch(/Promote rollout 'payments'/);
    await page.locator('#confirm-ok').click();
    await expect
      .poll(() => page.locator('#action-result').textContent(), { timeout: 20_000 })
      .toMatch(/Promote: .*promoted/);
    await waitForEntry(
      engine,
      'Healthy on the new revision',
      (e) => healthy(e) && status(e).blueGreen.activeSelector === hash,
      90_000,
    );
    await expect
      .poll(() => page.locator(`article.revision.active[data-hash="${hash}"]`).count(), { timeout: 20_000 })
      .toBe(1);
    await expect.poll(() => page.locator('#timeline').textContent()).toMatch(/switched/);
    const metrics = await (await fetch(`${engine.serviceUrls().active}/metrics`)).text();
    expect(metrics).toMatch(/app_info\{version="0\.1\.1"/);
    await page.waitForTimeout(5500); // one more signals poll: the switch mark is on the charts
    await shot('4-promoted');
  }, 300_000);

  it('shows a failing analysis with its measurements', async () => {
    const hash = status(await engine.get('payments')).currentPodHash!;
    const name = `payments-${hash}-failing-check`;
    // A threshold no real request rate meets: each measurement fails, the run fails at failureLimit 1.
    runner.start(
      analysisRun(name, hash, {
        name: 'request-rate',
        interval: '1s',
        count: 3,
        failureLimit: 1,
        successCondition: 'result[0] >= 1000',
        failureCondition: 'result[0] < 1000',
        provider: {
          prometheus: {
            address: 'http://prometheus.monitoring:9090',
            query: `sum(rate(http_requests_total{rollouts_pod_template_hash="${hash}"}[10s])) or vector(0)`,
          },
        },
      }),
    );
    await runner.completed(name, 60_000);
    const run = page.locator(`article.run[data-run="${name}"]`);
    await expect.poll(() => run.getAttribute('data-phase'), { timeout: 20_000 }).toBe('Failed');
    await expect.poll(() => run.locator('.measurements li.m-failed').count()).toBeGreaterThanOrEqual(2);
    expect(await run.locator('canvas').count()).toBeGreaterThan(0);
    expect(await run.textContent()).toMatch(/failure: result\[0\] < 1000/);
    await page.evaluate((n) => document.querySelector(`article.run[data-run="${n}"]`)?.scrollIntoView(), name);
    await shot('5-failed-analysis');
  }, 120_000);

  it('shows a disabled action with its reason, and refuses actions without the token', async () => {
    // Healthy and fully promoted: the verb rules refuse Retry (nothing aborted) and Promote full.
    await expect.poll(() => button('retry').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('#reason-retry').textContent()).toBe(
      "rollout 'payments' is not aborted: nothing to retry",
    );
    expect(await page.locator('#reason-promote-full').textContent()).toMatch(/already fully promoted/);
    // Self-heal is on: the Undo button says the controller reverts it, Rollback says what to do instead.
    expect(await button('undo').textContent()).toMatch(/self-heal reverts it/);
    expect(await page.locator('#reason-rollback').textContent()).toMatch(/quickship rollback/);

    const noToken = await fetch(`${consoleServer.origin}/api/v1/rollouts/payments/restart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { message: string } }).error.message).toMatch(/token/);
    const patch = await fetch(`${consoleServer.origin}/api/v1/objects/argoproj.io/Rollout/payments/payments`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: '{}',
    });
    expect(patch.status).toBe(405);
    // DNS rebinding: a foreign Host header is refused (fetch would not let us set Host).
    const rebinding = await new Promise<number>((done, fail) =>
      request(`${consoleServer.origin}/`, { headers: { host: 'evil.example:3100' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      })
        .on('error', fail)
        .end(),
    );
    expect(rebinding).toBe(403);
    const index = await fetch(`${consoleServer.origin}/`);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    // The page's own first load: every script it references, gzipped.
    const html = await index.text();
    const { gzipSync } = await import('node:zlib');
    let gz = 0;
    for (const src of html.matchAll(/src="([^"]+\.js)"/g))
      gz += gzipSync(Buffer.from(await (await fetch(`${consoleServer.origin}${src[1]}`)).arrayBuffer())).length;
    figures.firstLoadJsGzipBytes = gz;
    expect(gz).toBeGreaterThan(0);
    expect(gz).toBeLessThan(80_000);
  }, 60_000);

  it('shows "reconnecting" while the engine servers are down and recovers by itself', async () => {
    const port = consoleServer.port;
    const token = consoleServer.token;
    await consoleServer.close();
    await api.close();
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 15_000 }).toMatch(/reconnecting/);
    await shot('8-reconnecting');
    api = await startApiServer({ engine, port: 0 });
    consoleServer = await startConsole({
      apiUrl: api.url,
      port,
      token,
      prometheusUrl: () => prometheus.url,
      scrapeIntervalSeconds: 1,
    });
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 30_000 }).toBe('live');
    const active = status(await engine.get('payments')).blueGreen.activeSelector!;
    await expect.poll(() => page.locator(`article.revision.active[data-hash="${active}"]`).count()).toBe(1);
  }, 60_000);

  it('shows an OutOfSync app with its diff once self-heal is off', async () => {
    // Git turns self-heal off for the payments app (the root app syncs that), then a live edit drifts.
    const file = join(repo.repoDir, 'deploy/argocd/apps/payments.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('selfHeal: true', 'selfHeal: false'));
    git(repo.repoDir, 'commit', '-q', '-am', 'payments: no self-heal');
    const store = engine.liveStore();
    const appRef = { group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' } as const;
    await expect
      .poll(
        () =>
          (store.get(appRef)?.spec as { syncPolicy?: { automated?: { selfHeal?: boolean } } }).syncPolicy?.automated
            ?.selfHeal,
        { timeout: 30_000 },
      )
      .toBe(false);
    // The payments app's controller reads its new spec on its next reconcile (at the new commit):
    // the drift comes after that one, or the old self-heal would still revert it.
    const head = git(repo.repoDir, 'rev-parse', 'HEAD');
    await expect
      .poll(
        () => {
          const st = store.get(appRef)?.status as { sync?: { revision?: string } } | undefined;
          return st?.sync?.revision === head;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    await page.waitForTimeout(1000);
    const ref = { group: 'argoproj.io', kind: 'Rollout', namespace: 'payments', name: 'payments' } as const;
    // An auto-sync of the new commit may still be on its way and re-apply Git over the drift:
    // drift again whenever the app is back in sync, until the page shows the drift and its diff.
    const outOfSync = () =>
      (store.get(appRef)?.status as { sync?: { status?: string } } | undefined)?.sync?.status === 'OutOfSync';
    let shown = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      if (!outOfSync()) store.patch(ref, { spec: { revisionHistoryLimit: 7 } }, 'kubectl-edit');
      shown = (await page.locator('#application').textContent()) ?? '';
      if (/OutOfSync/.test(shown) && /revisionHistoryLimit/.test(shown)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(shown).toMatch(/OutOfSync/);
    expect(shown).toMatch(/revisionHistoryLimit/);
    await page.evaluate(() => document.getElementById('application')?.scrollIntoView());
    await shot('6-out-of-sync-diff');
    expect(await button('undo').textContent()).toBe('Undo');
    // Narrow window: one column, still readable.
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot('7-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 90_000);
});
