// Argo CD's resource actions on the engine's live Rollout, and the GitOps rollback by revert
// commit — the console's Promote full, Abort, Retry, Restart and (under auto-sync) Rollback — end
// to end: a GitOps engine over a real Git repository (branch main), real processes, real
// PostgreSQL, the engine API and the console server on loopback.
//
// The patch each action applies must equal the one Argo CD derives from its own test data for the
// same action (../shared/corpus/argo-cd/Rollout/actions/action_test.yaml: the merge patch from the
// input to the expected object). The CLI's rules win: an action the plugin's verb refuses is
// refused with the plugin's reason, and nothing changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../src/api/server.ts';
import { startConsoleServer, TOKEN_HEADER, type ConsoleServer } from '../src/console/server.ts';
import type { Engine } from '../src/engine/engine.ts';
import { actionPatch } from '../src/gitops/actions/patch.ts';
import { argoCdObject, hasArgoCdCorpus, readArgoCd } from '../src/gitops/testing/argo-cd-corpus.ts';
import type { KubeObject } from '../src/store/object.ts';
import {
  buildTestRepo,
  createDatabase,
  healthy,
  pausedForPromotion,
  removeTestRepo,
  status,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { commitAppVersion, startGitOpsEngine } from './helpers/gitops.ts';
import { git } from './helpers/repo.ts';

let repo: TestRepo;
let db: { url: string; drop(): Promise<void> };
let engine: Engine;
let log: string[];
let api: ApiServer;
let consoleServer: ConsoleServer;
let assetsDir: string;

/** Argo CD's patch for `action`, from its own test case: the merge patch from input to expected. */
function corpusPatch(action: string, input: string): unknown {
  const cases = (
    parse(readArgoCd('Rollout/actions/action_test.yaml')) as {
      actionTests: { action: string; inputPath: string; expectedOutputPath: string }[];
    }
  ).actionTests;
  const test = cases.find((c) => c.action === action && c.inputPath === `testdata/${input}`);
  if (!test) throw new Error(`no ${action} case with input ${input} in the corpus`);
  return actionPatch(
    argoCdObject(`Rollout/actions/${test.inputPath}`),
    argoCdObject(`Rollout/actions/${test.expectedOutputPath}`),
  );
}

const liveRollout = (): KubeObject =>
  engine.liveStore().get({ group: 'argoproj.io', kind: 'Rollout', namespace: 'payments', name: 'payments' })!;

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    ...init,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const action = (name: string) => call(`/rollouts/payments/actions/${name}`);

beforeAll(async () => {
  db = await createDatabase('resource_actions');
  repo = await buildTestRepo('0.1.0');
  ({ engine, log } = await startGitOpsEngine(repo, db.url));
  api = await startApiServer({ engine, port: 0 });
  assetsDir = mkdtempSync(join(tmpdir(), 'quickship-console-assets-'));
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>console</title>');
  consoleServer = await startConsoleServer({ apiUrl: api.url, port: 0, assetsDir });
  await waitForEntry(engine, 'Healthy', healthy, 120_000);
}, 180_000);

afterAll(async () => {
  await consoleServer?.close();
  await api?.close();
  await engine?.stop();
  await db?.drop();
  removeTestRepo(repo);
  if (assetsDir) rmSync(assetsDir, { recursive: true, force: true });
});

describe.skipIf(!hasArgoCdCorpus)("Argo CD's resource actions on the live Rollout", () => {
  it('the live Rollout reports observedGeneration as v0.10+ does: its metadata.generation, once observed', async () => {
    await waitForEntry(engine, 'observed', () => {
      const live = liveRollout();
      return (live.status as { observedGeneration?: string }).observedGeneration === String(live.metadata.generation);
    });
  });

  it('abort, retry, resume and promote-full send Argo CD patches; the rollout follows them', async () => {
    const stable = status(await engine.get('payments')).stableRS;
    commitAppVersion(repo.repoDir, 'v2');
    await waitForEntry(engine, 'v2 paused', (e) => pausedForPromotion(e) && status(e).currentPodHash !== stable);

    const aborted = await action('abort');
    expect(aborted).toMatchObject({ status: 200, body: { message: "action 'abort' ran on rollout 'payments'" } });
    expect(aborted.body.patch).toEqual(corpusPatch('abort', 'has_pause_condition_rollout.yaml'));
    expect((liveRollout().status as { abort?: boolean }).abort).toBe(true);
    await waitForEntry(engine, 'aborted', (e) => status(e).abort && status(e).phase === 'Degraded');

    // Aborted: the plugin's rules refuse another abort, and the state stays as it is.
    expect(await action('abort')).toMatchObject({ status: 409, body: { error: { code: 'VerbNotApplicable' } } });

    const retried = await action('retry');
    expect(retried.status).toBe(200);
    expect(retried.body.patch).toEqual(corpusPatch('retry', 'v0.9_aborted_rollout.yaml'));
    await waitForEntry(engine, 'paused again', (e) => !status(e).abort && pausedForPromotion(e));

    // resume is a plain promote: its patch is Argo CD's; the promotion still waits for the
    // pre-promotion analysis, which no Prometheus runs here (so it never succeeds).
    const resumed = await action('resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.patch).toEqual(corpusPatch('resume', 'has_pause_condition_rollout.yaml'));
    expect(status(await engine.get('payments')).currentPodHash).not.toBe(status(await engine.get('payments')).stableRS);

    const promoted = await action('promote-full');
    expect(promoted.status).toBe(200);
    expect(promoted.body.patch).toEqual(corpusPatch('promote-full', 'aborted_rollout.yaml'));
    const after = await waitForEntry(engine, 'v2 Healthy', (e) => healthy(e) && status(e).stableRS !== stable);
    expect(status(after).blueGreen.activeSelector).toBe(status(after).stableRS);
  }, 240_000);

  it('restart sets spec.restartAt to the second (the corpus case, time normalised); refusals name the rule', async () => {
    const before = Date.now();
    const restarted = await action('restart');
    expect(restarted.status).toBe(200);
    const patch = restarted.body.patch as { object: { spec: { restartAt: string } } };
    expect(patch.object.spec.restartAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(patch.object.spec.restartAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const expected = corpusPatch('restart', 'rollout_not_restarted.yaml') as {
      object: { spec: { restartAt: string } };
    };
    expect({ ...patch, object: { spec: { restartAt: 'T' } } }).toEqual({
      ...expected,
      object: { spec: { restartAt: 'T' } },
    });
    expect((liveRollout().spec as { restartAt?: string }).restartAt).toBe(patch.object.spec.restartAt);

    // Fully promoted: promote-full, abort and retry are refused with the plugin's reasons.
    expect(await action('promote-full')).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringMatching(/already fully promoted/) } },
    });
    expect(await action('retry')).toMatchObject({
      status: 409,
      body: { error: { message: "rollout 'payments' is not aborted: nothing to retry" } },
    });
    const unknown = await action('scale-to-zero');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(
      /restart, resume, abort, retry, pause, promote-full, skip-current-step/,
    );
  }, 120_000);

  it('the console forwards the actions with its token only', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${consoleServer.origin}/api/v1/rollouts/payments/actions/abort`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const refused = await post({});
    expect(refused.status).toBe(403);
    await refused.arrayBuffer();
    // With the token the engine answers: fully promoted, so the plugin's rule refuses the abort.
    const forwarded = await post({ [TOKEN_HEADER]: consoleServer.token });
    expect(forwarded.status).toBe(409);
    expect(((await forwarded.json()) as { error: { message: string } }).error.message).toMatch(
      /no update in progress to abort/,
    );
  });

  it('Rollback under auto-sync commits a revert of the last release, and auto-sync deploys it', async () => {
    const before = await engine.get('payments');
    const reverted = await call('/applications/payments/revert');
    expect(reverted.status).toBe(200);
    expect(reverted.body.message).toMatch(/^reverted [0-9a-f]{7} \(release v2\) as [0-9a-f]+: auto-sync deploys it$/);
    expect(git(repo.repoDir, 'log', '-1', '--format=%s')).toBe('Revert "release v2"');
    await waitForEntry(
      engine,
      'back on the first revision',
      (e) => healthy(e) && status(e).stableRS !== status(before).stableRS,
      120_000,
    );
    expect(log.some((l) => /app payments: reverted/.test(l))).toBe(true);
  }, 180_000);

  it('the controllers recorded it all as core/v1 Events: the syncs, the abort, the switches', () => {
    const events = engine.liveStore().list({ kind: 'Event' }) as (KubeObject & {
      involvedObject: { kind: string; name: string };
      reason: string;
      message: string;
      type: string;
    })[];
    const on = (kind: string) => events.filter((e) => e.involvedObject.kind === kind);
    const release = git(repo.repoDir, 'rev-parse', 'HEAD~1'); // "release v2", before the revert
    expect(on('Application').map((e) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        `OperationStarted: Initiated automated sync to '${release}'`,
        `OperationCompleted: Sync operation to ${release} succeeded`,
        'ResourceUpdated: Updated sync status: Synced -> OutOfSync',
      ]),
    );
    const rollout = on('Rollout');
    expect(rollout.find((e) => e.reason === 'RolloutAborted')).toMatchObject({ type: 'Warning' });
    expect(rollout.filter((e) => e.reason === 'SwitchService').length).toBeGreaterThanOrEqual(2);
    expect(rollout.some((e) => e.reason === 'NewReplicaSetCreated')).toBe(true);
  });
});
