// npm run bench:analysis — how fast AnalysisRuns stop bad releases, against the floor they are
// bounded by, under load on the active port (failed requests counted; the goal is 0).
// The stack of test/analysis.test.ts: a real Prometheus (scrape interval 1 s) scraping every
// payments instance, the engine (--dir mode) with deploy/'s pre-/post-promotion analysis and its
// error-rate and latency-p99 templates at scaled-down timing (initialDelay 5 s, interval 2 s,
// count 5, failureLimit 0 as deploy/ says). Each repetition releases two new pod-template hashes
// (APP_VERSION bench-bad-N, bench-slow-N), so no query sees an earlier run's samples:
//   bad:  FAULT_ERROR_RATE=0.5 + one-at-a-time preview traffic → pre-promotion analysis aborts.
//         Figure: pre-promotion AnalysisRun created → Rollout aborted. Floor: initialDelay (the
//         first measurement fails; failureLimit 0) — plus up to one scrape interval for the 5xx
//         samples to be in Prometheus.
//   slow: FAULT_CONCURRENCY_LIMIT=2/LATENCY_MS=800; pre-promotion passes on preview traffic, then
//         promote. Figure: promote → active Service back on stable. Floor: initialDelay of the
//         post-promotion run (first measurement fails) — plus up to one scrape interval.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '@quickship/pglocal';
import { buildTestRepo, removeTestRepo, healthy, status, waitForEntry } from '../test/helpers/engine.ts';
import { ANALYSIS_TIMING, startAnalysisStack, traffic } from '../test/helpers/analysis-stack.ts';

const REPS = Number(process.env.REPS ?? 5);

