// `npm run bench`: payments/s of the real service against its own private PostgreSQL, compared
// with pgbench's single-row INSERT TPS on the same cluster in the same run. Prints a table, writes
// .quickship/bench/payments.json, exits 1 when the ratio falls below the floor (0.3).
//
// Why BENCH_INSTANCES defaults to 2 on a 2-core machine (two event loops overlap while commits
// wait for WAL flushes): measured in README.md.
// The HTTP client is wrk when installed (BENCH_CLIENT=wrk|loadgen; why in @quickship/loadgen's wrk.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cpuAccountingAvailable,
  formatReport,
  processesCpuMs,
  reapedChildrenCpuMs,
  wrkAvailable,
  WRK_BIN,
} from '@quickship/loadgen';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { postgresCpuMs } from './cpu-usage.ts';
import { runPaymentsPhase, type BenchClient } from './payments-load.ts';
import { assembleImageApp } from '../../../test/image/assemble.ts';
import { formatFigures, medianRound, RATIO_FLOOR, verdictOf, type BenchFigures, type RoundFigures } from './figures.ts';
import { runPgbenchInserts } from './pgbench.ts';
import { migrate } from '@quickship/payments';
import { REPO_ROOT, spawnServer, type ServerProcess } from '../test/support.ts';
import { countStoredPayments } from './stored-payments.ts';

class BenchSettingError extends Error {
  constructor(name: string, value: string, allowed: string) {
    super(`${name}="${value}" is not allowed: use ${allowed}`);
    this.name = 'BenchSettingError';
  }
}

function setting(name: string, fallback: number, min: number, max: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BenchSettingError(name, value, `an integer from ${min} to ${max}`);
  return n;
}

/**
 * How the service runs: `image` (default) is what the container runs, the Dockerfile's esbuild
 * bundle (`node services/payments/dist/server.mjs`, assembled by test/image/assemble.ts);
 * `source` is the development path (`node --import tsx src/server.ts`), ~10% more CPU per
 * request (tsx keeps function names with a wrapper on every closure it creates).
 */
function serverKind(): 'image' | 'source' {
  const wanted = process.env.BENCH_SERVER ?? 'image';
  if (wanted !== 'image' && wanted !== 'source') throw new BenchSettingError('BENCH_SERVER', wanted, 'image or source');
  return wanted;
}

function serverCommand(kind: 'image' | 'source'): {
  label: string;
  node?: { args: string[]; cwd: string };
  dispose(): void;
} {
  if (kind === 'source') return { label: 'source (tsx)', dispose() {} };
  const scratch = join(REPO_ROOT, 'node_modules', '.cache', 'quickship-bench');
  mkdirSync(scratch, { recursive: true });
  const app = assembleImageApp(mkdtempSync(join(scratch, 'app-')));
  return {
    label: 'image bundle (dist/server.mjs)',
    node: { args: [app.entry('server')], cwd: app.dir },
    dispose: () => rmSync(app.dir, { recursive: true, force: true }),
  };
}

function benchClient(): BenchClient {
  const wanted = process.env.BENCH_CLIENT ?? '';
  if (wanted !== '' && wanted !== 'wrk' && wanted !== 'loadgen')
    throw new BenchSettingError('BENCH_CLIENT', wanted, 'wrk or loadgen');
  if (wanted === 'loadgen') return 'loadgen';
  if (wrkAvailable()) return 'wrk';
  if (wanted === 'wrk')
    throw new BenchSettingError(
      'BENCH_CLIENT',
      wanted,
      `loadgen, or install wrk (apt-get install -y wrk; looked for ${WRK_BIN})`,
    );
  console.log(
    `bench: wrk not found at ${WRK_BIN} (apt-get install -y wrk): using @quickship/loadgen, whose own CPU lowers the figures`,
  );
  return 'loadgen';
}

/** Every setting, read before anything starts: a typo costs no PostgreSQL start or bundle build. */
function readSettings() {
  return {
    seconds: setting('BENCH_SECONDS', 10, 1, 600),
    rounds: setting('BENCH_ROUNDS', 3, 1, 20),
    warmupSeconds: setting('BENCH_WARMUP_SECONDS', 3, 0, 60),
    connections: setting('BENCH_CONNECTIONS', 32, 1, 256),
    instances: setting('BENCH_INSTANCES', 2, 1, 8),
    poolMax: setting('BENCH_DB_POOL_MAX', 0, 0, 100), // 0: the connections spread over the instances
    server: serverKind(),
    client: benchClient(),
  };
}

