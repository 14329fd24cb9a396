// Forward-only SQL migrations (services/payments/migrations/NNNN_name.sql), applied in one
// transaction under an advisory lock, so two instances (or two migration Jobs) migrating at once
// are safe: the second waits, then finds nothing left to do. Each applied file is recorded with
// its checksum; editing a released migration is refused (add a new one instead).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Relative to this file, so it holds for src/ (tsx) and for the bundled dist/ of the image. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** pg_advisory_xact_lock key for "migrating the payments schema" (any fixed 64-bit number). */
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

export async function migrate(databaseUrl: string, options: { migrationsDir?: string } = {}): Promise<MigrateResult> {
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
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_ID]);
    // Migrations take strong locks on live tables during blue/green: give up rather than queue
    // behind long transactions and stall the serving release.
    await client.query("SET LOCAL lock_timeout = '10s'");
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

    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      try {
        await client.query(migration.sql);
      } catch (error) {
        throw new MigrationError(`${migration.fileName} failed: ${(error as Error).message}`);
      }
      await client.query(
        'INSERT INTO schema_migrations (version, name, checksum, min_code_version) VALUES ($1, $2, $3, $4)',
        [migration.version, migration.name, migration.checksum, migration.minCodeVersion],
      );
      done.push(migration.fileName);
    }
    const { rows: top } = await client.query<{ version: number }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    await client.query('COMMIT');
    return { applied: done, version: top[0]?.version ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
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
