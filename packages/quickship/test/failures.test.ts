// Proof under failures, with load through the active Service and the ledger checked in the
// database: kill -9 of an active instance (two replicas), a revision that never becomes ready
// (the old one keeps serving; status says why once the progress deadline passes), and an engine
// that goes away and comes back (it re-adopts the running instances). The engine runs in GitOps
// mode over a real Git repository (branch main, the Applications' targetRevision): every new
// revision, broken or fixed, is a commit, synced by the application controller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@quickship/pglocal';
import {
  runLoad,
  verifyPayments,
  describeLedger,
  outcomeLabel,
  isSuccess,
  type AttemptEvent,
  type LoadResult,
} from '@quickship/loadgen';
import { Engine } from '../src/engine/engine.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';
import type { RolloutEntry } from '../src/api/protocol.ts';
import {
  API_KEY,
  buildTestRepo,
  createDatabase,
  healthy,
  status,
  storedPayments,
  waitForEntry,
  removeTestRepo,
  type TestRepo,
} from './helpers/engine.ts';
import { commitRollout, startGitOpsEngine } from './helpers/gitops.ts';
import { git } from './helpers/repo.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let log: string[];
let activePort: number;
/** The options the engine was started with, to start it again the same way. */
let options: Parameters<typeof Engine.start>[0];

const commit = (message: string, edit: (text: string) => string): string => commitRollout(repo.repoDir, message, edit);
const payments = (): ApplicationStatus | undefined =>
  engine.liveStore().get({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: 'payments' })
    ?.status as ApplicationStatus | undefined;

beforeAll(async () => {
  db = await createDatabase('failures');
  repo = await buildTestRepo('0.1.0');
  activePort = await freePort();
  const started = await startGitOpsEngine(repo, db.url, {
    edit: (t) => t.replace(/^ {2}replicas: 1$/m, '  replicas: 2'),
    overrides: { activePort },
  });
  ({ engine, log } = started);
  options = started.options;
  await waitForEntry(engine, 'first revision Healthy', healthy, 150_000);
}, 200_000);

afterAll(async () => {
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
});

