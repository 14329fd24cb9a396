// Proof under failures, with load through the active Service and the ledger checked in the
// database: kill -9 of an active instance (two replicas), a revision that never becomes ready
// (the old one keeps serving; status says why once the progress deadline passes), and an engine
// that goes away and comes back (it re-adopts the running instances).
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
import type { Engine } from '../src/engine/engine.ts';
import type { RolloutEntry } from '../src/api/protocol.ts';
import {
  API_KEY,
  buildTestRepo,
  createDatabase,
  editRollout,
  healthy,
  startEngine,
  status,
  storedPayments,
  waitForEntry,
  removeTestRepo,
  type TestRepo,
} from './helpers/engine.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let deployDir: string;
let log: string[];
let activePort: number;

beforeAll(async () => {
  db = await createDatabase('failures');
  repo = await buildTestRepo();
  activePort = await freePort();
  ({ engine, deployDir, log } = await startEngine(repo, db.url, { activePort }));
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
      editRollout(deployDir, (text) =>
        text
          .replace(/(name: APP_VERSION\n\s+value: )"[^"]*"/, '$1"never-ready"')
          .replace('path: /readyz', 'path: /never-ready')
          .replace('progressDeadlineSeconds: 180', 'progressDeadlineSeconds: 20'),
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
    // Back to a template that works: the same spec as the stable revision is a fast rollback.
    editRollout(deployDir, (text) =>
      text
        .replace('"never-ready"', '"v1"')
        .replace('path: /never-ready', 'path: /readyz')
        .replace('progressDeadlineSeconds: 20', 'progressDeadlineSeconds: 180'),
    );
    await waitForEntry(
      engine,
      'Healthy again on the stable revision',
      (e) => healthy(e) && status(e).currentPodHash === before,
    );
  }, 240_000);

  it('an image without a build, a malformed image, a deploy/ that does not parse: the old revision keeps serving, status says why', async () => {
    const before = status(await engine.get('payments')).stableRS;
    const pods = (e: RolloutEntry) =>
      e.view.revisions.find((r) => r.podTemplateHash === status(e).currentPodHash)?.pods ?? [];
    await underLoad(async () => {
      editRollout(deployDir, (text) => text.replace(`payments:${repo.tag}`, 'payments:nobuild'));
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

      editRollout(deployDir, (text) => text.replace('payments:nobuild', 'payments:Not_A_Tag!'));
      const invalid = await waitForEntry(
        engine,
        'InvalidImageName',
        (e) => pods(e).length === 2 && pods(e).every((p) => p.state === 'InvalidImageName'),
      );
      expect(pods(invalid)[0]!.message).toMatch(/InvalidImageName: "[^"]*payments:Not_A_Tag!"/);

      editRollout(deployDir, (text) => `${text}\n  : this is not YAML: [\n`);
      const broken = await waitForEntry(engine, 'ComparisonError', (e) =>
        e.view.notes.some((n) => n.startsWith('ComparisonError:')),
      );
      expect(broken.view.notes[0]).toMatch(/rollout\.yaml/);
      expect(status(broken).blueGreen.activeSelector).toBe(before);
    });
    editRollout(deployDir, (text) =>
      text.replace('payments:Not_A_Tag!', `payments:${repo.tag}`).replace(/\n {2}: this is not YAML: \[\n$/, ''),
    );
    const back = await waitForEntry(
      engine,
      'Healthy on the stable revision',
      (e) => healthy(e) && status(e).currentPodHash === before,
    );
    expect(back.view.notes.some((n) => n.startsWith('ComparisonError:'))).toBe(false);
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
      ({ engine } = await startEngine(repo, db.url, { activePort, deployDir }));
      const adopted = await waitForEntry(engine, 'Healthy with adopted instances', (e) => healthy(e));
      expect(status(adopted).blueGreen.activeSelector).toBe(status(adopted).stableRS);
      // The same processes, not restarted: adopted by pid (and kernel start time).
      expect(running()).toEqual(before);
    }, true);
  }, 240_000);
});
