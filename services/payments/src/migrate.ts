// Forward-only SQL migrations (services/payments/migrations/NNNN_name.sql), applied under a
// session advisory lock, so two instances (or two migration Jobs) migrating at once are safe: the
// second waits, then finds nothing left to do. Each applied file is recorded with its checksum;
// editing a released migration is refused (add a new one instead).
//
// Blue/green runs the stable revision on the same database while these run, so every statement
// gets a lock_timeout (give up rather than queue behind a long transaction, with traffic queued
// behind us) and a statement_timeout; a lock timeout is retried with back-off. Consecutive plain
// files run in one transaction; a CONCURRENTLY file runs alone outside any transaction; a
// `-- backfill:` file runs batch after batch, each batch its own short transaction
// (migration-kind.ts; the formats are in ../migrations/README.md).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { classifyMigration, type MigrationKind } from './migration-kind.ts';

/** Relative to this file, so it holds for src/ (tsx) and for the bundled dist/ of the image. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** pg_advisory_lock key for "migrating the payments schema" (any fixed 64-bit number). */
const MIGRATION_LOCK_ID = '7215461890150215321';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly fileName: string;
  readonly sql: string;
  readonly checksum: string;
  /** The oldest code (by the schema version it was built for) that works with this migration applied. */
  readonly minCodeVersion: number;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  /** The schema version after the run (can be above this build's when a newer release migrated). */
  readonly version: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const MIN_CODE_HEADER = /^--\s*min_code_version:\s*(\d+)\s*$/m;

