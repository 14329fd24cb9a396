// GitOps recovery end to end, under payments load on the active port (every attempt must be 2xx):
// 1. `quickship rollback` commits a revert of the last release; with spec.rollbackWindow
//    (revisions: 1, rendered into deploy/) the previous ReplicaSet — already scaled down after
//    scaleDownDelaySeconds — comes back and takes the active Service without the manual pause.
// 2. The seed's incident: a hand-written commit whose image reads
//    `$ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com/payments:1.2.0`. The sync applies it, the new
//    ReplicaSet's instance reports InvalidImageName (`quickship status` shows it), the Rollout is
//    Progressing until progressDeadlineSeconds (20 s in this repository) and Degraded after it by
//    Argo CD's health rules, the active revision keeps serving; a fixing commit heals it with no
//    command typed.
// A real Git repository (branch main = the Applications' targetRevision), real processes, real
// PostgreSQL, real HTTP on loopback.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSuccess, outcomeLabel, runLoad, type AttemptEvent } from '@quickship/loadgen';
import { startApiServer } from '../src/api/server.ts';
import { Engine } from '../src/engine/engine.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
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

const ROLLOUT = 'deploy/apps/payments/rollout.yaml';
const PROGRESS_DEADLINE_SECONDS = 20;
const BAD_IMAGE = '$ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com/payments:1.2.0';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
const log: string[] = [];

function commitRollout(message: string, edit: (text: string) => string): string {
  const file = join(repo.repoDir, ROLLOUT);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  git(repo.repoDir, 'commit', '-q', '-am', message);
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

const payments = (): ApplicationStatus | undefined =>
  engine.liveStore().get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })
    ?.status as ApplicationStatus | undefined;

