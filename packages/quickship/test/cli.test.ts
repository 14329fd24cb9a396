// The CLI end to end: `quickship up` as a real process, as `npm start` runs it — GitOps mode over
// a real Git repository (branch main, the Applications' targetRevision; private PostgreSQL, a
// build of HEAD for the Rollout's tag, the PreSync migration Job, instances, routers, API) — then
// each verb as a real process against it, with new revisions made as commits: outputs and exit
// codes, the API's JSON errors and event stream, and Ctrl-C: everything drains and stops, and no
// process of the stack survives (Prometheus included). A release's pre-promotion analysis runs
// deploy/'s own templates (30 s × 4); the test does not wait for it: `promote --full` skips it,
// as upstream's does.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngineClient } from '../src/api/client.ts';
import type { RolloutEntry } from '../src/api/protocol.ts';
import { buildTestRepo, healthy, pausedForPromotion, status, removeTestRepo, type TestRepo } from './helpers/engine.ts';
import { commitAppVersion, commitRollout } from './helpers/gitops.ts';
import { git } from './helpers/repo.ts';
import { BIN, startUp, type UpProcess } from './helpers/up-process.ts';

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function quickship(args: readonly string[], options: { cwd?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, QUICKSHIP_API: api },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });
}

let repo: TestRepo;
let up: UpProcess;
let api = '';
const upOut = (): string => up.output();
let client: LocalEngineClient;