async function main(): Promise<number> {
  const settings = readSettings();
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const log = (line: string): void => console.log(`bench: ${line}`);
  let cluster: PostgresCluster | undefined;
  const services: ServerProcess[] = [];
  let server: ReturnType<typeof serverCommand> | undefined;
  try {
    log(`${availableParallelism()} cores; starting a private PostgreSQL`);
    cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'quickship-bench-pg-')), ephemeral: true });
    const databaseUrl = await cluster.createDatabase('payments_bench');
    await migrate(databaseUrl);

    const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
    const poolMax = settings.poolMax || Math.ceil(settings.connections / settings.instances);
    const env = {
      DB_POOL_MAX: String(poolMax),
      PAYMENTS_API_KEYS: `bench:${apiKey}`,
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: '0',
    };
    server = serverCommand(settings.server);
    for (let i = 0; i < settings.instances; i += 1)
      services.push(await spawnServer({ databaseUrl, env, node: server.node }));
    const targets = services.map((s) => s.url);
    log(`${settings.instances} service process(es), ${server.label}, at ${targets.join(', ')}, DB_POOL_MAX=${poolMax}`);

    const { client } = settings;
    const phase = { targets, connections: settings.connections, apiKey, signal: stop.signal };
    if (settings.warmupSeconds > 0) {
      log(`warming up for ${settings.warmupSeconds} s`);
      await runPaymentsPhase(client, { ...phase, seconds: settings.warmupSeconds, runId: 'warmup' });
    }
    // Rounds alternate the two measurements (payments, then pgbench), so both sides of each
    // round's ratio see the same neighbours on a shared machine; the median round is reported.
    const servicePids = services.map((s) => s.pid);
    const cpu = cpuAccountingAvailable();
    const per = (ms: number, n: number): number => (n > 0 ? ms / n : 0);
    const rounds: RoundFigures[] = [];
    for (let round = 1; round <= settings.rounds && !stop.signal.aborted; round += 1) {
      log(
        `round ${round}/${settings.rounds}: payments for ${settings.seconds} s with ${settings.connections} connections (client: ${client})`,
      );
      const before = cpu
        ? { service: processesCpuMs(servicePids), postgres: postgresCpuMs(cluster.dataDir) }
        : undefined;
      const load = await runPaymentsPhase(client, { ...phase, seconds: settings.seconds, runId: `bench${round}` });
      const paymentCpu = before && {
        service: processesCpuMs(servicePids) - before.service,
        postgres: postgresCpuMs(cluster.dataDir) - before.postgres,
      };
      const paymentsLoad = loadavg()[0]!;
      if (load.report) console.log(formatReport(load.report));
      const stored = await countStoredPayments(databaseUrl, load.keyPrefix);
      if (stored < load.figures.succeeded)
        log(`WARNING: ${load.figures.succeeded} payments acknowledged but only ${stored} stored with this run's keys`);
      if (stop.signal.aborted) break;

      log(
        `round ${round}/${settings.rounds}: pgbench single-row INSERT, ${settings.connections} clients, ${settings.seconds} s`,
      );
      const pgBefore = cpu ? { postgres: postgresCpuMs(cluster.dataDir), children: reapedChildrenCpuMs() } : undefined;
      const pgbench = await runPgbenchInserts({
        binDir: cluster.binDir,
        databaseUrl,
        clients: settings.connections,
        seconds: settings.seconds,
      });
      const insertCpu = pgBefore && {
        postgres: postgresCpuMs(cluster.dataDir) - pgBefore.postgres,
        pgbench: reapedChildrenCpuMs() - pgBefore.children,
      };
      const paid = load.figures.succeeded;
      const ratio = load.figures.perSec / pgbench.tps;
      rounds.push({
        payments: load.figures,
        pgbench: { ...pgbench, clients: settings.connections },
        ratio,
        cpuMsPer:
          paymentCpu && insertCpu
            ? {
                payment: {
                  service: per(paymentCpu.service, paid),
                  postgres: per(paymentCpu.postgres, paid),
                  client: per(load.clientCpuMs, paid),
                },
                insert: {
                  postgres: per(insertCpu.postgres, pgbench.transactions),
                  pgbench: per(insertCpu.pgbench, pgbench.transactions),
                },
              }
            : undefined,
        loadAverage: { payments: paymentsLoad, pgbench: loadavg()[0]! },
      });
      log(
        `round ${round}: ${load.figures.perSec.toFixed(1)} payments/s, ${pgbench.tps.toFixed(1)} inserts/s, ratio ${ratio.toFixed(3)}`,
      );
    }
    if (stop.signal.aborted || rounds.length === 0) return 130;
    const median = medianRound(rounds);
    const figures: BenchFigures = {
      seconds: settings.seconds,
      connections: settings.connections,
      instances: settings.instances,
      client,
      ...median,
      verdict: verdictOf(median.ratio),
      rounds: rounds.map((r) => ({ paymentsPerSec: r.payments.perSec, insertTps: r.pgbench.tps, ratio: r.ratio })),
    };
    const ratio = figures.ratio;
    console.log(`\n${formatFigures(figures)}\n`);
    const outDir = join(REPO_ROOT, '.quickship', 'bench');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      join(outDir, 'payments.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), cores: availableParallelism(), ...figures }, null, 2)}\n`,
    );
    log(`figures written to .quickship/bench/payments.json`);
    if (ratio < RATIO_FLOOR) {
      console.error(`bench: ratio ${ratio.toFixed(3)} is below the floor ${RATIO_FLOOR}`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.all(services.map((s) => s.kill()));
    await cluster?.stop();
    server?.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof BenchSettingError ? error.message : error);
    process.exit(2);
  },
);
