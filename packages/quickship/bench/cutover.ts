// `npm run bench:cutover`: the local engine's zero-downtime figures, measured in one run.
//   1. Proxy overhead: the same single payments instance reached directly, through the engine's
//      router (the active Service) and through HAProxy (Debian package, http mode, keep-alive on
//      both sides, one thread like the router's one event loop, X-Forwarded-For/-Proto added like
//      the router does), interleaved rounds, medians; plus each proxy's CPU µs per request
//      (/proc/<pid>/stat). The router runs inside the engine process (probes, API, the preview
//      Service), so the CPU that process uses when idle, measured first, is subtracted.
//      Client: wrk (/usr/bin/wrk, one thread, 16 connections; payments via a Lua script with an
//      Idempotency-Key per request). Why not the Node loadgen: it costs ~200 µs of CPU per
//      request, and on a 2-core machine client, proxy and instance share the cores, so with it
//      the throughput ratio mostly measures the client (every proxy looks alike) — wrk costs a
//      few µs and lets the proxies' own cost show. Without wrk (WRK_BIN, default /usr/bin/wrk) the
//      comparison falls back to the Node loadgen and says so. BENCH_PROXY_CLIENT=loadgen forces it.
//   2. Cutover cycles under steady POST /v1/payments load with Idempotency-Keys: per cycle a new
//      revision is promoted, another is aborted, retried and promoted, and an undo rolls back.
//      Measures promote → switch, undo → switch-back, abort → applied, and counts every request.
// The engine runs as a real `quickship up` child process in GitOps mode, as `npm start` runs it
// (its router has its own event loop, as HAProxy has its own process); this process only
// generates load, commits and measures. Every new revision is a commit on the scratch
// repository's main branch (the Applications' targetRevision), synced by the application
// controller. Two local choices, committed to the scratch repository: the payments Application's
// selfHeal is off, so the plugin's undo measured here stays (with selfHeal on, the controller
// would revert it: `test/cli.test.ts` shows that), and `up --no-analysis` with full promotions, so
// a cycle does not wait on deploy/'s 30 s × 4 analysis (bench:analysis measures analysis).
// Env: BENCH_CYCLES (10), BENCH_MIN_REQUESTS (20000: more cycles run until that many were sent,
// at most 3× BENCH_CYCLES), BENCH_CONNECTIONS (8), BENCH_ROUNDS (3), BENCH_SECONDS (4 per round),
// BENCH_PROXY_CLIENT (wrk; `loadgen` forces the Node loadgen), WRK_BIN, HAPROXY_BIN.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startPostgres } from '@quickship/pglocal';
import { runLoad, verifyPayments, describeLedger, wrkAvailable } from '@quickship/loadgen';
import { LocalEngineClient } from '../src/api/client.ts';
import { GitOpsClient } from '../src/api/gitops-client.ts';
import { rolloutAddress } from '../src/cli/commands/rollout-address.ts';
import type { RolloutEntry } from '../src/api/protocol.ts';
import { LocalRegistry } from '../src/runtime/registry.ts';
import { CHECKOUT, copyCheckoutToRepo, git } from '../test/helpers/repo.ts';
import {
  API_KEY,
  API_KEYS,
  healthy,
  pausedForPromotion,
  status,
  storedPayments,
  waitForEntry,
} from '../test/helpers/engine.ts';
import { commitAppVersion, commitRollout } from '../test/helpers/gitops.ts';
import { startUp } from '../test/helpers/up-process.ts';
import { startHaproxy } from './haproxy.ts';
import { startRevisionProbe } from './revision-probe.ts';
import { cpuMicros } from './proc-cpu.ts';
import { median, printReport, type CutoverFigures, type ProxyFigures } from './report.ts';
import { runWrk, type WrkResult } from './wrk.ts';