/** Parses migration files (pure): names NNNN_name.sql, versions 1..N without gaps. */
export function parseMigrations(files: readonly { fileName: string; sql: string }[]): Migration[] {
  const migrations = files.map(({ fileName, sql }) => {
    const match = FILE_NAME.exec(fileName);
    if (!match)
      throw new MigrationError(
        `migration file "${fileName}" is not named NNNN_name.sql (four digits, lower-case name)`,
      );
    const version = Number(match[1]);
    const header = MIN_CODE_HEADER.exec(sql);
    const minCodeVersion = header ? Number(header[1]) : version - 1;
    if (minCodeVersion > version) {
      throw new MigrationError(
        `${fileName}: min_code_version ${minCodeVersion} cannot be above the migration's own version ${version}`,
      );
    }
    return {
      version,
      name: match[2]!,
      fileName,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      minCodeVersion,
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(
        `migration versions must run 0001, 0002, … without gaps or repeats; found ${migration.fileName} at position ${index + 1}`,
      );
    }
  });
  return migrations;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const fileNames = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  return parseMigrations(fileNames.map((fileName) => ({ fileName, sql: readFileSync(`${dir}/${fileName}`, 'utf8') })));
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Timeouts and retries of a run; the defaults are documented in ../migrations/README.md. */
export interface MigrateOptions {
  readonly migrationsDir?: string;
  /** lock_timeout of every statement (default 10 s): waiting longer queues the stable revision's traffic behind us. */
  readonly lockTimeoutMs?: number;
  /** statement_timeout of schema statements and of each backfill batch (default 60 s). */
  readonly statementTimeoutMs?: number;
  /** statement_timeout of a CONCURRENTLY statement (default 30 min): it blocks no traffic, but should not run forever. */
  readonly concurrentTimeoutMs?: number;
  /** Attempts after a lock timeout before giving up (default 5), waiting retryBaseMs, 2x, 4x, … between them. */
  readonly lockRetries?: number;
  /** First back-off after a lock timeout (default 1 s). */
  readonly retryBaseMs?: number;
  /** Called with one line per event (applied, retried, batch progress). */
  readonly log?: (line: string) => void;
}

export const MIGRATE_DEFAULTS = {
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 60_000,
  concurrentTimeoutMs: 30 * 60_000,
  lockRetries: 5,
  retryBaseMs: 1_000,
} as const;

type Settings = { -readonly [K in keyof typeof MIGRATE_DEFAULTS]: number };

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

export type MigrationStep =
  | { readonly kind: 'transaction'; readonly migrations: readonly Migration[] }
  | { readonly kind: 'concurrent'; readonly migration: Migration; readonly indexName?: string }
  | { readonly kind: 'backfill'; readonly migration: Migration; readonly pauseMs: number };

/** Consecutive plain files share a transaction; a CONCURRENTLY or backfill file is a step of its own. */
export function planSteps(pending: readonly { migration: Migration; kind: MigrationKind }[]): MigrationStep[] {
  const steps: MigrationStep[] = [];
  for (const { migration, kind } of pending) {
    const last = steps.at(-1);
    if (kind.kind === 'transaction') {
      if (last?.kind === 'transaction')
        steps[steps.length - 1] = { kind: 'transaction', migrations: [...last.migrations, migration] };
      else steps.push({ kind: 'transaction', migrations: [migration] });
    } else if (kind.kind === 'concurrent') steps.push({ kind: 'concurrent', migration, indexName: kind.indexName });
    else steps.push({ kind: 'backfill', migration, pauseMs: kind.pauseMs });
  }
  return steps;
}

export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const settings: Settings = { ...MIGRATE_DEFAULTS };
  for (const key of Object.keys(MIGRATE_DEFAULTS) as (keyof Settings)[])
    if (options[key] !== undefined) settings[key] = options[key];
  const log = options.log ?? (() => undefined);
  const migrations = readMigrations(options.migrationsDir);
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'payments-migrate',
    connectionTimeoutMillis: 10_000,
  });
  // A connection lost between two statements surfaces as the next statement's error, not as an
  // unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // A session lock (not a transaction one): it must outlive the steps' transactions, and
    // CONCURRENTLY statements run outside any. Closing the connection releases it.
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
    await setTimeouts(client, settings.lockTimeoutMs, settings.statementTimeoutMs);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version           integer     PRIMARY KEY,
        name              text        NOT NULL,
        checksum          text        NOT NULL,
        min_code_version  integer     NOT NULL,
        applied_at        timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<AppliedRow>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(rows.map((row) => [row.version, row]));
    checkAppliedHistory(migrations, applied);

    const pending = await Promise.all(
      migrations
        .filter((migration) => !applied.has(migration.version))
        .map(async (migration) => ({ migration, kind: await classifyMigration(migration.fileName, migration.sql) })),
    );
    const done: string[] = [];
    for (const step of planSteps(pending)) {
      const names = step.kind === 'transaction' ? step.migrations.map((m) => m.fileName) : [step.migration.fileName];
      if (step.kind === 'backfill') await runBackfill(client, step, settings, log);
      else await withLockRetry(names.join(', '), settings, log, () => runStep(client, step, settings));
      done.push(...names);
      log(`applied ${names.join(', ')}${step.kind === 'transaction' ? '' : ` (${step.kind}, outside a transaction)`}`);
    }
    const { rows: top } = await client.query<{ version: number }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    return { applied: done, version: top[0]?.version ?? 0 };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function setTimeouts(client: pg.Client, lockMs: number, statementMs: number, local = false): Promise<void> {
  const scope = local ? 'SET LOCAL' : 'SET';
  await client.query(`${scope} lock_timeout = ${Math.trunc(lockMs)}`);
  await client.query(`${scope} statement_timeout = ${Math.trunc(statementMs)}`);
}

async function runStep(
  client: pg.Client,
  step: Exclude<MigrationStep, { kind: 'backfill' }>,
  settings: Settings,
): Promise<void> {
  if (step.kind === 'transaction') {
    await inTransaction(client, settings, async () => {
      for (const migration of step.migrations) {
        await runFile(client, migration);
        await record(client, migration);
      }
    });
    return;
  }
  // A failed or cancelled CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it, so a
  // retry (or the next run) builds it again rather than failing on "already exists".
  if (step.indexName) await dropInvalidIndex(client, step.indexName);
  await setTimeouts(client, settings.lockTimeoutMs, settings.concurrentTimeoutMs);
  try {
    await runFile(client, step.migration);
  } catch (error) {
    if (step.indexName) await dropInvalidIndex(client, step.indexName).catch(() => undefined);
    throw error;
  } finally {
    await setTimeouts(client, settings.lockTimeoutMs, settings.statementTimeoutMs);
  }
  await record(client, step.migration);
}