/** Runs `during` under steady payments load, then checks every attempt and the ledger. */
async function underLoad(during: () => Promise<void>, routerGoesAway = false): Promise<LoadResult['report']> {
  const failures: AttemptEvent[] = [];
  const stop = new AbortController();
  const load = runLoad({
    targets: `http://127.0.0.1:${activePort}`,
    connections: 4,
    durationMs: 240_000,
    workload: { kind: 'payments', apiKey: API_KEY },
    // While the engine is away its Service port is closed: the client retries with the same key
    // for a few seconds (8 attempts, backoff up to 1 s), as a payment client's network retries do
    // — the default 5 attempts give up after ~0.4 s, less than an engine takes to start again on a
    // loaded machine (it reopens the ports before the application controller starts).
    ...(routerGoesAway ? { retry: { maxAttempts: 8, maxDelayMs: 1000 } } : {}),
    signal: stop.signal,
    onAttempt: (event) => {
      if (!isSuccess(event.outcome)) failures.push(event);
    },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await during();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    stop.abort();
  }
  const { report, payments } = await load;
  // Only when the router itself goes away may an attempt fail without an answer (refused, or its idle
  // keep-alive connection closed): the retry with the same key must then succeed, once (the ledger below).
  const unexpected = failures.filter((f) => !(routerGoesAway && f.outcome.kind === 'transport'));
  expect(
    unexpected.map((f) => `${f.idempotencyKey} attempt ${f.attempt}: ${outcomeLabel(f.outcome)}`),
    log.slice(-30).join('\n'),
  ).toEqual([]);
  expect(report.logical.failed).toBe(0);
  expect(report.logical.succeeded).toBeGreaterThan(20);
  const ledger = await verifyPayments({
    target: `http://127.0.0.1:${activePort}`,
    apiKey: API_KEY,
    outcome: payments,
    stored: () => storedPayments(db.url),
    fetchEach: 50,
    allowForeign: true,
  });
  expect(ledger.ok, describeLedger(ledger)).toBe(true);
  return report;
}

describe('failures under load', () => {
  it('kill -9 of an active instance: no request fails, the instance restarts', async () => {
    const report = await underLoad(async () => {
      const [victim] = engine.instances().filter((i) => i.ready);
      expect(victim?.pid).toBeDefined();
      process.kill(victim!.pid!, 'SIGKILL');
      await waitForEntry(
        engine,
        'the killed instance restarted and ready',
        (e) =>
          healthy(e) &&
          e.view.revisions.some((r) => r.pods.some((p) => p.name === victim!.name && p.restarts === 1 && p.ready)),
      );
    });
    console.log(`kill -9: ${report.logical.succeeded} payments, ${report.attempts.sent} attempts, 0 failed`);
  }, 240_000);

  it('a revision that never becomes ready: the old one keeps serving, the rollout says why', async () => {
    const before = status(await engine.get('payments')).stableRS;
    await underLoad(async () => {
      commit('a release that never becomes ready', (text) =>
        text
          .replace(/(name: APP_VERSION\n\s+value: )\S+/, '$1"never-ready"')
          .replace('path: /readyz', 'path: /never-ready')
          .replace(/progressDeadlineSeconds: \d+/, 'progressDeadlineSeconds: 20'),
      );
      const degraded = await waitForEntry(engine, 'ProgressDeadlineExceeded', (e) => status(e).phase === 'Degraded');
      expect(status(degraded).message).toMatch(
        /^ProgressDeadlineExceeded: ReplicaSet "payments-\w+" has timed out progressing/,
      );
      expect(status(degraded).blueGreen.activeSelector).toBe(before);
      expect(degraded.view.revisions[0]!.markers).toEqual(['preview']);
      // Each instance of the new revision is shown not ready, with its readiness probe as the reason.
      // (The deadline leaves room for both to start and pass their startup probe on a loaded machine:
      // starting two payments processes through tsx took 6–9 s under heavy CPU load.)
      const pods = degraded.view.revisions[0]!.pods;
      expect(pods).toHaveLength(2);
      for (const pod of pods)
        expect(pod).toMatchObject({ ready: false, message: expect.stringMatching(/readiness probe/i) });
    });
    // Back to a template that works: a revert commit; the same spec as the stable revision is a fast rollback.
    git(repo.repoDir, 'revert', '--no-edit', 'HEAD');
    await waitForEntry(
      engine,
      'Healthy again on the stable revision',
      (e) => healthy(e) && status(e).currentPodHash === before,
    );
  }, 240_000);

  it('commits with an image without a build, a malformed image, YAML that does not parse: the old revision keeps serving, status says why', async () => {
    const before = status(await engine.get('payments')).stableRS;
    const pods = (e: RolloutEntry) =>
      e.view.revisions.find((r) => r.podTemplateHash === status(e).currentPodHash)?.pods ?? [];
    await underLoad(async () => {
      commit('an image without a build', (text) => text.replace(`payments:${repo.tag}`, 'payments:nobuild'));
      const pull = await waitForEntry(
        engine,
        'ErrImagePull',
        (e) =>
          status(e).currentPodHash !== before &&
          pods(e).length === 2 &&
          pods(e).every((p) => p.state === 'ErrImagePull'),
      );
      expect(pods(pull)[0]!.message).toMatch(/tag "nobuild" has no local build .*quickship build --tag nobuild/);
      expect(status(pull).blueGreen.activeSelector).toBe(before);

      commit('a malformed image', (text) => text.replace('payments:nobuild', 'payments:Not_A_Tag!'));
      const invalid = await waitForEntry(
        engine,
        'InvalidImageName',
        (e) => pods(e).length === 2 && pods(e).every((p) => p.state === 'InvalidImageName'),
      );
      expect(pods(invalid)[0]!.message).toMatch(/InvalidImageName: "[^"]*payments:Not_A_Tag!"/);

      commit('YAML that does not parse', (text) => `${text}\n  : this is not YAML: [\n`);
      await waitForEntry(engine, 'ComparisonError', () =>
        (payments()?.conditions ?? []).some((c) => c.type === 'ComparisonError' && /rollout\.yaml/.test(c.message)),
      );
      expect(status(await engine.get('payments')).blueGreen.activeSelector).toBe(before);
    });
    commit('fix: the built image, YAML that parses', (text) =>
      text.replace('payments:Not_A_Tag!', `payments:${repo.tag}`).replace(/\n {2}: this is not YAML: \[\n$/, ''),
    );
    const back = await waitForEntry(
      engine,
      'Healthy on the stable revision',
      (e) => healthy(e) && status(e).currentPodHash === before,
    );
    expect(status(back).blueGreen.activeSelector).toBe(before);
    expect((payments()?.conditions ?? []).some((c) => c.type === 'ComparisonError')).toBe(false);
  }, 240_000);

  it('an engine that goes away and comes back re-adopts its running instances', async () => {
    const running = (): string[] =>
      engine
        .instances()
        .filter((i) => i.ready)
        .map((i) => `${i.name} pid ${i.pid} restarts ${i.restarts}`)
        .sort();
    const before = running();
    expect(before).toHaveLength(2);
    await underLoad(async () => {
      await engine.detach();
      // The Service port is closed while no engine runs: clients see refused connections and retry with the same key.
      engine = await Engine.start(options);
      const adopted = await waitForEntry(engine, 'Healthy with adopted instances', (e) => healthy(e));
      expect(status(adopted).blueGreen.activeSelector).toBe(status(adopted).stableRS);
      // The same processes, not restarted: adopted by pid (and kernel start time).
      expect(running()).toEqual(before);
    }, true);
  }, 240_000);
});
