// Proof, end to end on the local engine: a release whose migration drops payments.description is
// refused by the lint; with the lint bypassed, the engine's PreSync runs the old-code × new-schema
// check, which refuses it with the failing smoke check. The migration never reaches the shared
// database, the new revision never starts, and the stable revision keeps serving payments load
// with zero failed requests.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSuccess, runLoad, type AttemptEvent } from '@quickship/loadgen';
import type { Engine } from '../src/engine/engine.ts';
import { checkMigrations } from '../src/migrations/index.ts';
import { LocalRegistry } from '../src/runtime/registry.ts';
import {
  API_KEY,
  buildTestRepo,
  createDatabase,
  editRollout,
  healthy,
  pausedForPromotion,
  removeTestRepo,
  startEngine,
  status,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { git } from './helpers/repo.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let deployDir: string;

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createDatabase('migration_safety');
  repo = await buildTestRepo('stable');
  ({ engine, deployDir } = await startEngine(repo, db.url));
  const deadline = Date.now() + 120_000;
  while (!healthy(await engine.get('payments'))) {
    if (Date.now() > deadline) throw new Error('the stable revision never became Healthy');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
});

describe('a migration the stable revision cannot live with', () => {
  it('is refused by the lint, and (lint bypassed) by the PreSync compatibility check, with zero failed requests', async () => {
    // The candidate: the stable commit plus a migration dropping a column the stable code reads.
    const dir = join(repo.repoDir, 'services/payments/migrations');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0002_drop_description.sql'), 'ALTER TABLE payments DROP COLUMN description;\n');
    git(repo.repoDir, 'add', '-A');
    git(repo.repoDir, 'commit', '-q', '-m', 'drop payments.description');

    // The stable build's commit is what is released here (`quickship lint --since`).
    const lint = await checkMigrations({ repoDir: repo.repoDir, since: 'HEAD~1' });
    expect(lint.violations).toMatchObject([
      { rule: 'ban-drop-column', fileName: '0002_drop_description.sql', line: 1 },
    ]);

    // Bypass the lint: build and deploy it anyway.
    await new LocalRegistry({ repoDir: repo.repoDir, registryDir: join(repo.stateDir, 'registry') }).build({
      tag: 'drop-description',
    });
    const stableRS = status(await engine.get('payments')).stableRS;
    const failures: AttemptEvent[] = [];
    let answered = 0;
    const stop = new AbortController();
    const load = runLoad({
      targets: engine.serviceUrls().active,
      connections: 4,
      durationMs: 240_000,
      workload: { kind: 'payments', apiKey: API_KEY },
      signal: stop.signal,
      onAttempt: (event) => {
        answered++;
        if (!isSuccess(event.outcome)) failures.push(event);
      },
    });
    try {
      editRollout(deployDir, (text) => text.replace('payments:stable', 'payments:drop-description'));
      const deadline = Date.now() + 240_000;
      let refusal = '';
      while (!refusal) {
        const text = JSON.stringify(await engine.get('payments'));
        const match = /the migrations of [^"]*? break the stable revision[^"]*/.exec(text);
        if (match) refusal = match[0];
        else if (Date.now() > deadline) throw new Error(`no refusal within 240 s: ${text.slice(0, 2000)}`);
        else await new Promise((r) => setTimeout(r, 500));
      }
      expect(refusal).toMatch(/FAIL /);
      // The stable revision keeps serving; the shared database never saw the migration.
      const answer = await fetch(`${engine.serviceUrls().active}/version`);
      await answer.arrayBuffer();
      expect(answer.headers.get('x-quickship-revision')).toBe(stableRS);
      expect(await query('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 1 }]);
      expect(
        await query(
          "SELECT 1 FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'description'",
        ),
      ).toHaveLength(1);
    } finally {
      stop.abort();
      await load;
    }
    expect(answered).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 420_000);
});

/** A build of `base` plus migration files, with CODE_SCHEMA_VERSION raised to match (as a real release does). */
async function releaseBuild(
  base: string,
  tag: string,
  files: Record<string, string>,
  codeVersion: number,
): Promise<string> {
  git(repo.repoDir, 'checkout', '-q', '--detach', base);
  const dir = join(repo.repoDir, 'services/payments/migrations');
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  const versionFile = join(repo.repoDir, 'services/payments/src/schema-version.ts');
  writeFileSync(
    versionFile,
    readFileSync(versionFile, 'utf8').replace(/CODE_SCHEMA_VERSION = \d+/, `CODE_SCHEMA_VERSION = ${codeVersion}`),
  );
  git(repo.repoDir, 'add', '-A');
  git(repo.repoDir, 'commit', '-q', '-m', `release ${tag}`);
  await new LocalRegistry({ repoDir: repo.repoDir, registryDir: join(repo.stateDir, 'registry') }).build({ tag });
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

function p99(latencies: readonly number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
}

describe('expand, then a batched backfill, under payments load', () => {
  it('both pass the compatibility check, go to preview and are promoted with zero failed requests; p99 measured', async () => {
    const stableCommit = git(repo.repoDir, 'rev-parse', 'HEAD~1'); // the build the engine serves (before the refused drop)
    const expandCommit = await releaseBuild(
      stableCommit,
      'expand',
      { '0002_add_statement_descriptor.sql': 'ALTER TABLE payments ADD COLUMN statement_descriptor text;\n' },
      2,
    );
    await releaseBuild(
      expandCommit,
      'backfill',
      {
        '0003_backfill_statement_descriptor.sql':
          '-- backfill: pause_ms=5\nUPDATE payments SET statement_descriptor = description WHERE id IN (SELECT id FROM payments WHERE statement_descriptor IS NULL AND description IS NOT NULL LIMIT 200);\n',
      },
      3,
    );
    const samples: { at: number; ms: number; ok: boolean }[] = [];
    const stop = new AbortController();
    const load = runLoad({
      targets: engine.serviceUrls().active,
      connections: 4,
      durationMs: 400_000,
      workload: { kind: 'payments', apiKey: API_KEY },
      signal: stop.signal,
      onAttempt: (e) => samples.push({ at: e.startedAt, ms: e.endedAt - e.startedAt, ok: isSuccess(e.outcome) }),
    });
    const windows: Record<string, [number, number]> = {};
    try {
      let from = Date.now();
      await new Promise((r) => setTimeout(r, 8000));
      windows.baseline = [from, Date.now()];
      for (const tag of ['expand', 'backfill']) {
        from = Date.now();
        const before = status(await engine.get('payments')).stableRS;
        editRollout(deployDir, (text) => text.replace(/payments:[\w.-]+/, `payments:${tag}`));
        await waitForEntry(
          engine,
          `${tag} paused for promotion`,
          (e) => pausedForPromotion(e) && status(e).currentPodHash !== before,
          300_000,
        );
        await engine.promote('payments', { full: false });
        await waitForEntry(engine, `${tag} Healthy`, (e) => healthy(e) && status(e).stableRS !== before, 120_000);
        windows[tag] = [from, Date.now()];
      }
    } finally {
      stop.abort();
      await load;
    }
    const base = p99(
      samples.filter((s) => s.at >= windows.baseline![0] && s.at <= windows.baseline![1]).map((s) => s.ms),
    );
    for (const tag of ['expand', 'backfill']) {
      const [a, b] = windows[tag]!;
      const during = samples.filter((s) => s.at >= a && s.at <= b);
      console.log(
        `${tag}: ${during.length} requests, ${during.filter((s) => !s.ok).length} failed, p99 ${p99(during.map((s) => s.ms)).toFixed(1)} ms vs baseline ${base.toFixed(1)} ms (${(p99(during.map((s) => s.ms)) / base).toFixed(2)}x), ${((b - a) / 1000).toFixed(1)} s`,
      );
    }
    expect(await query('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 3 }]);
    // Rows that existed when the backfill ran were filled in batches (rows written later by code that
    // does not know the column yet stay NULL: a real expand release writes both columns).
    const [filled] = await query<{ copied: number; wrong: number }>(
      `SELECT count(*) FILTER (WHERE statement_descriptor = description)::int AS copied,
              count(*) FILTER (WHERE statement_descriptor IS DISTINCT FROM description AND statement_descriptor IS NOT NULL)::int AS wrong
         FROM payments`,
    );
    expect(filled!.copied).toBeGreaterThan(0);
    expect(filled!.wrong).toBe(0);
    expect(samples.length).toBeGreaterThan(100);
    expect(samples.filter((s) => !s.ok)).toEqual([]);
  }, 900_000);
});