type BlueGreenStatus = {
  activeSelector?: string;
  prePromotionAnalysisRunStatus?: { name: string; status: string; message?: string };
  postPromotionAnalysisRunStatus?: { name: string; status: string; message?: string };
};
const bg = (entry: Awaited<ReturnType<typeof statusOf>>): BlueGreenStatus => entry.blueGreen as BlueGreenStatus;
const statusOf = (e: Parameters<typeof status>[0]) => status(e);

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const max = sorted[sorted.length - 1] ?? Number.NaN;
  return `median ${(median / 1000).toFixed(2)} s, max ${(max / 1000).toFixed(2)} s (${sorted.map((v) => (v / 1000).toFixed(2)).join(', ')})`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'quickship-bench-analysis-'));
  chmodSync(work, 0o755);
  const step = (line: string) => console.log(`· ${line}`);
  step('building the image, starting PostgreSQL, Prometheus and the engine');
  const repo = await buildTestRepo('bench');
  const pg = await startPostgres({ dataDir: join(work, 'pg'), ephemeral: true, settings: { max_connections: '200' } });
  const databaseUrl = await pg.createDatabase('bench');
  const stack = await startAnalysisStack(repo, databaseUrl);
  let load: ReturnType<typeof traffic> | undefined;
  const figures = {
    badStartup: [] as number[],
    badAnalysis: [] as number[],
    slowSwitchBack: [] as number[],
    slowPost: [] as number[],
  };
  try {
    await waitForEntry(stack.engine, 'first revision Healthy', healthy, 180_000);
    load = traffic(() => stack.engine.serviceUrls().active, 8);
    const stable = statusOf(await stack.engine.get('payments')).stableRS ?? '';
    for (let rep = 1; rep <= REPS; rep++) {
      // bad release → aborted by pre-promotion analysis
      const previous = statusOf(await stack.engine.get('payments')).currentPodHash;
      const t0 = performance.now();
      stack.release(`bench-bad-${rep}`, { FAULT_ERROR_RATE: '0.5' });
      const smoke = traffic(() => stack.engine.serviceUrls().preview, 1);
      let created = 0;
      const aborted = await waitForEntry(
        stack.engine,
        'bad release aborted',
        (e) => {
          const s = statusOf(e);
          // The previous release stays aborted until the engine reads the edit: wait for the new hash.
          const fresh = s.currentPodHash !== stable && s.currentPodHash !== previous;
          if (created === 0 && fresh && bg(s).prePromotionAnalysisRunStatus) created = performance.now();
          return fresh && s.abort;
        },
        120_000,
        20,
      );
      await smoke.stop();
      const t1 = performance.now();
      if (bg(statusOf(aborted)).activeSelector !== stable)
        throw new Error('the bad release reached the active Service');
      figures.badStartup.push(created - t0);
      figures.badAnalysis.push(t1 - created);
      step(
        `rep ${rep} bad ${statusOf(aborted).currentPodHash}: ${bg(statusOf(aborted)).prePromotionAnalysisRunStatus?.message}`,
      );

      // slow release → passes preview, promoted, post-promotion aborts, switched back
      const badHash = statusOf(aborted).currentPodHash;
      stack.release(`bench-slow-${rep}`, { FAULT_CONCURRENCY_LIMIT: '2', FAULT_CONCURRENCY_LATENCY_MS: '800' });
      const preview = traffic(() => stack.engine.serviceUrls().preview, 1);
      const passed = await waitForEntry(
        stack.engine,
        'slow release passes pre-promotion',
        (e) =>
          statusOf(e).currentPodHash !== badHash &&
          bg(statusOf(e)).prePromotionAnalysisRunStatus?.status === 'Successful',
        120_000,
        20,
      );
      await preview.stop();
      const slow = statusOf(passed).currentPodHash ?? '';
      const p0 = performance.now();
      await stack.engine.promote('payments', { full: false });
      let switched = 0;
      const back = await waitForEntry(
        stack.engine,
        'slow release switched back',
        (e) => {
          const s = statusOf(e);
          if (switched === 0 && bg(s).activeSelector === slow) switched = performance.now();
          return s.abort && bg(s).activeSelector === stable;
        },
        120_000,
        20,
      );
      const p1 = performance.now();
      figures.slowSwitchBack.push(p1 - p0);
      figures.slowPost.push(p1 - (switched || p0));
      step(`rep ${rep} slow ${slow}: ${bg(statusOf(back)).postPromotionAnalysisRunStatus?.message}`);
    }
  } finally {
    if (process.env.BENCH_LOG) console.log(stack.log.filter((l) => !/Readiness|startup|probe/i.test(l)).join('\n'));
    await load?.stop();
    await stack.stop();
    await pg.stop();
    removeTestRepo(repo);
    rmSync(work, { recursive: true, force: true });
  }
  const floor = ANALYSIS_TIMING.initialDelaySeconds;
  const scrape = ANALYSIS_TIMING.scrapeIntervalSeconds;
  console.log(
    `\nanalysis bench: ${REPS} repetitions, scrape interval ${scrape} s, initialDelay ${floor} s, interval ${ANALYSIS_TIMING.intervalSeconds} s, count ${ANALYSIS_TIMING.count}, failureLimit 0`,
  );
  console.log(
    `bad release: commit → pre-promotion run created (new ReplicaSet available) ${summary(figures.badStartup)}`,
  );
  console.log(
    `bad release: run created → aborted ${summary(figures.badAnalysis)}; floor ${floor} s (initialDelay, first measurement fails) … ${floor + scrape} s (+1 scrape)`,
  );
  console.log(
    `slow release: promote → active switched back ${summary(figures.slowSwitchBack)}; floor ${floor} s (post-promotion initialDelay) … ${floor + scrape} s (+1 scrape)`,
  );
  console.log(`slow release: switch → switched back ${summary(figures.slowPost)}`);
  const over = (values: number[]) => Math.max(...values) / 1000 - (floor + scrape);
  console.log(
    `max above floor+scrape: bad ${over(figures.badAnalysis).toFixed(2)} s, slow ${over(figures.slowSwitchBack).toFixed(2)} s (goal ≤ 2 s)`,
  );
  if (!load) return;
  console.log(`requests on the active port: ${load.ok} ok, ${load.failed} failed`);
  for (const failure of load.failures) console.log(`  failed: ${failure}`);
  if (load.failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