async function until(
  what: string,
  check: (entry: RolloutEntry) => boolean,
  timeoutMs = 150_000,
): Promise<RolloutEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = await client.get('payments').catch(() => undefined);
    if (entry && check(entry)) return entry;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${entry ? `${entry.view.phase} ${entry.view.message}` : 'no answer'}\n${upOut().slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Processes whose command line or working directory lies in `dir` (instances, PostgreSQL). */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

beforeAll(async () => {
  // Built under another tag: the Rollout's 0.1.0 has no build yet, so `up` builds HEAD under it.
  repo = await buildTestRepo('prebuilt');
  git(repo.repoDir, 'branch', '-M', 'main');
  commitRollout(repo.repoDir, 'test: two replicas', (t) => t.replace(/^ {2}replicas: 3$/m, '  replicas: 2'));
  up = await startUp(['--repo', repo.repoDir, '--state-dir', repo.stateDir], {
    env: { PAYMENTS_API_KEYS: '' },
  });
  api = up.api;
  client = new LocalEngineClient(api);
  await until('Healthy', healthy);
}, 200_000);

afterAll(async () => {
  await up?.stop();
  removeTestRepo(repo);
});

describe('quickship up', () => {
  it('built HEAD for the missing tag, printed the URLs and a generated dev key', () => {
    expect(upOut()).toMatch(/built \S*payments:0\.1\.0 from HEAD [0-9a-f]{12} \(the Rollout's tag had no build\)/);
    // The PreSync hook of deploy/apps/payments/migrate-job.yaml ran as a local process from its image.
    expect(upOut()).toMatch(/Job payments\/payments-migrate: Complete/);
    expect(upOut()).toMatch(/active {3}http:\/\/127\.0\.0\.1:\d+/);
    expect(upOut()).toMatch(/preview {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(upOut()).toMatch(/API key {2}sk_test_\S+ {3}\(generated dev key/);
  });
});

describe('quickship status', () => {
  it('draws the tree with revision, ReplicaSet, instances and markers', async () => {
    const { code, out } = await quickship(['status']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Name: {12}payments$/m);
    expect(out).toMatch(/^Status: {10}✔ Healthy$/m);
    expect(out).toMatch(/# revision:1/);
    expect(out).toMatch(/⧉ payments-\w+ +ReplicaSet +✔ Healthy +\S+ +stable,active/);
    expect(out.match(/□ payments-\w+-\w+ +Pod +✔ Running/g)).toHaveLength(2);
    expect(out).toMatch(/local: Service payments-active → http:\/\/127\.0\.0\.1:\d+/);
  });

  it("--json prints the Rollout in Argo's shape", async () => {
    const { code, out } = await quickship(['status', 'payments', '--json']);
    expect(code).toBe(0);
    const rollout = JSON.parse(out) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      status: Record<string, unknown> & { blueGreen: Record<string, string> };
    };
    expect(rollout).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'payments' },
    });
    expect(rollout.status).toMatchObject({ phase: 'Healthy', message: '', abort: false, pauseConditions: [] });
    expect(rollout.status.currentPodHash).toBe(rollout.status.stableRS);
    expect(rollout.status.blueGreen).toEqual({
      activeSelector: rollout.status.stableRS,
      previewSelector: rollout.status.stableRS,
    });
  });

  it('an unknown rollout is a user error', async () => {
    const { code, err } = await quickship(['status', 'orders']);
    expect(code).toBe(1);
    expect(err).toMatch(
      /error: rollout 'orders' not found; the engine runs 'payments'\n {2}fix: use `quickship status payments`/,
    );
  });

  it('--watch --json streams changes until Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'status', '--watch', '--json', '--api', api], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 30_000;
    while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect((JSON.parse(out.split('\n')[0]!) as { status: { phase: string } }).status.phase).toBe('Healthy');
  });
});

describe('verbs that do not apply exit 1 with the reason', () => {
  const cases: [string[], RegExp][] = [
    [['promote'], /error: rollout 'payments' is not paused: it is fully promoted/],
    [['abort'], /error: rollout 'payments' has no update in progress to abort/],
    [['retry'], /error: rollout 'payments' is not aborted: nothing to retry/],
    [['undo'], /error: no revision found for rollout "payments": there is no previous revision/],
    [
      ['undo', '--to-revision', 'x'],
      /error: option '--to-revision <n>' argument 'x' is invalid\. "x" is not a revision number/,
    ],
  ];
  for (const [args, reason] of cases) {
    it(args.join(' '), async () => {
      const { code, out, err } = await quickship(args);
      expect({ code, out }).toEqual({ code: 1, out: '' });
      expect(err).toMatch(reason);
    });
  }
});

describe('verbs through a release', () => {
  it('abort, retry, promote --full and undo each print one line and exit 0; self-heal reverts the undo', async () => {
    const stable = status(await client.get('payments')).stableRS;
    commitAppVersion(repo.repoDir, 'v2');
    const v2 = status(
      await until('v2 paused', (e) => pausedForPromotion(e) && status(e).currentPodHash !== stable),
    ).currentPodHash;
    for (const [verb, line] of [
      ['abort', "rollout 'payments' aborted"],
      ['retry', "rollout 'payments' retried"],
    ]) {
      const run = await quickship([verb!]);
      expect(run).toEqual({ code: 0, out: `${line}\n`, err: '' });
    }
    await until('paused again', pausedForPromotion);
    expect(await quickship(['promote', '--full'])).toEqual({
      code: 0,
      out: "rollout 'payments' fully promoted\n",
      err: '',
    });
    await until('v2 Healthy', (e) => healthy(e) && status(e).stableRS === v2);
    // The plugin's undo edits the live Rollout: under the Application's selfHeal that is drift, and
    // the CLI says so; Argo CD's application controller puts Git's template (v2) back.
    const undone = await quickship(['undo', 'payments']);
    expect({ code: undone.code, out: undone.out }).toEqual({ code: 0, out: "rollout 'payments' undo\n" });
    expect(undone.err).toMatch(/selfHeal: the GitOps controller reverts this change to what Git says/);
    // The undo is a rollback within the window: the first revision is active again at once. The
    // heal then brings Git's v2 template back as a new update — newer than the stable revision, so
    // not a rollback (upstream's isRollbackWithinWindow) — paused for promotion, as in a cluster.
    await until(
      "healed: Git's v2 back, paused for promotion, the first revision active",
      (e) => pausedForPromotion(e) && status(e).currentPodHash === v2 && status(e).stableRS === stable,
    );
    expect((await quickship(['promote', '--full'])).code).toBe(0);
    await until('v2 Healthy again', (e) => healthy(e) && status(e).stableRS === v2);
  }, 240_000);

  it('restart replaces every instance, one at a time', async () => {
    const activePods = (e: RolloutEntry) =>
      e.view.revisions.filter((r) => r.markers.includes('active')).flatMap((r) => r.pods);
    const before = new Set(activePods(await client.get('payments')).map((p) => p.name));
    expect(await quickship(['restart'])).toEqual({ code: 0, out: "rollout 'payments' restarts in 0s\n", err: '' });
    const after = await until(
      'restarted',
      (e) =>
        healthy(e) &&
        activePods(e).filter((p) => p.ready).length === 2 &&
        activePods(e).every((p) => !before.has(p.name)),
    );
    expect(activePods(after).every((p) => p.ready && p.restarts === 0)).toBe(true);
  }, 240_000);
});

describe('the engine API', () => {
  const call = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${api}/api/v1${path}`, init);
    return { status: res.status, body: await res.json() };
  };

  it('answers JSON errors with a code and message', async () => {
    expect(await call('/rollouts/orders')).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    expect(await call('/rollouts/payments/promote')).toMatchObject({
      status: 405,
      body: { error: { code: 'MethodNotAllowed' } },
    });
    expect(
      await call('/rollouts/payments/undo', {
        method: 'POST',
        body: '{"toRevision":1}',
        headers: { 'content-type': 'text/plain' },
      }),
    ).toMatchObject({ status: 415 });
    expect(
      await call('/rollouts/payments/undo', {
        method: 'POST',
        body: '{"toRevision":-1}',
        headers: { 'content-type': 'application/json' },
      }),
    ).toMatchObject({ status: 400 });
    expect(await call('/rollouts/payments/abort', { method: 'POST' })).toMatchObject({
      status: 409,
      body: { error: { code: 'VerbNotApplicable' } },
    });
    expect(await call('/nothing')).toMatchObject({ status: 404 });
  });

  it('refuses a non-loopback Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const statusCode = await new Promise<number>((done) => {
      const req = request(`${api}/api/v1/rollouts`, { headers: { host: 'evil.example:7070' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.end();
    });
    expect(statusCode).toBe(403);
  });

  it('lists rollouts and describes the engine', async () => {
    const list = (await call('/rollouts')).body as { items: RolloutEntry[] };
    expect(list.items.map((i) => i.view.name)).toEqual(['payments']);
    const info = (await call('/engine')).body as { services: Record<string, string>; clusterOnly: string[] };
    expect(Object.keys(info.services).sort()).toEqual(['payments-active', 'payments-preview']);
    expect(info.clusterOnly).toContain('PodDisruptionBudget/payments');
  });
});

describe('Ctrl-C', () => {
  it('drains and stops everything: no instance or PostgreSQL process survives', async () => {
    const instances = (await client.get('payments')).view.revisions.flatMap((r) => r.pods).length;
    expect(instances).toBeGreaterThan(0);
    expect(processesUnder(repo.stateDir).length).toBeGreaterThan(instances + 1); // instances + PostgreSQL + Prometheus
    // `up` printed its Prometheus, which answers and scrapes the instances (their file_sd targets).
    expect(up.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${up.prometheus}/-/ready`)).ok).toBe(true);
    expect(
      processesUnder(repo.stateDir).some((p) => p.includes('prometheus') && p.includes('--web.enable-lifecycle')),
    ).toBe(true);
    expect(await up.stop()).toBe(0);
    expect(upOut()).toMatch(/SIGINT: draining/);
    expect(upOut()).toMatch(/stopped: no instance, router, API, Prometheus or PostgreSQL left running/);
    expect(processesUnder(repo.stateDir)).toEqual([]);
    await expect(fetch(`${api}/api/v1/rollouts`)).rejects.toThrow();
  }, 120_000);
});
