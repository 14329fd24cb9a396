// The web console end to end, in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the engine in GitOps mode from a real Git repository, with a real Prometheus
// (the engine's own: it scrapes the payments instances by deploy/'s ServiceMonitor and its
// analysis controller measures against it), its loopback API, and the console server in front.
// The test repository's AnalysisTemplates are committed with scaled-down timing (initialDelay 5s,
// interval 2s, count 5, as test/analysis.test.ts) so a run takes seconds. A release is committed;
// the ENGINE creates its pre-promotion AnalysisRun (smoke Job, error-rate, latency-p99); the page
// shows it as preview with the run Running and Promote disabled with the reason, the run
// succeeds, Promote is clicked and confirmed, and the switch shows on the page and on the active
// port. Then a release with FAULT_ERROR_RATE=0.5 on its pod template: the engine's run fails and
// the page shows its measurements (reverted in Git afterwards). Then disabled actions with their
// reasons, the token and CSP rules, reconnection, an OutOfSync app with its diff. Screenshots go to
// .quickship/artifacts/console (gitignored); UPDATE_SCREENSHOT=1 also writes docs/console.png
// while the release's analysis is running.
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
const DOCS_SCREENSHOT = resolve(import.meta.dirname, '../../../docs/console.png');
/** Scaled-down analysis timing (deploy/ says initialDelay 30s, interval 30s, count 4). */
const TIMING = { initialDelay: '5s', interval: '2s', count: 5 };

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let api: ApiServer;
let consoleServer: ConsoleServer;
let prometheus: LocalPrometheus;
let browser: Browser;
let page: Page;
let stopTraffic = false;
let traffic: Promise<void> | undefined;
const figures: Record<string, number> = {};

