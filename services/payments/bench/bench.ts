// `npm run bench`: payments/s of the real service against its own private PostgreSQL, compared
// with pgbench's single-row INSERT TPS on the same cluster in the same run. Prints a table, writes
// .quickship/bench/payments.json, exits 1 when the ratio falls below the floor (0.3).
//
// Why BENCH_INSTANCES defaults to 1 on a 2-core machine: PostgreSQL (one backend per connection,
// plus the WAL writer) and the load generator need the second core; measured in README.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReport, runLoad, type LoadReport } from '@quickship/loadgen';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { cpuAccountingAvailable, ownAndReapedChildrenCpuMs, ownCpuMs, postgresCpuMs, processesCpuMs } from './cpu-usage.ts';
import { formatFigures, RATIO_FLOOR, verdictOf, type BenchFigures } from './figures.ts';
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
  if (!Number.isInteger(n) || n < min || n > max) throw new BenchSettingError(name, value, `an integer from ${min} to ${max}`);
  return n;
}

const settings = {
  seconds: setting('BENCH_SECONDS', 20, 1, 600),
  warmupSeconds: setting('BENCH_WARMUP_SECONDS', 3, 0, 60),
  connections: setting('BENCH_CONNECTIONS', 32, 1, 256),
  instances: setting('BENCH_INSTANCES', 1, 1, 8),
  poolMax: setting('BENCH_DB_POOL_MAX', 0, 0, 100), // 0: the connections spread over the instances
};

function paymentsFigures(report: LoadReport): BenchFigures['payments'] {
  return {
    perSec: report.throughput.succeededPerSec,
    succeeded: report.logical.succeeded,
    failed: report.logical.failed,
    sent: report.attempts.sent,
    nonOkByStatus: report.attempts.nonOkByStatus,
    transportErrors: report.attempts.transportErrors,
    latency: report.latency,
  };
}

async function main(): Promise<number> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const log = (line: string): void => console.log(`bench: ${line}`);
  let cluster: PostgresCluster | undefined;
  const services: ServerProcess[] = [];
  try {
    log(`${availableParallelism()} cores; starting a private PostgreSQL`);
    cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'quickship-bench-pg-')), ephemeral: true });
    const databaseUrl = await cluster.createDatabase('payments_bench');
    await migrate(databaseUrl);

    const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
    const poolMax = settings.poolMax || Math.ceil(settings.connections / settings.instances);
    const env = { DB_POOL_MAX: String(poolMax), PAYMENTS_API_KEYS: `bench:${apiKey}`, LOG_LEVEL: 'warn', SHUTDOWN_DELAY_MS: '0' };
    for (let i = 0; i < settings.instances; i += 1) services.push(await spawnServer({ databaseUrl, env }));
    const targets = services.map((s) => s.url);
    log(`${settings.instances} service process(es) at ${targets.join(', ')}, DB_POOL_MAX=${poolMax}`);

    if (settings.warmupSeconds > 0) {
      log(`warming up for ${settings.warmupSeconds} s`);
      await runLoad({ targets, connections: settings.connections, durationMs: settings.warmupSeconds * 1000, workload: { kind: 'payments', apiKey, runId: 'warmup' }, signal: stop.signal });
    }
    log(`creating payments for ${settings.seconds} s with ${settings.connections} connections`);
    const servicePids = services.map((s) => s.pid);
    const cpu = cpuAccountingAvailable();
    const before = cpu ? { service: processesCpuMs(servicePids), postgres: postgresCpuMs(cluster.dataDir), loadgen: ownCpuMs() } : undefined;
    const load = await runLoad({ targets, connections: settings.connections, durationMs: settings.seconds * 1000, workload: { kind: 'payments', apiKey, runId: 'bench' }, signal: stop.signal });
    const paymentCpu = before && {
      service: processesCpuMs(servicePids) - before.service,
      postgres: postgresCpuMs(cluster.dataDir) - before.postgres,
      loadgen: ownCpuMs() - before.loadgen,
    };
    const paymentsLoad = loadavg()[0]!;
    console.log(formatReport(load.report));
    const stored = await countStoredPayments(databaseUrl, 'lg_bench_');
    if (stored !== load.payments.succeeded.size) log(`WARNING: ${load.payments.succeeded.size} payments acknowledged but ${stored} stored with this run's keys`);
    await Promise.all(services.splice(0).map((s) => s.kill()));
    if (stop.signal.aborted) return 130;

    log(`pgbench: single-row INSERT, ${settings.connections} clients, ${settings.seconds} s`);
    const pgBefore = cpu ? { postgres: postgresCpuMs(cluster.dataDir), children: ownAndReapedChildrenCpuMs() - ownCpuMs() } : undefined;
    const pgbench = await runPgbenchInserts({ binDir: cluster.binDir, databaseUrl, clients: settings.connections, seconds: settings.seconds });
    const insertCpu = pgBefore && {
      postgres: postgresCpuMs(cluster.dataDir) - pgBefore.postgres,
      pgbench: ownAndReapedChildrenCpuMs() - ownCpuMs() - pgBefore.children,
    };
    const ratio = load.report.throughput.succeededPerSec / pgbench.tps;
    const per = (ms: number, n: number): number => (n > 0 ? ms / n : 0);
    const paid = load.report.logical.succeeded;
    const figures: BenchFigures = {
      seconds: settings.seconds,
      connections: settings.connections,
      instances: settings.instances,
      payments: paymentsFigures(load.report),
      pgbench: { ...pgbench, clients: settings.connections },
      ratio,
      verdict: verdictOf(ratio),
      cpuMsPer: paymentCpu && insertCpu ? {
        payment: { service: per(paymentCpu.service, paid), postgres: per(paymentCpu.postgres, paid), loadgen: per(paymentCpu.loadgen, paid) },
        insert: { postgres: per(insertCpu.postgres, pgbench.transactions), pgbench: per(insertCpu.pgbench, pgbench.transactions) },
      } : undefined,
      loadAverage: { payments: paymentsLoad, pgbench: loadavg()[0]! },
    };
    console.log(`\n${formatFigures(figures)}\n`);
    const outDir = join(REPO_ROOT, '.quickship', 'bench');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'payments.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), cores: availableParallelism(), ...figures }, null, 2)}\n`);
    log(`figures written to .quickship/bench/payments.json`);
    if (ratio < RATIO_FLOOR) {
      console.error(`bench: ratio ${ratio.toFixed(3)} is below the floor ${RATIO_FLOOR}`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.all(services.map((s) => s.kill()));
    await cluster?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof BenchSettingError ? error.message : error);
    process.exit(2);
  },
);
