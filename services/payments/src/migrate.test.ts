import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropTestDatabase } from '../test/support.ts';
import {
  migrate,
  MIGRATIONS_DIR,
  MigrationError,
  parseMigrations,
  readMigrations,
  readSchemaState,
} from './migrate.ts';
import { CODE_SCHEMA_VERSION, schemaSupport } from './schema-version.ts';

const databases: string[] = [];
const temps: string[] = [];
afterAll(async () => {
  for (const url of databases) await dropTestDatabase(url);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<string> {
  const url = await createEmptyDatabase('migrate');
  databases.push(url);
  return url;
}

async function schemaState(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await readSchemaState(pool);
  } finally {
    await pool.end();
  }
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'payments-migrations-'));
  temps.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('parseMigrations', () => {
  it('orders files, defaults min_code_version to the previous version, reads the header', () => {
    const migrations = parseMigrations([
      { fileName: '0002_add_x.sql', sql: 'SELECT 1;' },
      { fileName: '0001_init.sql', sql: '-- min_code_version: 0\nSELECT 1;' },
      { fileName: '0003_drop_y.sql', sql: '-- min_code_version: 3\nSELECT 1;' },
    ]);
    expect(migrations.map((m) => [m.version, m.name, m.minCodeVersion])).toEqual([
      [1, 'init', 0],
      [2, 'add_x', 1],
      [3, 'drop_y', 3],
    ]);
  });

  it('refuses bad names, gaps, repeats and impossible headers', () => {
    expect(() => parseMigrations([{ fileName: 'init.sql', sql: '' }])).toThrow(/NNNN_name.sql/);
    expect(() =>
      parseMigrations([
        { fileName: '0001_a.sql', sql: '' },
        { fileName: '0003_b.sql', sql: '' },
      ]),
    ).toThrow(/without gaps/);
    expect(() =>
      parseMigrations([
        { fileName: '0001_a.sql', sql: '' },
        { fileName: '0001_b.sql', sql: '' },
      ]),
    ).toThrow(MigrationError);
    expect(() => parseMigrations([{ fileName: '0001_a.sql', sql: '-- min_code_version: 2' }])).toThrow(
      /cannot be above/,
    );
  });

  it('CODE_SCHEMA_VERSION is the highest migration shipped', () => {
    expect(CODE_SCHEMA_VERSION).toBe(readMigrations().length);
    expect(readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))).toHaveLength(CODE_SCHEMA_VERSION);
  });
});

describe('schemaSupport', () => {
  it('serves its own schema and the next release’s compatible one, nothing else', () => {
    expect(schemaSupport({ version: 3, minCodeVersion: 2 }, 3)).toEqual({ supported: true });
    expect(schemaSupport({ version: 4, minCodeVersion: 3 }, 3)).toEqual({ supported: true }); // next release migrated (expand)
    expect(schemaSupport({ version: 5, minCodeVersion: 5 }, 3)).toMatchObject({
      supported: false,
      reason: expect.stringMatching(/requires code built for schema 5/),
    });
    expect(schemaSupport({ version: 2, minCodeVersion: 1 }, 3)).toMatchObject({
      supported: false,
      reason: expect.stringMatching(/at version 2 but this build needs 3/),
    });
    expect(schemaSupport(undefined, 3)).toMatchObject({
      supported: false,
      reason: expect.stringMatching(/npm run migrate/),
    });
  });
});

describe('migrate', () => {
  it('applies pending migrations once and is idempotent; refuses edited files; a failing migration rolls back entirely', async () => {
    const url = await emptyDatabase();
    expect(await schemaState(url)).toBeUndefined();
    expect(await migrate(url)).toEqual({ applied: ['0001_init.sql'], version: CODE_SCHEMA_VERSION });
    expect(await migrate(url)).toEqual({ applied: [], version: CODE_SCHEMA_VERSION });
    expect(await schemaState(url)).toEqual({ version: CODE_SCHEMA_VERSION, minCodeVersion: 0 });

    // Forward-only: an applied file must never change.
    const edited = copyOfMigrations();
    appendFileSync(join(edited, '0001_init.sql'), '\n-- edited after release\n');
    await expect(migrate(url, { migrationsDir: edited })).rejects.toThrow(
      /0001_init.sql was changed after it was applied/,
    );

    // A failing migration leaves nothing behind (one transaction); fixed, it applies.
    const dir = copyOfMigrations();
    writeFileSync(
      join(dir, '0002_add_note.sql'),
      'ALTER TABLE payments ADD COLUMN note text;\nSELECT no_such_function();\n',
    );
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/0002_add_note.sql failed/);
    expect(await schemaState(url)).toEqual({ version: 1, minCodeVersion: 0 });
    writeFileSync(join(dir, '0002_add_note.sql'), 'ALTER TABLE payments ADD COLUMN note text;\n');
    expect(await migrate(url, { migrationsDir: dir })).toEqual({ applied: ['0002_add_note.sql'], version: 2 });
    // The build that only knows 0001 still serves this schema (the next release's expand step)…
    expect(schemaSupport(await schemaState(url), 1)).toEqual({ supported: true });
    // …and its migrate run is a no-op, not a failure (a rollback re-runs the old release's Job).
    expect(await migrate(url)).toEqual({ applied: [], version: 2 });
  });

  it('is safe when several instances migrate at once (advisory lock): each file runs exactly once', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.flatMap((r) => r.applied)).toEqual(['0001_init.sql']);
    expect(results.every((r) => r.version === CODE_SCHEMA_VERSION)).toBe(true);
  });
});