const rolloutHealth = (): { status: string; message?: string } | undefined =>
  payments()?.resources.find((r) => r.kind === 'Rollout' && r.name === 'payments')?.health;

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; app ${JSON.stringify(payments()?.health)}\n${log.slice(-20).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The revision (pod template hash) that answers on the active port right now. */
async function servingRevision(): Promise<string | null> {
  const res = await fetch(`${engine.serviceUrls().active}/version`);
  await res.arrayBuffer();
  return res.headers.get('x-quickship-revision');
}

/** Payments load on the active port for the duration of `body`; every attempt must succeed. */
async function underLoad(body: () => Promise<void>): Promise<number> {
  const failures: AttemptEvent[] = [];
  const stop = new AbortController();
  const load = runLoad({
    targets: engine.serviceUrls().active,
    connections: 2,
    durationMs: 240_000,
    workload: { kind: 'payments', apiKey: API_KEY },
    signal: stop.signal,
    onAttempt: (event) => {
      if (!isSuccess(event.outcome)) failures.push(event);
    },
  });
  try {
    await body();
  } finally {
    stop.abort();
  }
  const { report } = await load;
  const described = failures
    .slice(0, 10)
    .map((f) => `${new Date(f.startedAt).toISOString()} attempt ${f.attempt}: ${outcomeLabel(f.outcome)}`);
  expect(described, log.slice(-30).join('\n')).toEqual([]);
  expect(report.logical.failed).toBe(0);
  expect(report.logical.succeeded).toBeGreaterThan(20);
  return report.logical.succeeded;
}

beforeAll(async () => {
  db = await createDatabase('gitops_recovery');
  repo = await buildTestRepo('0.1.0');
  git(repo.repoDir, 'branch', '-M', 'main'); // the Applications' targetRevision
  commitRollout('test: one replica, a short progress deadline', (t) =>
    t
      .replace(/^ {2}replicas: 3$/m, '  replicas: 1')
      .replace(/^ {2}progressDeadlineSeconds: 600$/m, `  progressDeadlineSeconds: ${PROGRESS_DEADLINE_SECONDS}`),
  );
  expect(readFileSync(join(repo.repoDir, ROLLOUT), 'utf8')).toMatch(/rollbackWindow:\n\s+revisions: 1/);
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
}, 240_000);

afterAll(async () => {
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
});

describe('GitOps recovery under payments load', () => {
  it('quickship rollback: the revert commit puts the previous revision back on active, past the pause (rollbackWindow)', async () => {
    await underLoad(async () => {
      const previous = status(await engine.get('payments')).stableRS!;
      commitRollout('release 0.1.1', (t) => t.replace(/(name: APP_VERSION\n\s+value: )0\.1\.0/, '$10.1.1'));
      const paused = await waitForEntry(
        engine,
        'release paused for promotion',
        (e) => pausedForPromotion(e) && status(e).currentPodHash !== previous,
        90_000,
      );
      const released = status(paused).currentPodHash!;
      await engine.promote('payments', { full: false });
      await waitForEntry(engine, 'release Healthy', (e) => healthy(e) && status(e).stableRS === released, 60_000);
      // Past scaleDownDelaySeconds (30 s): without rollbackWindow the revert would be a normal
      // update and stop at the manual pause (autoPromotionEnabled: false).
      await waitForEntry(
        engine,
        'the previous ReplicaSet scaled down',
        (e) => e.view.revisions.find((r) => r.podTemplateHash === previous)?.status === 'ScaledDown',
        60_000,
      );

      const t0 = Date.now();
      const reverted = await runMain('rollback', '--repo', repo.repoDir);
      expect(reverted.code, reverted.err).toBe(0);
      expect(reverted.out).toMatch(/reverted [0-9a-f]{7} \(release 0\.1\.1\) as [0-9a-f]{7}: auto-sync deploys it/);
      expect(git(repo.repoDir, 'log', '-1', '--format=%s')).toBe('Revert "release 0.1.1"');
      // No promote is ever typed: without rollbackWindow this waits at BlueGreenPause for good.
      // Poll (200 ms) + sync (PreSync Job) + one instance started and Ready: 3 s on a quiet
      // machine, 13 s seen at load average 17; the bound only has to tell "switched" from "paused".
      await until(
        'the previous revision serving on active',
        async () => (await servingRevision()) === previous,
        90_000,
      );
      const seconds = (Date.now() - t0) / 1000;
      const entry = await waitForEntry(
        engine,
        'Healthy on the previous revision',
        (e) => healthy(e) && status(e).stableRS === previous,
        30_000,
      );
      expect(status(entry).pauseConditions ?? []).toEqual([]);
      expect(log.join('\n')).toMatch(/Rollback within window/);
      expect(payments()?.sync.revision).toBe(git(repo.repoDir, 'rev-parse', 'HEAD'));
      console.log(`gitops-recovery: revert commit → active on the previous revision in ${seconds.toFixed(2)} s`);
    });
  }, 300_000);

  it("the seed's incident: an invalid image is Progressing, then Degraded at the deadline; active serves; a fixing commit heals", async () => {
    const api = await startApiServer({ engine, port: 0 });
    try {
      await underLoad(async () => {
        const stable = status(await engine.get('payments')).stableRS!;
        let goodImage = '';
        const committedAt = Date.now();
        const bad = commitRollout('release 1.2.0 (by hand)', (t) =>
          t.replace(/^(\s+image: )(\S+)$/m, (_all, prefix: string, image: string) => {
            goodImage = image;
            return `${prefix}${BAD_IMAGE}`;
          }),
        );
        expect(goodImage).toMatch(/payments:0\.1\.0$/);
        await until(
          'synced to the bad commit',
          () => payments()?.sync.revision === bad && payments()?.sync.status === 'Synced',
        );
        const instance = await waitForEntry(
          engine,
          'the new instance reports InvalidImageName',
          (e) =>
            e.view.revisions.some(
              (r) => r.podTemplateHash !== stable && r.pods.some((p) => p.state === 'InvalidImageName'),
            ),
          30_000,
        );
        const badHash = status(instance).currentPodHash!;
        expect(badHash).not.toBe(stable);
        const shown = await runMain('--api', api.url, 'status', 'payments');
        expect(shown.code).toBe(0);
        expect(shown.out).toMatch(/InvalidImageName/);

        // Progressing while the deadline runs (Argo CD: Progressing condition still True).
        if (Date.now() - committedAt < (PROGRESS_DEADLINE_SECONDS - 2) * 1000)
          expect(rolloutHealth()?.status).toBe('Progressing');
        expect(await servingRevision()).toBe(stable);
        const degraded = await until(
          'the Rollout Degraded',
          () => rolloutHealth()?.status === 'Degraded' && rolloutHealth(),
          (PROGRESS_DEADLINE_SECONDS + 30) * 1000,
        );
        // Not before the deadline: its clock (the Progressing condition's lastUpdateTime, RFC 3339
        // seconds) starts after the commit.
        expect(Date.now() - committedAt).toBeGreaterThan((PROGRESS_DEADLINE_SECONDS - 1) * 1000);
        expect(degraded.message).toMatch(/has timed out progressing/);
        expect(payments()?.health.status).toBe('Degraded');
        expect(await servingRevision()).toBe(stable);

        // The fix is a commit; the engine heals with nothing typed.
        const fix = commitRollout('fix: image back to a built tag', (t) => t.replace(BAD_IMAGE, goodImage));
        await until(
          'healed from the fixing commit',
          () =>
            payments()?.sync.revision === fix &&
            payments()?.sync.status === 'Synced' &&
            payments()?.health.status === 'Healthy',
          60_000,
        );
        const entry = await waitForEntry(engine, 'Healthy', (e) => healthy(e) && status(e).stableRS === stable, 30_000);
        expect(status(entry).currentPodHash).toBe(stable);
        expect(await servingRevision()).toBe(stable);
      });
    } finally {
      await api.close();
    }
  }, 300_000);
});
