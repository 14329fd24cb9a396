// npm run bench:gitops — the GitOps loop timed under payments load, beside Argo CD's defaults for
// the same step. A scratch copy of this repository (branch main, one replica) runs in GitOps mode
// (the engine in this process, Git polled every 500 ms); each repetition:
//   1. commit a release (new APP_VERSION)  → app Synced to it; → preview serving the new revision
//      (then promote, so the active Service serves it)
//   2. drift: an image edited in the live Rollout → the spec restored by self-heal
//   3. revert commit of the release (`quickship rollback`'s git revert) → the active Service serving
//      the previous revision again (its ReplicaSet is still up: scaleDownDelaySeconds)
//   4. two more releases C and B (promoted); once C's ReplicaSet has been scaled down
//      (scaleDownDelaySeconds), the revert of B → active serving C: spec.rollbackWindow's
//      fast-tracked rollback (C's instance started again, no pause)
// Requests failed over the whole run must be 0. Prints medians and maxima; BENCH_REPS (default 10).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '@quickship/pglocal';
import { runLoad } from '@quickship/loadgen';
import { Engine } from '../src/engine/engine.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';
import { argoHealth } from '../src/gitops/health-assessor.ts';
import { LocalRegistry } from '../src/runtime/registry.ts';
import { copyCheckoutToRepo, git } from '../test/helpers/repo.ts';
import { API_KEY, API_KEYS, healthy, pausedForPromotion, status, waitForEntry } from '../test/helpers/engine.ts';
import { startRevisionProbe } from './revision-probe.ts';
import { median } from './report.ts';

