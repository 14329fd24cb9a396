// Shared set-up of the engine tests: one build of this checkout, a database of its own on the
// run's PostgreSQL, the fixture Rollout, and small waits on what `status` shows.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createEmptyDatabase, dropTestDatabase } from '@quickship/payments/test-support';
import { Engine, type EngineOptions } from '../../src/engine/engine.ts';
import { LocalRegistry } from '../../src/runtime/registry.ts';
import type { RolloutEntry } from '../../src/api/protocol.ts';
import { copyCheckoutToRepo, writeFixtureDeploy } from './repo.ts';

export const API_KEY = 'sk_test_engine_0123456789abcdef';
export const API_KEYS = `acme:${API_KEY}`;

/** A database on the test run's PostgreSQL (test/global-setup.ts); dropped by the returned function. */
export async function createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = await createEmptyDatabase(prefix);
  return { url, drop: () => dropTestDatabase(url) };
}

/** Every payment in the database with the Idempotency-Key the load generator put in its metadata. */
export async function storedPayments(databaseUrl: string): Promise<{ id: string; idempotencyKey: string | null }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; key: string | null }>(
      "SELECT id, metadata->>'loadgen_key' AS key FROM payments",
    );
    return rows.map((r) => ({ id: r.id, idempotencyKey: r.key }));
  } finally {
    await client.end();
  }
}

export interface TestRepo {
  readonly repoDir: string;
  readonly stateDir: string;
  readonly tag: string;
}

/** A repository copy with one build of HEAD in a fresh state folder. */
export async function buildTestRepo(tag = 'test'): Promise<TestRepo> {
  const repoDir = copyCheckoutToRepo();
  const stateDir = mkdtempSync(join(tmpdir(), 'quickship-state-'));
  chmodSync(stateDir, 0o755); // a private PostgreSQL runs as the postgres user and must reach it
  await new LocalRegistry({ repoDir, registryDir: join(stateDir, 'registry') }).build({ tag });
  return { repoDir, stateDir, tag };
}

/**
 * Removes a test repository and its state, first killing any instance still running from it.
 * Instances are detached on purpose (a restarted engine re-adopts them), so a test that fails
 * half-way would otherwise leave them running; they are found by their working folder.
 */
export function removeTestRepo(repo: TestRepo | undefined): void {
  if (!repo) return;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(repo.stateDir)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already, or not ours to read
    }
  }
  for (const dir of [repo.repoDir, repo.stateDir]) rmSync(dir, { recursive: true, force: true });
}

export async function startEngine(
  repo: TestRepo,
  databaseUrl: string,
  overrides: Partial<EngineOptions> = {},
  edit?: (rollout: string) => string,
): Promise<{ engine: Engine; deployDir: string; log: string[] }> {
  const deployDir = overrides.deployDir ?? writeFixtureDeploy(join(repo.stateDir, 'deploy'), repo.tag, edit);
  const log: string[] = [];
  const engine = await Engine.start({
    repoDir: repo.repoDir,
    stateDir: repo.stateDir,
    deployDir,
    databaseUrl,
    apiKeys: API_KEYS,
    activePort: 0,
    previewPort: 0,
    backoff: { initialSeconds: 0.5, maxSeconds: 2, resetAfterSeconds: 60 },
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
    ...overrides,
  });
  return { engine, deployDir, log };
}

/** Rewrites the fixture Rollout in place (the engine notices through its watch of deploy/). */
export function editRollout(deployDir: string, edit: (text: string) => string): void {
  const file = join(deployDir, 'rollout.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

/** A new revision: APP_VERSION is part of the pod template, so a new value is a new hash. */
export function setAppVersion(deployDir: string, version: string): void {
  editRollout(deployDir, (text) => text.replace(/(name: APP_VERSION\n\s+value: )"[^"]*"/, `$1"${version}"`));
}

/**
 * Polls `get('payments')` (the Engine, or the API client of a `quickship up`: bench/cutover.ts)
 * every `intervalMs` until `check` holds; throws with the last view after `timeoutMs`.
 */
export async function waitForEntry(
  engine: { get(name: string): Promise<RolloutEntry> },
  what: string,
  check: (entry: RolloutEntry) => boolean,
  timeoutMs = 150_000,
  intervalMs = 100,
): Promise<RolloutEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = await engine.get('payments');
    if (check(entry)) return entry;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; now ${entry.view.phase} "${entry.view.message}"\n${JSON.stringify(entry.view.revisions, null, 1)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const status = (entry: RolloutEntry) =>
  (
    entry.rollout as {
      status: {
        phase: string;
        message: string;
        currentPodHash?: string;
        stableRS?: string;
        abort: boolean;
        blueGreen: { activeSelector?: string; previewSelector?: string };
        pauseConditions: { reason: string }[];
      };
    }
  ).status;

/** Paused at BlueGreenPause with the new ReplicaSet fully available behind the preview Service. */
export const pausedForPromotion = (entry: RolloutEntry): boolean =>
  status(entry).phase === 'Paused' && status(entry).pauseConditions.some((c) => c.reason === 'BlueGreenPause');
export const healthy = (entry: RolloutEntry): boolean => status(entry).phase === 'Healthy';
