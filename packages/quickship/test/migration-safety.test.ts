// Migration safety on the GitOps path (the engine's default): commits to a real Git repository are
// synced by the app controller, whose migration gate runs the lint and the old-code × new-schema
// check before the PreSync Job `payments-migrate` may touch the shared database. Real PostgreSQL,
// real builds and processes, payments load through the active Service the whole time.
//   1. A release whose migration drops payments.description: the lint refuses it in the sync; the
//      same drop with the lint fooled (a contract marker naming an expand the stable release has,
//      which the lint trusts) is refused by the compatibility check. Each time the sync fails with
//      the reason, the Job never runs, the shared schema is untouched, the new revision never starts.
//   2. expand → migrate → contract, three releases moving `description` into `statement_descriptor`:
//      each passes lint + compatibility, migrates under load and is promoted; zero failed requests;
//      p99 during each release against a baseline window printed.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSuccess, runLoad } from '@quickship/loadgen';
import { startApiServer } from '../src/api/server.ts';
import { Engine } from '../src/engine/engine.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
import { LocalRegistry } from '../src/runtime/registry.ts';
import {
  API_KEY,
  API_KEYS,
  buildTestRepo,
  createDatabase,
  healthy,
  pausedForPromotion,
  removeTestRepo,
  status,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { git } from './helpers/repo.ts';
import { runMain } from './helpers/run-main.ts';

const MIGRATIONS = 'services/payments/migrations';
const IMAGE_FILES = ['rollout.yaml', 'migrate-job.yaml', 'analysistemplate-smoke.yaml'].map(
  (f) => `deploy/apps/payments/${f}`,
);
const INSERT = 'src/store/create-batch.ts';
const READ = 'src/store/payments.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let tag = '0.1.0';
const log: string[] = [];
const samples: { at: number; ms: number; ok: boolean; detail: string }[] = [];
const stopLoad = new AbortController();
let load: Promise<unknown>;

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const payments = (): ApplicationStatus | undefined =>
  engine.liveStore().get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })
    ?.status as ApplicationStatus | undefined;