function editFile(path: string, edit: (text: string) => string): void {
  const file = join(repo.repoDir, path);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

function commitRollout(message: string, edit: (text: string) => string): string {
  editFile(ROLLOUT, edit);
  git(repo.repoDir, 'commit', '-q', '-am', message);
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

type PreRun = { name: string; status: string; message?: string };
/** The engine's record of the current revision's pre-promotion AnalysisRun (Argo's status field). */
async function preRun(): Promise<PreRun | undefined> {
  const s = status(await engine.get('payments')) as ReturnType<typeof status> & {
    blueGreen: { prePromotionAnalysisRunStatus?: PreRun };
  };
  return s.blueGreen.prePromotionAnalysisRunStatus;
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
  for (const template of ['error-rate', 'latency-p99'])
    editFile(`deploy/apps/payments/analysistemplate-${template}.yaml`, (t) =>
      t
        .replace(/initialDelay: 30s/g, `initialDelay: ${TIMING.initialDelay}`)
        .replace(/interval: 30s/g, `interval: ${TIMING.interval}`)
        .replace(/count: 4/g, `count: ${TIMING.count}`),
    );
  commitRollout('test: one replica, analysis in seconds', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
  prometheus = await startPrometheus({
    dir: join(repo.stateDir, 'prometheus'),
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
  });
  engine = await Engine.start({
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    databaseUrl: db.url,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    backoff: { initialSeconds: 0.5, maxSeconds: 2, resetAfterSeconds: 60 },
    gitops: { health: argoHealth, pollMs: 200 },
    prometheus,
    prometheusUrl: prometheus.url,
    log: () => undefined,
  });
  api = await startApiServer({ engine, port: 0 });
  consoleServer = await startConsole({
    apiUrl: api.url,
    port: 0,
    prometheusUrl: () => prometheus.url,
    scrapeIntervalSeconds: 1,
  });
  await waitForEntry(engine, 'first revision Healthy', healthy, 120_000);
  traffic = runTraffic();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 240_000);

afterAll(async () => {
  stopTraffic = true;
  await traffic;
  await browser?.close();
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
    // The engine's analysis controller creates the run as Argo Rollouts names it.
    await expect.poll(async () => (await preRun())?.name ?? '', { timeout: 20_000 }).toMatch(/-pre$/);
    const name = (await preRun())!.name;
    expect(name).toMatch(new RegExp(`^payments-${hash}-\\d+-pre$`));
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
    if (process.env.UPDATE_SCREENSHOT === '1' && (await preRun())?.status === 'Running')
      await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: false });

    // initialDelay 5s + 5 measurements 2s apart, and the smoke Job: seconds, not minutes.
    const t0 = Date.now();
    await expect
      .poll(() => page.locator(`article.run[data-run="${name}"]`).getAttribute('data-phase'), { timeout: 120_000 })
      .toBe('Successful');
    figures.analysisSuccessfulSeconds = Math.round((Date.now() - t0) / 1000);
    expect((await preRun())?.status).toBe('Successful');
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

  it("shows a failing analysis with its measurements (the engine's run of a faulty release)", async () => {
    const stable = status(await engine.get('payments')).stableRS!;
    // Literal env on the new revision's pod template (never the ConfigMap): its FAULT_ERROR_RATE
    // configMapKeyRef becomes value "0.5" (an added duplicate would lose to the later ref, as in
    // Kubernetes, where the last entry of a name wins). Half its /v1 requests answer 500.
    commitRollout('release 0.1.2 (faulty)', (t) => {
      const faulty = t
        .replace(/(name: APP_VERSION\n\s+value: )[0-9.]+/, '$10.1.2')
        .replace(
          /(- name: FAULT_ERROR_RATE\n(\s+))valueFrom:\n\s+configMapKeyRef:\n\s+key: FAULT_ERROR_RATE\n\s+name: payments-config/,
          '$1value: "0.5"',
        );
      expect(faulty).toMatch(/- name: FAULT_ERROR_RATE\n\s+value: "0\.5"/);
      return faulty;
    });
    const aborted = await waitForEntry(engine, 'aborted by analysis', (e) => status(e).abort, 150_000);
    const bad = status(aborted).currentPodHash!;
    expect(bad).not.toBe(stable);
    const failedRun = (await preRun())!;
    expect(failedRun).toMatchObject({ status: 'Failed' });
    expect(failedRun.name).toMatch(new RegExp(`^payments-${bad}-\\d+-pre$`));
    expect(status(aborted).blueGreen.activeSelector).toBe(stable);
    const run = page.locator(`article.run[data-run="${failedRun.name}"]`);
    await expect.poll(() => run.getAttribute('data-phase'), { timeout: 20_000 }).toBe('Failed');
    await expect.poll(() => run.locator('.measurements li.m-failed').count()).toBeGreaterThanOrEqual(1);
    // Which metric fails first is a race (the smoke Job or error-rate after its 5 s initialDelay):
    // the run's message names it, and error-rate's failure condition shows once it has measured.
    expect(await run.textContent()).toMatch(/Metric "(smoke|error-rate|latency-p99)" assessed Failed/);
    const errorRate = engine
      .analysisRuns()
      ?.get(failedRun.name)
      ?.status?.metricResults?.find((m) => m.name === 'error-rate');
    if ((errorRate?.measurements ?? []).length > 0) {
      expect(await run.textContent()).toMatch(/failure: len\(result\) == 1 && result\[0\] > 0\.01/);
      expect(await run.locator('[aria-label="measurements of error-rate"] canvas').count()).toBe(1);
    }
    // The smoke Job's measurements carry no value: listed, never charted.
    expect(await run.locator('[aria-label="measurements of smoke"]').count()).toBe(0);
    await page.evaluate(
      (n) => document.querySelector(`article.run[data-run="${n}"]`)?.scrollIntoView(),
      failedRun.name,
    );
    await shot('5-failed-analysis');

    // Git back to the good release: the template is the stable one again, the abort is cleared.
    git(repo.repoDir, 'revert', '--no-edit', 'HEAD');
    await waitForEntry(
      engine,
      'Healthy on the stable revision again',
      (e) => healthy(e) && status(e).stableRS === stable && !status(e).abort,
      90_000,
    );
  }, 300_000);

  it('shows a disabled action with its reason, and refuses actions without the token', async () => {
    // Healthy and fully promoted: the verb rules refuse Retry (nothing aborted) and Promote full.
    await expect.poll(() => button('retry').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('#reason-retry').textContent()).toBe(
      "rollout 'payments' is not aborted: nothing to retry",
    );
    expect(await page.locator('#reason-promote-full').textContent()).toMatch(/already fully promoted/);
    // Self-heal is on: the Undo button says the controller reverts it; under auto-sync (where Argo
    // CD refuses a history rollback) Rollback is offered as a revert commit, enabled.
    expect(await button('undo').textContent()).toMatch(/self-heal reverts it/);
    expect(await button('rollback').textContent()).toBe('Rollback (revert commit)');
    expect(await button('rollback').getAttribute('aria-disabled')).not.toBe('true');

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
