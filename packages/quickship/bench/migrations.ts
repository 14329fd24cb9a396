// `npm run bench:migrations`: what the migration rules buy under payments load, in one run.
//
// A private PostgreSQL, the payments table filled to BENCH_ROWS (default 1,000,000) rows, one
// payments service process, and steady POST /v1/payments load (Node loadgen, Idempotency-Keys)
// for the whole run. After a baseline window, four migrations run one after the other, each
// followed by a quiet gap:
//   safe   ALTER TABLE payments ADD COLUMN (nullable, no default)   via the runner (lock/statement timeouts)
//   safe   CREATE INDEX CONCURRENTLY on payments                     via the runner (alone, outside a transaction)
//   unsafe ALTER TABLE payments ADD COLUMN … DEFAULT gen_random_uuid() (table rewrite)  directly
//   unsafe CREATE INDEX on payments (no CONCURRENTLY)                                  directly
// For each: the lint's verdict, time to apply, requests in its window, failed requests, and the
// p99 latency of the requests in its window against the baseline p99 (a ratio measured in the
// same run). Bounded: BENCH_ROWS ≤ 2,000,000; the load stops by itself after at most 6 minutes.
import { mkdirSync, mkdtempSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { isSuccess, runLoad, type AttemptEvent } from '@quickship/loadgen';
import { migrate, MIGRATIONS_DIR } from '@quickship/payments';
import { spawnServer, type ServerProcess } from '@quickship/payments/test-support';
import { lintMigrations, parseMigration } from '../src/migrations/index.ts';

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`bench: ${name}="${raw}" must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return value;
}

const settings = {
  rows: setting('BENCH_ROWS', 1_000_000, 1_000, 2_000_000),
  connections: setting('BENCH_CONNECTIONS', 8, 1, 64),
  baselineSeconds: setting('BENCH_BASELINE_SECONDS', 8, 2, 60),
  gapSeconds: setting('BENCH_GAP_SECONDS', 3, 1, 30),
};

interface Sample {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ok: boolean;
}

interface Phase {
  readonly name: string;
  readonly form: 'safe' | 'unsafe';
  readonly sql: string;
  /** safe forms go through the runner as the next migration file; unsafe ones run as plain statements. */
  readonly viaRunner: boolean;
}

const PHASES: readonly Phase[] = [
  {
    name: 'ALTER TABLE payments ADD COLUMN (nullable)',
    form: 'safe',
    viaRunner: true,
    sql: 'ALTER TABLE payments ADD COLUMN bench_note text;\n',
  },
  {
    name: 'CREATE INDEX CONCURRENTLY on payments',
    form: 'safe',
    viaRunner: true,
    sql: 'CREATE INDEX CONCURRENTLY payments_amount_created ON payments (amount, created_at);\n',
  },
  {
    name: 'ALTER TABLE payments ADD COLUMN … DEFAULT gen_random_uuid()',
    form: 'unsafe',
    viaRunner: false,
    sql: 'ALTER TABLE payments ADD COLUMN bench_token uuid DEFAULT gen_random_uuid();\n',
  },
  {
    name: 'CREATE INDEX on payments (no CONCURRENTLY)',
    form: 'unsafe',
    viaRunner: false,
    sql: 'CREATE INDEX payments_currency_created ON payments (currency, created_at);\n',
  },
];

function p99(samples: readonly Sample[]): number {
  if (samples.length === 0) return NaN;
  const sorted = samples.map((s) => s.endedAt - s.startedAt).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

function inWindow(samples: readonly Sample[], from: number, to: number): Sample[] {
  return samples.filter((s) => s.startedAt <= to && s.endedAt >= from);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lintVerdict(sql: string, fileName: string): Promise<string> {
  const init = (await import('node:fs')).readFileSync(join(MIGRATIONS_DIR, '0001_init.sql'), 'utf8');
  const files = [await parseMigration('0001_init.sql', init), await parseMigration(fileName, sql)];
  const { violations } = lintMigrations(files, { label: 'bench', files: new Map([['0001_init.sql', init]]) });
  return violations.length === 0 ? 'accepted' : `refused (${[...new Set(violations.map((v) => v.rule))].join(', ')})`;
}

async function main(): Promise<number> {
  const log = (line: string): void => console.log(`bench: ${line}`);
  let cluster: PostgresCluster | undefined;
  let server: ServerProcess | undefined;
  const migrationsDir = mkdtempSync(join(tmpdir(), 'quickship-bench-migrations-'));
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  try {
    cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'quickship-bench-pg-')), ephemeral: true });
    const databaseUrl = await cluster.createDatabase('payments_migrations_bench');
    cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await migrate(databaseUrl, { migrationsDir });

    const fillStarted = Date.now();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`
      INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_brand, card_last4,
                            card_exp_month, card_exp_year, card_fingerprint, description, created_at)
      SELECT 'pay_fill_' || g, 'fill', 100 + g % 100000, 'eur', 'succeeded', 'automatic', 'visa', '4242', 12, 2030,
             md5(g::text), 'fill ' || g, now() - g * interval '1 second'
        FROM generate_series(1, ${settings.rows}) g`);
    await admin.query('VACUUM ANALYZE payments');
    log(
      `payments filled with ${settings.rows.toLocaleString('en')} rows in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`,
    );

    const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
    server = await spawnServer({
      databaseUrl,
      env: { PAYMENTS_API_KEYS: `bench:${apiKey}`, LOG_LEVEL: 'warn', DB_POOL_MAX: String(settings.connections) },
    });
    const samples: Sample[] = [];
    const load = runLoad({
      targets: server.url,
      connections: settings.connections,
      durationMs: 6 * 60_000,
      workload: { kind: 'payments', apiKey },
      requestTimeoutMs: 10_000,
      signal: stop.signal,
      onAttempt: (event: AttemptEvent) =>
        samples.push({ startedAt: event.startedAt, endedAt: event.endedAt, ok: isSuccess(event.outcome) }),
    });
    await sleep(2000); // warm-up, not measured
    const baselineFrom = Date.now();
    await sleep(settings.baselineSeconds * 1000);
    const baseline = inWindow(samples, baselineFrom, Date.now()).filter((s) => s.startedAt >= baselineFrom);
    const baselineP99 = p99(baseline);
    log(`baseline: ${baseline.length} requests in ${settings.baselineSeconds} s, p99 ${baselineP99.toFixed(1)} ms`);

    const rows: string[][] = [];
    let version = 1;
    for (const phase of PHASES) {
      const fileName = `${String(version + 1).padStart(4, '0')}_bench.sql`;
      const verdict = await lintVerdict(phase.sql, fileName);
      const from = Date.now();
      if (phase.viaRunner) {
        version += 1;
        writeFileSync(join(migrationsDir, fileName), phase.sql);
        await migrate(databaseUrl, { migrationsDir });
      } else {
        await admin.query(phase.sql);
      }
      const applied = Date.now();
      await sleep(settings.gapSeconds * 1000);
      // The requests in flight at any moment while it ran (at least one second of window).
      const window = inWindow(samples, from, Math.max(applied, from + 1000));
      const failed = window.filter((s) => !s.ok).length;
      const ratio = p99(window) / baselineP99;
      log(
        `${phase.form} ${phase.name}: lint ${verdict}; applied in ${((applied - from) / 1000).toFixed(2)} s; ${window.length} requests, ${failed} failed, p99 ${p99(window).toFixed(1)} ms (${ratio.toFixed(2)}x baseline)`,
      );
      rows.push([
        phase.form,
        phase.name,
        verdict,
        ((applied - from) / 1000).toFixed(2),
        String(window.length),
        String(failed),
        p99(window).toFixed(1),
        `${ratio.toFixed(2)}x`,
      ]);
    }
    stop.abort();
    const result = await load;
    await admin.end();
    const total = samples.length;
    const failedTotal = samples.filter((s) => !s.ok).length;
    const header = ['form', 'migration', 'lint', 'applied (s)', 'requests', 'failed', 'p99 (ms)', 'p99 / baseline'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    console.log(
      `\nmigrations under payments load: ${settings.rows.toLocaleString('en')} rows, ${settings.connections} connections`,
    );
    console.log(`baseline: ${baseline.length} requests, p99 ${baselineP99.toFixed(1)} ms`);
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log(
      `all: ${total} attempts, ${failedTotal} failed; logical payments: ${result.report.logical?.succeeded ?? '?'} succeeded`,
    );
    const out = resolve('.quickship/bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'migrations.json'),
      `${JSON.stringify({ settings, baseline: { requests: baseline.length, p99Ms: baselineP99 }, phases: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))), attempts: total, failed: failedTotal }, null, 2)}\n`,
    );
    return 0;
  } finally {
    stop.abort();
    await server?.kill().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    rmSync(migrationsDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