const CYCLES = Number(process.env.BENCH_CYCLES ?? 10);
const MIN_REQUESTS = Number(process.env.BENCH_MIN_REQUESTS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

const step = (line: string): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'quickship-bench-'));
  chmodSync(work, 0o755);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    step('copying the working tree into a scratch repository and building it');
    const repoDir = copyCheckoutToRepo('quickship-bench-repo-');
    cleanups.push(async () => rmSync(repoDir, { recursive: true, force: true }));
    const stateDir = join(work, 'state');
    // The Rollout's own tag (0.1.0), built from this checkout before `up` starts.
    await new LocalRegistry({ repoDir, registryDir: join(stateDir, 'registry') }).build({ tag: '0.1.0' });
    const pg = await startPostgres({
      dataDir: join(work, 'pg'),
      ephemeral: true,
      settings: { max_connections: '300' },
    });
    cleanups.push(() => pg.stop());
    const databaseUrl = await pg.createDatabase('bench');
    // One instance for the proxy comparison, so direct, router and HAProxy all reach the same process.
    commitRollout(repoDir, 'bench: one replica', (text) => text.replace(/^ {2}replicas: \d+$/m, '  replicas: 1'));
    const app = join(repoDir, 'deploy/argocd/apps/payments.yaml');
    writeFileSync(app, readFileSync(app, 'utf8').replace('selfHeal: true', 'selfHeal: false'));
    git(repoDir, 'commit', '-q', '-am', 'bench: selfHeal off, so the undo measured here stays');

    step('starting quickship up');
    const up = await startUp(
      ['--repo', repoDir, '--state-dir', stateDir, '--database-url', databaseUrl, '--no-analysis'],
      { env: { PAYMENTS_API_KEYS: API_KEYS } },
    );
    cleanups.unshift(() => up.stop());
    const client = new LocalEngineClient(up.api);
    const until = (what: string, check: (e: RolloutEntry) => boolean) => waitFor(client, what, check);
    const first = await until('Healthy with one instance', (e) => healthy(e) && readyPods(e) === 1);
    const endpoint = first.view.revisions.flatMap((r) => r.pods).find((p) => p.ready)!.endpoint!;

    const haproxyPort = await freePort();
    const haproxy = await startHaproxy({
      listenPort: haproxyPort,
      targetPort: Number(endpoint.split(':')[1]),
      threads: 1,
    });
    cleanups.unshift(() => haproxy.stop());
    const proxies = await compareProxies({
      direct: { url: `http://${endpoint}` },
      router: { url: up.active, pid: up.child.pid },
      haproxy: { url: haproxy.url, pid: haproxy.pid },
    });
    await haproxy.stop();

    step('scaling to two replicas for the cutover cycles');
    // spec.replicas is the HPA's in the payments Application (ignoreDifferences): scaled as kubectl scale does.
    const gitops = new GitOpsClient(up.api);
    await gitops.patch(await rolloutAddress(gitops, 'payments'), { spec: { replicas: 2 } }, 'kubectl');
    await until('Healthy with two instances', (e) => healthy(e) && readyPods(e) === 2);
    const cutover = await cutoverCycles(client, up.active, repoDir, databaseUrl);

    const figures = {
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, loadavg: (await import('node:os')).loadavg() },
      proxies,
      cutover,
    };
    printReport(figures);
    const out = resolve(CHECKOUT, '.quickship', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'cutover.json'), JSON.stringify(figures, null, 2) + '\n');
    console.log(`\nwrote ${join(out, 'cutover.json')}`);
    if (cutover.failed > 0 || !cutover.ledgerOk) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => step(`cleanup: ${(error as Error).message}`));
    rmSync(work, { recursive: true, force: true });
  }
}

interface ProxyTarget {
  readonly url: string;
  /** The process whose CPU is the proxy's cost (none for direct). */
  readonly pid?: number;
}

interface Round extends WrkResult {
  readonly cpuUsPerRequest: number | undefined;
}

