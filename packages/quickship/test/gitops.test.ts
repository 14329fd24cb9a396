// GitOps end to end: the engine started with no --dir runs deploy/argocd's root Application from a
// real Git repository (a copy of this checkout, branch main), syncs the payments app through its
// PreSync migration Job into the live store, and runs the Rollout from there. Then what Argo CD
// does in a cluster: a commit is deployed (the new revision behind preview), an imperative image
// change is drift and is healed, spec.replicas (ignoreDifferences) is not, an `undo` is reverted
// by self-heal, and a commit that does not parse changes nothing live.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';
import { git } from './helpers/repo.ts';
import {
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
import { Engine as EngineClass } from '../src/engine/engine.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
import { startApiServer } from '../src/api/server.ts';
import { runMain } from './helpers/run-main.ts';

const ROLLOUT = 'deploy/apps/payments/rollout.yaml';
const ROLLOUT_REF = { group: 'argoproj.io', kind: 'Rollout', namespace: 'payments', name: 'payments' } as const;

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

const payments = (): ApplicationStatus =>
  engine.liveStore().get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })
    ?.status as ApplicationStatus;

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; payments app: ${JSON.stringify(payments()?.operationState?.message ?? payments()?.conditions)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await createDatabase('gitops');
  repo = await buildTestRepo('0.1.0');
  git(repo.repoDir, 'branch', '-M', 'main'); // the Applications' targetRevision
  // One instance per revision keeps the test light; spec.replicas is the HPA's field in the cluster.
  commitRollout('test: one replica', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
  engine = await EngineClass.start({
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

describe('GitOps: Git is the only source of truth', () => {
  it('synced the payments app from the commit, through the PreSync migration Job', async () => {
    const app = await until(
      'payments Synced and Healthy',
      () => payments()?.sync.status === 'Synced' && payments().health.status === 'Healthy' && payments(),
    );
    expect(app.sync.revision).toBe(git(repo.repoDir, 'rev-parse', 'HEAD'));
    const hook = app.operationState?.syncResult.resources.find((r) => r.hookType === 'PreSync' && r.kind === 'Job');
    expect(hook).toMatchObject({ name: 'payments-migrate', hookPhase: 'Succeeded' });
    const externalSecret = app.operationState?.syncResult.resources.find(
      (r) => r.kind === 'ExternalSecret' && r.hookType,
    );
    expect(externalSecret?.message).toMatch(/no local controller/);
    // Objects nothing runs locally are stored and diffed all the same.
    expect(
      engine
        .liveStore()
        .get({ group: 'monitoring.coreos.com', kind: 'ServiceMonitor', namespace: 'payments', name: 'payments' }),
    ).toBeDefined();
    expect(app.resources.find((r) => r.kind === 'ServiceMonitor')?.health?.message).toMatch(/no local controller/);
  });

  it('deploys a commit: the new revision goes behind preview', async () => {
    const before = status(await engine.get('payments')).currentPodHash;
    const commit = commitRollout('release 0.1.1', (t) =>
      t.replace(/(name: APP_VERSION\n\s+value: )0\.1\.0/, '$10.1.1'),
    );
    await until(
      'synced to the new commit',
      () => payments()?.sync.revision === commit && payments().sync.status === 'Synced',
    );
    const entry = await waitForEntry(engine, 'paused for promotion', pausedForPromotion, 90_000);
    expect(status(entry).currentPodHash).not.toBe(before);
    expect(status(entry).blueGreen.activeSelector).toBe(before);
    // This engine has no Prometheus: the pre-promotion AnalysisRun is written, skipped, never Successful.
    const hash = status(entry).currentPodHash;
    await until('pre-promotion analysis recorded as skipped', () =>
      engine
        .liveStore()
        .list({ kind: 'AnalysisRun', namespace: 'payments' })
        .some(
          (r) =>
            r.metadata.name.startsWith(`payments-${hash}-`) &&
            (r.status as { phase?: string })?.phase === 'Inconclusive',
        ),
    );
  });

  it('heals drift on a field Git sets, and leaves spec.replicas (ignored) alone', async () => {
    const store = engine.liveStore();
    // Analysis is skipped without Prometheus, so only a full promotion (which skips it) releases.
    await engine.promote('payments', { full: true });
    await waitForEntry(engine, 'Healthy after promote', healthy, 90_000);
    const image = () =>
      (store.get(ROLLOUT_REF)?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]!.image;
    const fromGit = image();
    const live = store.get(ROLLOUT_REF)!;
    const template = (live.spec as { template: { spec: { containers: { image: string }[] } } }).template;
    store.patch(
      ROLLOUT_REF,
      {
        spec: {
          template: {
            ...template,
            spec: {
              ...template.spec,
              containers: template.spec.containers.map((c) => ({ ...c, image: 'quickship/payments:hand-edited' })),
            },
          },
        },
      },
      'kubectl-argo-rollouts',
    );
    await until('image healed', () => image() === fromGit, 30_000);

    store.patch(ROLLOUT_REF, { spec: { replicas: 2 } }, 'kubectl');
    await new Promise((r) => setTimeout(r, 1000));
    expect((store.get(ROLLOUT_REF)?.spec as { replicas: number }).replicas).toBe(2);
    expect(payments().sync.status).toBe('Synced');
    store.patch(ROLLOUT_REF, { spec: { replicas: 1 } }, 'kubectl');
  });

  it('reverts an undo under selfHeal, as Argo CD does in the cluster', async () => {
    const hashBefore = status(await engine.get('payments')).currentPodHash;
    await engine.undo('payments', {});
    await until(
      'undo healed back to Git',
      () =>
        payments()?.operationState?.operation.initiatedBy.automated &&
        payments().sync.status === 'Synced' &&
        payments().history!.length >= 3,
    );
    const entry = await waitForEntry(
      engine,
      'back on the Git revision',
      (e) => status(e).currentPodHash === hashBefore,
      60_000,
    );
    expect(status(entry).currentPodHash).toBe(hashBefore);
  });

  it('answers the app commands over the API, as argocd app does', async () => {
    // The undo's heal may still be settling: wait for the app to be at rest before reading it.
    await until(
      'payments Synced and Healthy, no operation running',
      () =>
        payments()?.sync.status === 'Synced' &&
        payments().health.status === 'Healthy' &&
        payments().operationState?.phase !== 'Running',
    );
    const api = await startApiServer({ engine, port: 0 });
    try {
      const list = await runMain('--api', api.url, 'app', 'list');
      expect(list.code).toBe(0);
      expect(list.out).toMatch(/payments\s+payments\s+Synced\s+Healthy/);
      expect(list.out).toMatch(/root\s+default\s+Synced/);
      const get = await runMain('--api', api.url, 'app', 'get', 'payments');
      expect(get.out).toMatch(/Sync Policy:\s+Automated \(Prune\) \(SelfHeal\)/);
      expect(get.out).toMatch(/PreSync\s+Job\s+payments-migrate\s+Succeeded/);
      expect(get.out).toMatch(/ServiceMonitor\s+payments\s+payments\s+Synced\s+Unknown\s+no local controller/);
      const root = await runMain('--api', api.url, 'app', 'get', 'root');
      expect(root.out).toMatch(/cluster only: ApplicationSet\/argo-rollouts generates nothing locally/);
      expect((await runMain('--api', api.url, 'app', 'diff', 'payments')).code).toBe(0);
      const refused = await runMain('--api', api.url, 'app', 'rollback', 'payments', '0');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/auto-sync is enabled/);
      const bad = await runMain('--api', api.url, 'scale', 'payments', '--replicas', 'many');
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/"many" is not a replica count/);
    } finally {
      await api.close();
    }
  });

  it('keeps running the last good objects when a commit does not parse (ComparisonError)', async () => {
    const generation = engine.liveStore().get(ROLLOUT_REF)?.metadata.generation; // status writes go on; the spec must not move
    commitRollout('broken', (t) => `${t}\n  : this is not YAML: [\n`);
    await until('ComparisonError', () => payments()?.conditions?.some((c) => c.type === 'ComparisonError'));
    expect(engine.liveStore().get(ROLLOUT_REF)?.metadata.generation).toBe(generation);
    expect(payments().sync.status).toBe('Unknown');
  });
});
