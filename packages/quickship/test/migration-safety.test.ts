// Proof, end to end on the local engine: a release whose migration drops payments.description is
// refused by the lint; with the lint bypassed, the engine's PreSync runs the old-code × new-schema
// check, which refuses it with the failing smoke check. The migration never reaches the shared
// database, the new revision never starts, and the stable revision keeps serving payments load
// with zero failed requests.
import { mkdirSync, writeFileSync } from 'node:fs';
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
  removeTestRepo,
  startEngine,
  status,
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