/** Interleaved rounds (direct, router, HAProxy) of two workloads; the median round of each. */
async function compareProxies(targets: Record<'direct' | 'router' | 'haproxy', ProxyTarget>): Promise<ProxyFigures> {
  const workloads = {
    'GET /healthz': { kind: 'get', path: '/healthz' },
    'POST /v1/payments': { kind: 'payments', apiKey: API_KEY },
  } as const;
  const wrk = process.env.BENCH_PROXY_CLIENT !== 'loadgen' && wrkAvailable();
  const client = wrk ? 'wrk (1 thread)' : 'Node loadgen';
  if (!wrk)
    step(
      process.env.BENCH_PROXY_CLIENT === 'loadgen'
        ? 'proxy comparison with the Node loadgen (BENCH_PROXY_CLIENT=loadgen)'
        : 'wrk not found (WRK_BIN): the proxy comparison uses the Node loadgen, whose own CPU cost compresses the differences',
    );
  const once = async (
    url: string,
    workload: (typeof workloads)[keyof typeof workloads],
    seconds: number,
  ): Promise<WrkResult> => {
    if (wrk) return runWrk({ url, connections: 16, seconds, workload });
    const { report } = await runLoad({
      targets: url,
      connections: 16,
      durationMs: seconds * 1000,
      workload,
      retry: { maxAttempts: 1 },
    });
    return {
      requests: report.attempts.sent,
      rps: report.throughput.responsesPerSec,
      p50Ms: report.latency.p50Ms,
      p99Ms: report.latency.p99Ms,
      errors: report.attempts.sent - report.attempts.ok,
    };
  };
  // CPU each process uses without load (µs per second), subtracted from its per-request figure.
  const idle: Record<string, number> = {};
  const idleBefore = Object.fromEntries(Object.entries(targets).map(([target, { pid }]) => [target, cpuMicros(pid)]));
  const idleStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  for (const [target, { pid }] of Object.entries(targets)) {
    const before = idleBefore[target];
    const after = cpuMicros(pid);
    if (before !== undefined && after !== undefined)
      idle[target] = ((after - before) * 1000) / (performance.now() - idleStart);
  }
  if (idle.router !== undefined)
    step(
      `idle CPU: engine (router) ${(idle.router / 10_000).toFixed(1)}%, HAProxy ${((idle.haproxy ?? 0) / 10_000).toFixed(1)}% of a core`,
    );
  const results: Record<string, Record<string, Round[]>> = {};
  for (const [name, workload] of Object.entries(workloads)) {
    results[name] = {};
    for (const [target, { url }] of Object.entries(targets)) {
      await once(url, workload, 1); // warm-up: connections, JIT
      results[name]![target] = [];
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [target, { url, pid }] of Object.entries(targets)) {
        step(`${name} round ${round}/${ROUNDS}: ${target}`);
        const before = cpuMicros(pid);
        const started = performance.now();
        const result = await once(url, workload, SECONDS);
        const after = cpuMicros(pid);
        const idleUs = ((idle[target] ?? 0) * (performance.now() - started)) / 1000;
        const cpuUsPerRequest =
          before === undefined || after === undefined || result.requests === 0
            ? undefined
            : (after - before - idleUs) / result.requests;
        results[name]![target]!.push({ ...result, cpuUsPerRequest });
      }
    }
  }
  const figures: ProxyFigures = {};
  for (const [name, byTarget] of Object.entries(results)) {
    figures[name] = {};
    for (const [target, rounds] of Object.entries(byTarget)) {
      const cpu = rounds.map((r) => r.cpuUsPerRequest).filter((us): us is number => us !== undefined);
      figures[name]![target] = {
        rps: median(rounds.map((r) => r.rps)),
        p50Ms: median(rounds.map((r) => r.p50Ms)),
        p99Ms: median(rounds.map((r) => r.p99Ms)),
        errors: rounds.reduce((n, r) => n + r.errors, 0),
        ...(cpu.length > 0 ? { cpuUsPerRequest: median(cpu) } : {}),
        client,
      };
    }
  }
  return figures;
}

