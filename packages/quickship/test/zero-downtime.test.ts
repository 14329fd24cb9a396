// Proof: steady POST /v1/payments load with Idempotency-Keys through the active Service while the
// Rollout goes through release commits, promote, abort, retry and a rollback commit (`quickship
// rollback`), twice. The engine runs in GitOps mode from a real Git repository (branch main, the
// Applications' targetRevision): every new revision is a commit. Real payments processes built
// from a real commit, real PostgreSQL, the real router on loopback. Every attempt must be answered
// 2xx; afterwards the database must hold exactly one payment per acknowledged key and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runLoad,
  verifyPayments,
  describeLedger,
  outcomeLabel,
  isSuccess,
  type AttemptEvent,
} from '@quickship/loadgen';
import type { Engine } from '../src/engine/engine.ts';
import {
  API_KEY,
  buildTestRepo,
  createDatabase,
  healthy,
  pausedForPromotion,
  status,
  storedPayments,
  waitForEntry,
  removeTestRepo,
  type TestRepo,
} from './helpers/engine.ts';
import { commitAppVersion, startGitOpsEngine } from './helpers/gitops.ts';
import { git } from './helpers/repo.ts';
import { runMain } from './helpers/run-main.ts';
import type { ApplicationStatus } from '../src/gitops/app-status.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let log: string[];
let app: () => ApplicationStatus | undefined;

beforeAll(async () => {
  db = await createDatabase('zero_downtime');
  repo = await buildTestRepo('0.1.0'); // the tag deploy/apps/payments runs
  ({ engine, log, app } = await startGitOpsEngine(repo, db.url));
  await waitForEntry(engine, 'first revision Healthy', healthy, 120_000);
}, 240_000);

afterAll(async () => {
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
});

/** The revision (pod template hash) that answers on the active port right now. */
async function servingRevision(): Promise<string | null> {
  const res = await fetch(`${engine.serviceUrls().active}/version`);
  await res.arrayBuffer();
  return res.headers.get('x-quickship-revision');
}

async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('zero downtime across release commits, promote, abort, retry and a rollback commit', () => {
  it('answers every payment 2xx and stores each exactly once, over two cycles', async () => {
    const failures: AttemptEvent[] = [];
    const stop = new AbortController();
    const load = runLoad({
      targets: engine.serviceUrls().active,
      connections: 4,
      durationMs: 240_000,
      workload: { kind: 'payments', apiKey: API_KEY },
      signal: stop.signal,
      onAttempt: (event) => {
        if (!isSuccess(event.outcome)) failures.push(event);
      },
    });
    const steps: string[] = [];
    try {
      for (let cycle = 1; cycle <= 2; cycle++) {
        // 1. A new revision goes to preview and pauses; promote switches the active Service to it.
        const before = status(await engine.get('payments')).stableRS;
        commitAppVersion(repo.repoDir, `v${cycle}a`);
        const paused = await waitForEntry(
          engine,
          `v${cycle}a paused for promotion`,
          (e) => pausedForPromotion(e) && status(e).currentPodHash !== before,
        );
        const a = status(paused).currentPodHash!;
        expect(status(paused).blueGreen).toEqual({ activeSelector: before, previewSelector: a });
        expect(await servingRevision()).toBe(before);
        expect(await engine.promote('payments', { full: false })).toBe("rollout 'payments' promoted");
        // The switch happens inside the verb call: the very next request is served by the new revision.
        expect(await servingRevision()).toBe(a);
        await waitForEntry(engine, `v${cycle}a Healthy`, (e) => healthy(e) && status(e).stableRS === a);
        steps.push(`promoted ${a}`);

        // 2. Another revision; abort keeps the active Service on stable; retry resumes; promote.
        commitAppVersion(repo.repoDir, `v${cycle}b`);
        const pausedB = await waitForEntry(
          engine,
          `v${cycle}b paused`,
          (e) => pausedForPromotion(e) && status(e).currentPodHash !== a,
        );
        const b = status(pausedB).currentPodHash!;
        expect(await engine.abort('payments')).toBe("rollout 'payments' aborted");
        const aborted = await waitForEntry(engine, 'aborted', (e) => status(e).phase === 'Degraded' && status(e).abort);
        expect(status(aborted).message).toMatch(/RolloutAborted/);
        expect(status(aborted).blueGreen.activeSelector).toBe(a);
        expect(await servingRevision()).toBe(a);
        expect(await engine.retry('payments')).toBe("rollout 'payments' retried");
        await waitForEntry(
          engine,
          'paused again after retry',
          (e) => pausedForPromotion(e) && status(e).currentPodHash === b,
        );
        await engine.promote('payments', { full: false });
        expect(await servingRevision()).toBe(b);
        await waitForEntry(engine, `v${cycle}b Healthy`, (e) => healthy(e) && status(e).stableRS === b);
        steps.push(`aborted, retried, promoted ${b}`);

        // 3. The GitOps rollback: a revert commit of release b. Revision a is still up
        // (scaleDownDelaySeconds) and within rollbackWindow: no pause, the switch follows the sync.
        const reverted = await runMain('rollback', '--repo', repo.repoDir);
        expect(reverted.code, reverted.err).toBe(0);
        await until('the revert synced', () => app()?.sync.revision === git(repo.repoDir, 'rev-parse', 'HEAD'));
        await until('revision a back on active', async () => (await servingRevision()) === a, 30_000);
        await waitForEntry(engine, 'rollback Healthy', (e) => healthy(e) && status(e).stableRS === a);
        steps.push(`rolled back to ${a}`);
      }
    } finally {
      stop.abort();
    }
    const { report, payments } = await load;
    const described = failures
      .slice(0, 10)
      .map(
        (f) =>
          `${new Date(f.startedAt).toISOString()} ${f.idempotencyKey} attempt ${f.attempt}: ${outcomeLabel(f.outcome)}`,
      );
    expect(described, `failed attempts (steps: ${steps.join('; ')})\n${log.slice(-40).join('\n')}`).toEqual([]);
    expect(report.logical.failed).toBe(0);
    expect(report.logical.succeeded).toBeGreaterThan(200);
    const ledger = await verifyPayments({
      target: engine.serviceUrls().active,
      apiKey: API_KEY,
      outcome: payments,
      stored: () => storedPayments(db.url),
      fetchEach: 100,
    });
    expect(ledger.ok, describeLedger(ledger)).toBe(true);
    console.log(
      `zero-downtime: ${report.logical.succeeded} payments over ${steps.length} steps, ${report.attempts.sent} attempts, 0 failed; p99 ${report.latency.p99Ms.toFixed(1)} ms`,
    );
  }, 300_000);
});
