// Old code × new schema on real builds, a real PostgreSQL and real processes: the stable build
// runs its smoke checks against a scratch copy of the live database with the candidate's
// migrations applied, while the live database keeps its connections and its schema.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrationsOnly } from '../src/engine/migrations.ts';
import { checkSchemaCompatibility, SchemaIncompatibleError } from '../src/migrations/compatibility/check.ts';
import { LocalRegistry, type ResolvedImage } from '../src/runtime/registry.ts';
import { buildTestRepo, createDatabase, removeTestRepo, type TestRepo } from './helpers/engine.ts';
import { git } from './helpers/repo.ts';

const MIGRATIONS = 'services/payments/migrations';
let repo: TestRepo | undefined;
let registry: LocalRegistry;
let stable: ResolvedImage;
const cleanups: (() => Promise<void>)[] = [];

/** A build of the stable commit plus one migration file. */
async function candidateWith(tag: string, fileName: string, sql: string): Promise<ResolvedImage> {
  git(repo!.repoDir, 'checkout', '-q', '--detach', stable.manifest.commit);
  mkdirSync(join(repo!.repoDir, MIGRATIONS), { recursive: true });
  writeFileSync(join(repo!.repoDir, MIGRATIONS, fileName), sql);
  git(repo!.repoDir, 'add', '-A');
  git(repo!.repoDir, 'commit', '-q', '-m', `candidate ${tag}`);
  await registry.build({ tag });
  return registry.resolve(`quickship/payments:${tag}`);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function liveDatabase(): Promise<string> {
  const db = await createDatabase('compat');
  cleanups.push(db.drop);
  await runMigrationsOnly(stable, db.url);
  await query(
    db.url,
    `INSERT INTO merchants (id) VALUES ('acme');
     INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_brand, card_last4,
                           card_exp_month, card_exp_year, card_fingerprint, description, created_at)
     SELECT 'pay_' || g, 'acme', 100 + g, 'eur', 'succeeded', 'automatic', 'visa', '4242', 12, 2030, 'fp', 'row ' || g, now()
       FROM generate_series(1, 3000) g`,
  );
  return db.url;
}

beforeAll(async () => {
  repo = await buildTestRepo('stable');
  registry = new LocalRegistry({ repoDir: repo.repoDir, registryDir: join(repo.stateDir, 'registry') });
  stable = await registry.resolve('quickship/payments:stable');
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
  removeTestRepo(repo);
});

describe('checkSchemaCompatibility', () => {
  it('refuses a migration that drops payments.description: the stable build fails its smoke checks on the copy; the live database is untouched', async () => {
    const live = await liveDatabase();
    const candidate = await candidateWith(
      'drop-description',
      '0002_drop_description.sql',
      'ALTER TABLE payments DROP COLUMN description;\n',
    );
    // A connection held open on the live database the whole time (CREATE DATABASE … TEMPLATE would fail).
    const held = new pg.Client({ connectionString: live });
    await held.connect();
    try {
      const check = checkSchemaCompatibility({ stable, candidate, databaseUrl: live, migrate: runMigrationsOnly });
      await expect(check).rejects.toThrow(SchemaIncompatibleError);
      await expect(check).rejects.toThrow(/FAIL .*create/i);
    } finally {
      await held.end();
    }
    expect(await query(live, 'SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 1 }]);
    expect(
      await query(
        live,
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'description'",
      ),
    ).toHaveLength(1);
    const name = new URL(live).pathname.slice(1);
    expect(
      await query(live, `SELECT datname FROM pg_database WHERE datname LIKE '${name.slice(0, 30)}_compat_%'`),
    ).toEqual([]);
  }, 180_000);

  it('accepts an expand migration (a nullable column): the stable build passes its smoke checks on the copy', async () => {
    const live = await liveDatabase();
    const candidate = await candidateWith(
      'expand',
      '0002_add_statement_descriptor.sql',
      'ALTER TABLE payments ADD COLUMN statement_descriptor text;\n',
    );
    const report = await checkSchemaCompatibility({
      stable,
      candidate,
      databaseUrl: live,
      migrate: runMigrationsOnly,
      sampleRows: 500,
    });
    expect(report.smokeOutput).toMatch(/smoke: all \d+ checks passed/);
    expect(report.migrateOutput).toMatch(/applied 0002_add_statement_descriptor.sql/);
    // schema_migrations entirely, 500 payments, the merchant, the secret (API keys and idempotency keys are empty).
    expect(report.rowsCopied).toBe(1 + 500 + 1 + 1);
    expect(await query(live, 'SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 1 }]);
  }, 180_000);
});