async function cutoverCycles(
  client: LocalEngineClient,
  active: string,
  repoDir: string,
  databaseUrl: string,
): Promise<CutoverFigures> {
  const until = (what: string, check: (e: RolloutEntry) => boolean) => waitFor(client, what, check);
  const probe = startRevisionProbe(active);
  const stop = new AbortController();
  let sent = 0;
  const load = runLoad({
    targets: active,
    connections: CONNECTIONS,
    durationMs: 590_000,
    workload: { kind: 'payments', apiKey: API_KEY },
    signal: stop.signal,
    onAttempt: () => void sent++,
  });
  const promoteMs: number[] = [];
  const promoteVerbMs: number[] = [];
  const undoVerbMs: number[] = [];
  const undoMs: number[] = [];
  const abortMs: number[] = [];
  let abortedServed = 0;
  try {
    let cycle = 0;
    while (cycle < CYCLES || (sent < MIN_REQUESTS && cycle < 3 * CYCLES)) {
      cycle++;
      // Promote: the active Service switches to revision a.
      const stable = status(await client.get('payments')).stableRS;
      commitAppVersion(repoDir, `c${cycle}a`);
      const a = status(
        await until(`cycle ${cycle}: a paused`, (e) => pausedForPromotion(e) && status(e).currentPodHash !== stable),
      ).currentPodHash!;
      let t0 = performance.now();
      await client.promote('payments', { full: true });
      // The engine switches the selector inside the verb call: its round trip bounds the switch itself.
      promoteVerbMs.push(performance.now() - t0);
      promoteMs.push((await probe.firstAnswerFrom(a, t0, 10_000)) - t0);
      await until(`cycle ${cycle}: a Healthy`, (e) => healthy(e) && status(e).stableRS === a);

      // Abort: revision b never takes traffic on the active Service; retry and promote it.
      commitAppVersion(repoDir, `c${cycle}b`);
      const b = status(
        await until(`cycle ${cycle}: b paused`, (e) => pausedForPromotion(e) && status(e).currentPodHash !== a),
      ).currentPodHash!;
      t0 = performance.now();
      await client.abort('payments');
      // The engine applies a verb within the call (status written, reconciled): its round trip is the latency.
      abortMs.push(performance.now() - t0);
      await until(`cycle ${cycle}: aborted`, (e) => status(e).abort && status(e).phase === 'Degraded');
      abortedServed += probe.answersFrom(b, t0);
      await client.retry('payments');
      await until(`cycle ${cycle}: b paused again`, (e) => pausedForPromotion(e) && status(e).currentPodHash === b);
      await client.promote('payments', { full: true });
      await until(`cycle ${cycle}: b Healthy`, (e) => healthy(e) && status(e).stableRS === b);

      // Undo: back to a, whose ReplicaSet is still up (scaleDownDelaySeconds): an immediate switch back.
      t0 = performance.now();
      await client.undo('payments', {});
      undoVerbMs.push(performance.now() - t0);
      undoMs.push((await probe.firstAnswerFrom(a, t0, 10_000)) - t0);
      await until(`cycle ${cycle}: undo Healthy`, (e) => healthy(e) && status(e).stableRS === a);
      step(
        `cycle ${cycle} (${sent} requests): promote→switch ${promoteMs.at(-1)!.toFixed(1)} ms, abort applied ${abortMs.at(-1)!.toFixed(0)} ms, undo→switch-back ${undoMs.at(-1)!.toFixed(1)} ms`,
      );
    }
  } finally {
    stop.abort();
    await probe.stop();
  }
  const { report, payments } = await load;
  const ledger = await verifyPayments({
    target: active,
    apiKey: API_KEY,
    outcome: payments,
    stored: () => storedPayments(databaseUrl),
    fetchEach: 200,
    allowForeign: true,
  }); // the proxy rounds' payments are another run's
  if (!ledger.ok) step(describeLedger(ledger));
  return {
    cycles: promoteMs.length,
    connections: CONNECTIONS,
    sent: report.attempts.sent,
    failed: report.attempts.sent - report.attempts.ok,
    logicalFailed: report.logical.failed,
    payments: report.logical.succeeded,
    ledgerOk: ledger.ok,
    seconds: report.elapsedMs / 1000,
    p99Ms: report.latency.p99Ms,
    promoteSwitchMs: promoteMs,
    promoteVerbMs,
    undoSwitchBackMs: undoMs,
    undoVerbMs,
    abortAppliedMs: abortMs,
    abortedRevisionAnswersOnActive: abortedServed,
  };
}

/** Polls the engine's `get payments` every 20 ms until `check` holds (at most 3 minutes). */
const waitFor = (client: LocalEngineClient, what: string, check: (e: RolloutEntry) => boolean): Promise<RolloutEntry> =>
  waitForEntry(client, what, check, 180_000, 20);

const readyPods = (e: RolloutEntry): number =>
  e.view.revisions
    .filter((r) => r.markers.includes('active'))
    .flatMap((r) => r.pods)
    .filter((p) => p.ready).length;

await main();