describe('migrate under blue/green (timeouts, retries, CONCURRENTLY, backfills)', () => {
  function withFiles(files: Record<string, string>): string {
    const dir = copyOfMigrations();
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return dir;
  }

  it('statement_timeout cancels a long statement and records nothing', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const dir = withFiles({ '0002_slow.sql': 'SELECT pg_sleep(3);\n' });
    await expect(migrate(url, { migrationsDir: dir, statementTimeoutMs: 200 })).rejects.toThrow(
      /0002_slow.sql failed: canceling statement due to statement timeout \(statement_timeout/,
    );
    expect(await schemaState(url)).toEqual({ version: 1, minCodeVersion: 0 });
  });

  it('a lock timeout is retried with back-off until the lock is free, and gives up after the retries', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const dir = withFiles({ '0002_add_note.sql': 'ALTER TABLE payments ADD COLUMN note text;\n' });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE payments IN ACCESS SHARE MODE'); // a long reader: ALTER TABLE must wait
      await expect(
        migrate(url, { migrationsDir: dir, lockTimeoutMs: 100, lockRetries: 1, retryBaseMs: 50 }),
      ).rejects.toThrow(/0002_add_note.sql: lock timeout \(100 ms\) 2 times/);
      expect(await schemaState(url)).toEqual({ version: 1, minCodeVersion: 0 });

      const lines: string[] = [];
      const run = migrate(url, {
        migrationsDir: dir,
        lockTimeoutMs: 100,
        lockRetries: 6,
        retryBaseMs: 100,
        log: (l) => lines.push(l),
      });
      setTimeout(() => void holder.query('COMMIT'), 600);
      expect(await run).toEqual({ applied: ['0002_add_note.sql'], version: 2 });
      expect(lines.filter((l) => /lock timeout \(100 ms\), retry \d\/6 in \d+ ms/.test(l)).length).toBeGreaterThan(0);
    } finally {
      await holder.end();
    }
  });

  it('runs a CONCURRENTLY file alone outside a transaction, between transactional ones', async () => {
    const url = await emptyDatabase();
    const dir = withFiles({
      '0002_add_note.sql': 'ALTER TABLE payments ADD COLUMN note text;\n',
      '0003_index_note.sql': 'CREATE INDEX CONCURRENTLY payments_note ON payments (note);\n',
      '0004_add_memo.sql': 'ALTER TABLE payments ADD COLUMN memo text;\n',
    });
    const lines: string[] = [];
    expect(await migrate(url, { migrationsDir: dir, log: (l) => lines.push(l) })).toEqual({
      applied: ['0001_init.sql', '0002_add_note.sql', '0003_index_note.sql', '0004_add_memo.sql'],
      version: 4,
    });
    expect(lines).toContain('applied 0003_index_note.sql (concurrent, outside a transaction)');
    expect(lines).toContain('applied 0001_init.sql, 0002_add_note.sql');
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query(
      "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'payments_note'",
    );
    await db.end();
    expect(rows).toEqual([{ indisvalid: true }]);
  });

  it('refuses a file mixing CONCURRENTLY with other statements before applying anything', async () => {
    const url = await emptyDatabase();
    const dir = withFiles({
      '0002_mixed.sql':
        'ALTER TABLE payments ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY payments_note ON payments (note);\n',
    });
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(
      /0002_mixed.sql mixes a CONCURRENTLY statement with 1 other statement/,
    );
    expect(await schemaState(url)).toBeUndefined();
  });

  it('drops the INVALID index a failed concurrent build leaves, so a fixed retry can build it', async () => {
    const url = await emptyDatabase();
    const dir = withFiles({
      '0002_items.sql':
        "CREATE TABLE items (id integer PRIMARY KEY, code text);\nINSERT INTO items VALUES (1, 'a'), (2, 'a');\n",
      '0003_items_code.sql': 'CREATE UNIQUE INDEX CONCURRENTLY items_code ON items (code);\n',
    });
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(
      /0003_items_code.sql failed: could not create unique index/,
    );
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      expect((await db.query("SELECT 1 FROM pg_class WHERE relname = 'items_code'")).rowCount).toBe(0);
      await db.query("UPDATE items SET code = 'b' WHERE id = 2");
      expect(await migrate(url, { migrationsDir: dir })).toEqual({ applied: ['0003_items_code.sql'], version: 3 });
    } finally {
      await db.end();
    }
  });

  it('runs a backfill batch by batch, each in its own transaction, until no row changes', async () => {
    const url = await emptyDatabase();
    const dir = withFiles({
      '0002_items.sql':
        'CREATE TABLE items (id integer PRIMARY KEY, v text);\nINSERT INTO items SELECT g, NULL FROM generate_series(1, 2500) g;\n',
      '0003_backfill_items.sql':
        "-- backfill: pause_ms=1\nUPDATE items SET v = 'x' WHERE id IN (SELECT id FROM items WHERE v IS NULL ORDER BY id LIMIT 1000);\n",
    });
    const lines: string[] = [];
    expect(await migrate(url, { migrationsDir: dir, log: (l) => lines.push(l) })).toEqual({
      applied: ['0001_init.sql', '0002_items.sql', '0003_backfill_items.sql'],
      version: 3,
    });
    expect(lines).toContain('0003_backfill_items.sql: backfilled 2500 rows in 3 batches');
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query<{ nulls: string; txs: string }>(
      'SELECT count(*) FILTER (WHERE v IS NULL) AS nulls, count(DISTINCT xmin::text) AS txs FROM items',
    );
    await db.end();
    expect(rows[0]).toEqual({ nulls: '0', txs: '3' });
  });
});