const REPS = Number(process.env.BENCH_REPS ?? 10);
if (!Number.isInteger(REPS) || REPS < 1) {
  console.error(`BENCH_REPS=${process.env.BENCH_REPS} is not a positive integer (e.g. BENCH_REPS=10)`);
  process.exit(2);
}
const ROLLOUT = 'deploy/apps/payments/rollout.yaml';
const REF = { group: 'argoproj.io', kind: 'Rollout', namespace: 'payments', name: 'payments' } as const;
const step = (line: string): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function until<T>(what: string, probe: () => T | undefined | false, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'quickship-bench-gitops-'));
  chmodSync(work, 0o755);
  const repoDir = copyCheckoutToRepo('quickship-bench-gitops-repo-');
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(repoDir, { recursive: true, force: true })];
  try {
    git(repoDir, 'branch', '-M', 'main');
    const edit = (message: string, change: (t: string) => string): string => {
      writeFileSync(join(repoDir, ROLLOUT), change(readFileSync(join(repoDir, ROLLOUT), 'utf8')));
      git(repoDir, 'commit', '-q', '-am', message);
      return git(repoDir, 'rev-parse', 'HEAD');
    };
    edit('bench: one replica', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 1'));
    const stateDir = join(work, 'state');
    step('building the image and starting PostgreSQL');
    await new LocalRegistry({ repoDir, registryDir: join(stateDir, 'registry') }).build({ tag: '0.1.0' });
    const pg = await startPostgres({
      dataDir: join(work, 'pg'),
      ephemeral: true,
      settings: { max_connections: '200' },
    });
    cleanups.unshift(() => pg.stop());
    const databaseUrl = await pg.createDatabase('bench');
    const engine = await Engine.start({
      repoDir,
      stateDir,
      databaseUrl,
      apiKeys: API_KEYS,
      activePort: 0,
      previewPort: 0,
      gitops: { health: argoHealth },
      log: () => undefined,
    });
    cleanups.unshift(() => engine.stop());
    await waitForEntry(engine, 'first revision Healthy', healthy, 180_000);
    const store = engine.liveStore();
    const app = (): ApplicationStatus | undefined =>
      store.get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })?.status as
        ApplicationStatus | undefined;
    const { active, preview } = engine.serviceUrls();
    const activeProbe = startRevisionProbe(active, 2);
    const previewProbe = startRevisionProbe(preview, 2);
    // One load run per repetition (a run lasts at most 600 s); the totals add up.
    const totals = { sent: 0, ok: 0 };
    let stop = new AbortController();
    let load: ReturnType<typeof runLoad> | undefined;
    const endLoad = async (): Promise<void> => {
      stop.abort();
      if (load === undefined) return;
      const { report } = await load;
      load = undefined;
      totals.sent += report.attempts.sent;
      totals.ok += report.attempts.ok;
    };
    const figures = {
      commitToSynced: [] as number[],
      commitToPreview: [] as number[],
      driftToRestored: [] as number[],
      revertToActive: [] as number[],
      revertAfterScaleDown: [] as number[],
    };
    try {
      for (let rep = 1; rep <= REPS; rep++) {
        stop = new AbortController();
        load = runLoad({
          targets: active,
          connections: 4,
          durationMs: 590_000,
          workload: { kind: 'payments', apiKey: API_KEY },
          signal: stop.signal,
        });
        const previous = status(await engine.get('payments')).currentPodHash!;
        let t0 = performance.now();
        const commit = edit(`release r${rep}`, (t) =>
          t.replace(/(name: APP_VERSION\n\s+value: )\S+/, `$1bench-r${rep}`),
        );
        await until('Synced to the release', () => app()?.sync.revision === commit && app()?.sync.status === 'Synced');
        figures.commitToSynced.push(performance.now() - t0);
        const entry = await waitForEntry(
          engine,
          'paused for promotion',
          (e) => pausedForPromotion(e) && status(e).currentPodHash !== previous,
          120_000,
          10,
        );
        const next = status(entry).currentPodHash!;
        figures.commitToPreview.push((await previewProbe.firstAnswerFrom(next, t0, 60_000)) - t0);
        await engine.promote('payments', { full: true }); // no Prometheus here: analysis is skipped only by a full promote
        await waitForEntry(
          engine,
          'Healthy after promote',
          (e) => healthy(e) && status(e).stableRS === next,
          60_000,
          10,
        );

        const image = (): string =>
          (store.get(REF)?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
            .containers[0]!.image;
        const fromGit = image();
        const template = (store.get(REF)?.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
          .template;
        t0 = performance.now();
        store.patch(
          REF,
          {
            spec: {
              template: {
                ...template,
                spec: {
                  ...template.spec,
                  containers: template.spec.containers.map((c) => ({ ...c, image: `quickship/payments:drift-${rep}` })),
                },
              },
            },
          },
          'kubectl-argo-rollouts',
        );
        await until('drift restored', () => image() === fromGit, 60_000);
        figures.driftToRestored.push(performance.now() - t0);
        await waitForEntry(engine, 'Healthy after heal', (e) => healthy(e) && status(e).stableRS === next, 60_000, 10);

        t0 = performance.now();
        git(repoDir, 'revert', '--no-edit', commit);
        figures.revertToActive.push((await activeProbe.firstAnswerFrom(previous, t0, 60_000)) - t0);
        await waitForEntry(
          engine,
          'Healthy after revert',
          (e) => healthy(e) && status(e).stableRS === previous,
          60_000,
          10,
        );

        // 4. rollbackWindow (revisions: 1) counts the ReplicaSets created between the target and
        // stable, so the target must be the release just before: two fresh releases C then B, and
        // once C has been scaled down (scaleDownDelaySeconds), the revert of B brings C back.
        const releaseAndPromote = async (version: string): Promise<string> => {
          const before = status(await engine.get('payments')).stableRS;
          edit(`release ${version}`, (t) => t.replace(/(name: APP_VERSION\n\s+value: )\S+/, `$1${version}`));
          const paused = await waitForEntry(
            engine,
            `${version} paused for promotion`,
            (e) => pausedForPromotion(e) && status(e).currentPodHash !== before,
            120_000,
            10,
          );
          const hash = status(paused).currentPodHash!;
          await engine.promote('payments', { full: true }); // no Prometheus here: analysis is skipped only by a full promote
          await waitForEntry(
            engine,
            `${version} Healthy`,
            (e) => healthy(e) && status(e).stableRS === hash,
            60_000,
            10,
          );
          return hash;
        };
        const c = await releaseAndPromote(`bench-c${rep}`);
        await releaseAndPromote(`bench-b${rep}`);
        await waitForEntry(
          engine,
          'release C scaled down',
          (e) => e.view.revisions.find((r) => r.podTemplateHash === c)?.status === 'ScaledDown',
          120_000,
          10,
        );
        t0 = performance.now();
        git(repoDir, 'revert', '--no-edit', 'HEAD');
        figures.revertAfterScaleDown.push((await activeProbe.firstAnswerFrom(c, t0, 60_000)) - t0);
        await waitForEntry(
          engine,
          'Healthy after the revert of B',
          (e) => healthy(e) && status(e).stableRS === c,
          60_000,
          10,
        );
        step(
          `rep ${rep}: commit→Synced ${figures.commitToSynced.at(-1)!.toFixed(0)} ms, →preview ${figures.commitToPreview.at(-1)!.toFixed(0)} ms, drift→restored ${figures.driftToRestored.at(-1)!.toFixed(0)} ms, revert→active ${figures.revertToActive.at(-1)!.toFixed(0)} ms, after scale-down ${figures.revertAfterScaleDown.at(-1)!.toFixed(0)} ms`,
        );
        await endLoad();
      }
    } finally {
      await endLoad();
      await activeProbe.stop();
      await previewProbe.stop();
    }
    const failed = totals.sent - totals.ok;
    const row = (name: string, values: number[], argo: string): string =>
      `| ${name} | ${(median(values) / 1000).toFixed(2)} s | ${(Math.max(...values) / 1000).toFixed(2)} s | ${argo} |`;
    console.log(
      `\nGitOps loop, ${REPS} repetitions under payments load (${totals.sent} requests, ${failed} failed; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})\n`,
    );
    console.log('| step | median | max | Argo CD default for the same step |');
    console.log('|---|---|---|---|');
    console.log(
      row('commit → app Synced', figures.commitToSynced, 'Git poll 120 s + up to 60 s jitter (or a webhook)'),
    );
    console.log(
      row(
        'commit → preview serving the new revision',
        figures.commitToPreview,
        'the poll, then the Rollouts controller',
      ),
    );
    console.log(
      row(
        'drift → spec restored (self-heal, PreSync hook included)',
        figures.driftToRestored,
        'live change seen through a watch; first self-heal at once',
      ),
    );
    console.log(
      row(
        'revert commit → active serving the previous revision',
        figures.revertToActive,
        'the poll, then fast rollback',
      ),
    );
    console.log(
      row(
        'revert commit → active, previous ReplicaSet already scaled down (rollbackWindow)',
        figures.revertAfterScaleDown,
        'the poll, then the ReplicaSet scaled up; rollbackWindow skips pause and analysis',
      ),
    );
    console.log(`\nrequests failed: ${failed} of ${totals.sent}`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => step(`cleanup: ${(error as Error).message}`));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