async function until<T>(what: string, probe: () => T | undefined | false, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(payments()?.operationState?.message)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function edit(path: string, change: (text: string) => string, strict = true): void {
  const file = join(repo.repoDir, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (strict && after === before) throw new Error(`the edit of ${path} changed nothing: the test is out of date`);
  writeFileSync(file, after);
}

/**
 * One release, as CI and a release commit make it: the code and migrations committed and built
 * into `next` (build), then a commit pointing deploy/ at that image (deploy: what the app
 * controller syncs).
 */
async function release(next: string, change: () => void, codeVersion: number): Promise<string> {
  await build(next, change, codeVersion);
  return deploy(next);
}

async function build(next: string, change: () => void, codeVersion: number): Promise<void> {
  change();
  edit(
    'services/payments/src/schema-version.ts',
    (t) => t.replace(/CODE_SCHEMA_VERSION = \d+/, `CODE_SCHEMA_VERSION = ${codeVersion}`),
    false,
  );
  git(repo.repoDir, 'add', '-A');
  git(repo.repoDir, 'commit', '-q', '-m', `payments ${next}`);
  await new LocalRegistry({ repoDir: repo.repoDir, registryDir: join(repo.stateDir, 'registry') }).build({
    tag: next,
  });
}

function deploy(next: string): string {
  for (const file of IMAGE_FILES)
    edit(file, (t) => t.replaceAll(`quickship/payments:${tag}`, `quickship/payments:${next}`));
  tag = next;
  git(repo.repoDir, 'commit', '-q', '-am', `deploy payments ${next}`);
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

const failedSync = (revision: string) => (): ApplicationStatus | false => {
  const app = payments();
  return app?.operationState?.phase === 'Failed' && app.operationState.syncResult.revision === revision && app;
};

async function schemaUntouched(version: number): Promise<void> {
  expect(await query('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: version }]);
  expect(
    await query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'description'",
    ),
  ).toHaveLength(1);
}

function p99(from: number, to: number): { n: number; failed: number; p99: number } {
  const window = samples.filter((s) => s.at >= from && s.at <= to);
  const sorted = window.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: window.length,
    failed: window.filter((s) => !s.ok).length,
    p99: sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN,
  };
}

beforeAll(async () => {
  db = await createDatabase('migration_safety');
  repo = await buildTestRepo(tag);
  git(repo.repoDir, 'branch', '-M', 'main'); // the Applications' targetRevision
  edit('deploy/apps/payments/rollout.yaml', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
  git(repo.repoDir, 'commit', '-q', '-am', 'test: one replica');
  engine = await Engine.start({
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    databaseUrl: db.url,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    backoff: { initialSeconds: 0.5, maxSeconds: 2, resetAfterSeconds: 60 },
    gitops: { health: argoHealth, pollMs: 200 },
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
  });
  await waitForEntry(engine, 'first revision Healthy', healthy, 120_000);
  // One load run lasts at most 10 minutes (loadgen's bound): runs follow each other until stopped.
  load = (async () => {
    while (!stopLoad.signal.aborted)
      await runLoad({
        targets: engine.serviceUrls().active,
        connections: 4,
        durationMs: 600_000,
        workload: { kind: 'payments', apiKey: API_KEY },
        signal: stopLoad.signal,
        onAttempt: (e) =>
          samples.push({
            at: e.startedAt,
            ms: e.endedAt - e.startedAt,
            ok: isSuccess(e.outcome),
            detail: JSON.stringify(e.outcome),
          }),
      });
  })();
}, 240_000);

afterAll(async () => {
  stopLoad.abort();
  await load;
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
}, 60_000);

describe('the sync refuses a migration the stable revision cannot live with', () => {
  it('a drop of payments.description: refused by the lint, then (lint fooled) by the compatibility check; the stable keeps serving', async () => {
    const stableRS = status(await engine.get('payments')).stableRS;
    const from = Date.now();
    const dropped = await release(
      'drop-description',
      () =>
        writeFileSync(
          join(repo.repoDir, MIGRATIONS, '0002_drop.sql'),
          'ALTER TABLE payments DROP COLUMN description;\n',
        ),
      2,
    );
    const refused = await until('the lint refusal', failedSync(dropped), 120_000);
    expect(refused.operationState?.message).toMatch(
      /reason: Job\/payments-migrate not run: 1 unsafe migration step \(compared with the stable build .*:0\.1\.0 \(commit [0-9a-f]{12}\)\):\n0002_drop\.sql:1: ban-drop-column: ALTER TABLE payments DROP COLUMN description\n {2}risk: the stable revision still selects or inserts payments\.description/,
    );
    expect(refused.operationState?.retryCount).toBeUndefined(); // retry.limit 10 does not apply to a refusal
    expect(
      refused.operationState?.syncResult.resources.find((r) => r.hookType === 'PreSync' && r.kind === 'Job'),
    ).toMatchObject({
      kind: 'Job',
      name: 'payments-migrate',
      hookPhase: 'Failed',
    });
    // `quickship app get` shows the refusal as Argo CD shows a failed hook.
    const api = await startApiServer({ engine, port: 0 });
    try {
      const get = await runMain('--api', api.url, 'app', 'get', 'payments');
      expect(get.out).toMatch(/Phase:\s+Failed/);
      expect(get.out).toMatch(/PreSync\s+Job\s+payments-migrate\s+Failed\s+Job\/payments-migrate not run: 1 unsafe/);
      expect(get.out).toMatch(/ban-drop-column/);
    } finally {
      await api.close();
    }
    await schemaUntouched(1);

    // The lint fooled: a contract marker claiming an expand the stable release has (0001_init.sql).
    // The lint only checks that the named file shipped; the stable code still reads the column.
    const fooled = await release(
      'drop-description-2',
      () =>
        writeFileSync(
          join(repo.repoDir, MIGRATIONS, '0002_drop.sql'),
          '-- contract_of: 0001_init.sql\nALTER TABLE payments DROP COLUMN description;\n',
        ),
      2,
    );
    const broken = await until('the compatibility refusal', failedSync(fooled), 240_000);
    expect(log.join('\n')).toMatch(/migration gate \(payments [0-9a-f]{7}\): lint passed: 0002_drop\.sql/);
    expect(broken.operationState?.message).toMatch(
      /Job\/payments-migrate not run: the migrations of .*:drop-description-2 break the stable revision .*:0\.1\.0, so they were not applied:\nFAIL /,
    );
    await schemaUntouched(1);
    // The new revision never started: one ReplicaSet, the stable one, serves.
    const entry = await engine.get('payments');
    expect(status(entry).currentPodHash).toBe(stableRS);
    expect(entry.view.revisions.filter((r) => r.pods.length > 0).map((r) => r.podTemplateHash)).toEqual([stableRS]);
    const window = p99(from, Date.now());
    console.log(`refusals: ${window.n} requests, ${window.failed} failed, p99 ${window.p99.toFixed(1)} ms`);
    expect(window.n).toBeGreaterThan(50);
    expect(samples.filter((s) => !s.ok).map((s) => s.detail)).toEqual([]);
  }, 420_000);
});

describe('expand → migrate → contract under payments load', () => {
  it('three releases pass lint and compatibility, migrate and are promoted with zero failed requests; p99 measured', async () => {
    // Undo the refused attempt in Git (never applied anywhere).
    rmSync(join(repo.repoDir, MIGRATIONS, '0002_drop.sql'));
    const rows = (await query<{ n: number }>('SELECT count(*)::int AS n FROM payments'))[0]!.n;
    const steps: [string, () => void, number][] = [
      [
        'expand',
        // A nullable column; the code writes both and reads the new one where it is set.
        () => {
          writeFileSync(
            join(repo.repoDir, MIGRATIONS, '0002_add_statement_descriptor.sql'),
            'ALTER TABLE payments ADD COLUMN statement_descriptor text;\n',
          );
          edit(`services/payments/${INSERT}`, (t) =>
            t
              .replace(
                ' card_fingerprint, description, metadata,',
                ' card_fingerprint, description, statement_descriptor, metadata,',
              )
              .replace('p.description, p.metadata', 'p.description, p.description, p.metadata'),
          );
          edit(`services/payments/${READ}`, (t) =>
            t.replace(
              'card_exp_year, description, metadata',
              'card_exp_year, coalesce(statement_descriptor, description) AS description, metadata',
            ),
          );
        },
        2,
      ],
      [
        'migrate',
        // The old rows backfilled in batches; the code reads and writes only the new column.
        () => {
          writeFileSync(
            join(repo.repoDir, MIGRATIONS, '0003_backfill_statement_descriptor.sql'),
            '-- backfill: pause_ms=5\nUPDATE payments SET statement_descriptor = description\n WHERE id IN (SELECT id FROM payments WHERE statement_descriptor IS NULL AND description IS NOT NULL LIMIT 500);\n',
          );
          edit(`services/payments/${INSERT}`, (t) =>
            t
              .replace(
                ' card_fingerprint, description, statement_descriptor, metadata,',
                ' card_fingerprint, statement_descriptor, metadata,',
              )
              .replace('p.description, p.description, p.metadata', 'p.description, p.metadata'),
          );
          edit(`services/payments/${READ}`, (t) =>
            t.replace(
              'coalesce(statement_descriptor, description) AS description',
              'statement_descriptor AS description',
            ),
          );
        },
        3,
      ],
      [
        'contract',
        // The old column dropped, marked as the contract of the expand that is now in the stable build.
        () =>
          writeFileSync(
            join(repo.repoDir, MIGRATIONS, '0004_drop_description.sql'),
            '-- contract_of: 0002_add_statement_descriptor.sql\nALTER TABLE payments DROP COLUMN description;\n',
          ),
        4,
      ],
    ];
    const report: string[] = [];
    for (const [name, change, version] of steps) {
      await build(name, change, version);
      // The machine is shared: each release is compared with a quiet window just before it.
      let from = Date.now();
      await new Promise((r) => setTimeout(r, 10_000));
      const baseline = p99(from, Date.now());
      from = Date.now();
      const before = status(await engine.get('payments')).stableRS;
      const revision = deploy(name);
      await until(
        `${name} synced`,
        () => {
          const app = payments();
          if (app?.operationState?.phase === 'Failed' && app.operationState.syncResult.revision === revision)
            throw new Error(`${name} refused: ${app.operationState.message}`);
          return app?.operationState?.phase === 'Succeeded' && app.operationState.syncResult.revision === revision;
        },
        300_000,
      );
      const synced = Date.now();
      await waitForEntry(
        engine,
        `${name} paused for promotion`,
        (e) => pausedForPromotion(e) && status(e).currentPodHash !== before,
        180_000,
      );
      // This engine has no Prometheus: the pre-promotion analysis is skipped (Inconclusive), so only
      // a full promotion (which skips it) releases, as in test/gitops.test.ts.
      await engine.promote('payments', { full: true });
      await waitForEntry(engine, `${name} Healthy`, (e) => healthy(e) && status(e).stableRS !== before, 120_000);
      const all = p99(from, Date.now());
      const sync = p99(from, synced);
      report.push(
        `${name}: baseline ${baseline.n} requests, p99 ${baseline.p99.toFixed(1)} ms; commit → promoted ${((Date.now() - from) / 1000).toFixed(0)} s: ` +
          `${all.n} requests, ${all.failed} failed, p99 ${all.p99.toFixed(1)} ms (${(all.p99 / baseline.p99).toFixed(2)}x); ` +
          `gate + migration (commit → synced, ${((synced - from) / 1000).toFixed(0)} s) p99 ${sync.p99.toFixed(1)} ms (${(sync.p99 / baseline.p99).toFixed(2)}x)`,
      );
      expect(log.join('\n')).toMatch(
        new RegExp(
          `migration gate \\(payments ${revision.slice(0, 7)}\\): \\S+ passed its smoke checks on the schema of \\S+:${name} `,
        ),
      );
    }
    console.log(`expand → migrate → contract under load (${rows} rows before):\n  ${report.join('\n  ')}`);
    expect(await query('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 4 }]);
    expect(
      await query(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'description'",
      ),
    ).toHaveLength(0);
    // Every payment kept its description, now served from the new column.
    const [kept] = await query<{ total: number; missing: number }>(
      "SELECT count(*)::int AS total, count(*) FILTER (WHERE statement_descriptor IS NULL OR statement_descriptor NOT LIKE 'loadgen %')::int AS missing FROM payments",
    );
    expect(kept!.total).toBeGreaterThan(rows);
    expect(kept!.missing).toBe(0);
    expect(samples.filter((s) => !s.ok).map((s) => s.detail)).toEqual([]);
  }, 1_200_000);
});