/** Runs the batch statement, each batch its own transaction, until it changes no row; then records the file. */
async function runBackfill(
  client: pg.Client,
  step: Extract<MigrationStep, { kind: 'backfill' }>,
  settings: Settings,
  log: (line: string) => void,
): Promise<void> {
  let batches = 0;
  let rows = 0;
  for (;;) {
    const changed = await withLockRetry(`${step.migration.fileName} batch ${batches + 1}`, settings, log, () =>
      inTransaction(client, settings, async () => (await runFile(client, step.migration)).rowCount ?? 0),
    );
    if (changed === 0) break;
    batches++;
    rows += changed;
    if (batches % 100 === 0) log(`${step.migration.fileName}: ${batches} batches, ${rows} rows so far`);
    if (step.pauseMs > 0) await sleep(step.pauseMs);
  }
  log(`${step.migration.fileName}: backfilled ${rows} rows in ${batches} batches`);
  await record(client, step.migration);
}

async function inTransaction<T>(client: pg.Client, settings: Settings, body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await setTimeouts(client, settings.lockTimeoutMs, settings.statementTimeoutMs, true);
    const result = await body();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function runFile(client: pg.Client, migration: Migration): Promise<pg.QueryResult> {
  try {
    return await client.query(migration.sql);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = `${migration.fileName} failed: ${(error as Error).message}`;
    if (code === QUERY_CANCELED)
      throw new MigrationError(
        `${message} (statement_timeout: make the step smaller, or raise MIGRATE_STATEMENT_TIMEOUT_MS / MIGRATE_CONCURRENT_TIMEOUT_MS)`,
      );
    throw Object.assign(new MigrationError(message), { code });
  }
}

function record(client: pg.Client, migration: Migration): Promise<pg.QueryResult> {
  return client.query(
    'INSERT INTO schema_migrations (version, name, checksum, min_code_version) VALUES ($1, $2, $3, $4)',
    [migration.version, migration.name, migration.checksum, migration.minCodeVersion],
  );
}

async function dropInvalidIndex(client: pg.Client, indexName: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND NOT i.indisvalid AND n.nspname = ANY (current_schemas(false))`,
    [indexName],
  );
  for (const row of rows) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${row.name}`);
}

/** Runs the step again after a lock timeout (55P03), waiting base, 2x base, 4x base, … (plus up to 25% jitter). */
async function withLockRetry<T>(
  what: string,
  settings: Settings,
  log: (line: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await body();
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      if (attempt >= settings.lockRetries)
        throw new MigrationError(
          `${what}: lock timeout (${settings.lockTimeoutMs} ms) ${attempt + 1} times: a long transaction holds a lock it needs; find it in pg_stat_activity, or retry later`,
        );
      const wait = settings.retryBaseMs * 2 ** attempt * (1 + Math.random() / 4);
      log(
        `${what}: lock timeout (${settings.lockTimeoutMs} ms), retry ${attempt + 1}/${settings.lockRetries} in ${Math.round(wait)} ms`,
      );
      await sleep(wait);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The database's history must be this build's files (unchanged) plus, at most, newer ones. */
function checkAppliedHistory(migrations: readonly Migration[], applied: ReadonlyMap<number, AppliedRow>): void {
  for (const migration of migrations) {
    const row = applied.get(migration.version);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationError(
        `${migration.fileName} was changed after it was applied (checksum differs). Migrations are forward-only: ` +
          'restore the file and put the change in a new migration.',
      );
    }
  }
  const highestApplied = Math.max(0, ...applied.keys());
  const missing = migrations.filter((m) => m.version < highestApplied && !applied.has(m.version));
  if (missing.length > 0) {
    throw new MigrationError(
      `the database skipped ${missing.map((m) => m.fileName).join(', ')}: its history is not a prefix of the migrations; repair it by hand`,
    );
  }
}

/** Reads max(version) and max(min_code_version); undefined when the database was never migrated. */
export async function readSchemaState(
  db: Pick<pg.Pool, 'query'>,
): Promise<{ version: number; minCodeVersion: number } | undefined> {
  try {
    const { rows } = await db.query<{ version: number | null; min_code: number | null }>(
      'SELECT max(version) AS version, max(min_code_version) AS min_code FROM schema_migrations',
    );
    const row = rows[0];
    if (!row || row.version === null) return undefined;
    return { version: row.version, minCodeVersion: row.min_code ?? 0 };
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return undefined; // undefined_table: never migrated
    throw error;
  }
}
