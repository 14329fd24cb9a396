// Runs pgbench against the benchmark's cluster with a custom single-row INSERT script: the
// database's own ceiling for "one durable commit per request", measured on the same machine.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { parsePgbenchOutput, type PgbenchSummary } from './pgbench-output.ts';

const run = promisify(execFile);

export const PGBENCH_TABLE = 'pgbench_payment_inserts';

// A row shaped like a small payment (amount, currency, status, timestamps), one INSERT, autocommit.
const SCRIPT = `\\set amount random(1, 99999999)
INSERT INTO ${PGBENCH_TABLE} (amount, currency, status) VALUES (:amount, 'usd', 'succeeded');
`;

export interface PgbenchOptions {
  readonly binDir: string;
  readonly databaseUrl: string;
  readonly clients: number;
  readonly seconds: number;
}

export async function runPgbenchInserts(options: PgbenchOptions): Promise<PgbenchSummary> {
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${PGBENCH_TABLE} (
      id bigserial PRIMARY KEY, amount bigint NOT NULL, currency text NOT NULL, status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  } finally {
    await client.end();
  }
  const url = new URL(options.databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'quickship-pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, SCRIPT);
  try {
    const { stdout } = await run(
      join(options.binDir, 'pgbench'),
      [
        '-n',
        '-c',
        String(options.clients),
        '-j',
        '2',
        '-T',
        String(options.seconds),
        '-f',
        script,
        '-h',
        url.hostname,
        '-p',
        url.port,
        '-U',
        decodeURIComponent(url.username) || 'postgres',
        url.pathname.slice(1),
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: (options.seconds + 60) * 1000 },
    );
    return parsePgbenchOutput(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
