// `quickship up` as a real child process, stopped the other ways a terminal stops it: SIGHUP (the
// terminal closed) and a closed stdout (`npm start | head`: the next write fails with EPIPE). Each
// drains and stops as Ctrl-C does, leaving no instance or PostgreSQL process behind.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalEngineClient } from '../src/api/client.ts';
import { buildTestRepo, healthy, removeTestRepo, type TestRepo } from './helpers/engine.ts';
import { writeFixtureDeploy } from './helpers/repo.ts';
import { startUp, type UpProcess } from './helpers/up-process.ts';

let repo: TestRepo;
let deployDir: string;

beforeAll(async () => {
  repo = await buildTestRepo('prebuilt');
  deployDir = writeFixtureDeploy(join(repo.stateDir, 'deploy'), 'fresh');
}, 200_000);

afterAll(async () => {
  if (repo) await removeTestRepo(repo);
});

/** Processes whose command line or working folder is under `dir` (instances, PostgreSQL). */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
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

async function upAndHealthy(): Promise<{ up: UpProcess; client: LocalEngineClient }> {
  const up = await startUp(['--repo', repo.repoDir, '--dir', deployDir, '--state-dir', repo.stateDir], {
    env: { PAYMENTS_API_KEYS: '' },
  });
  const client = new LocalEngineClient(up.api);
  const deadline = Date.now() + 150_000;
  for (;;) {
    const entry = await client.get('payments').catch(() => undefined);
    if (entry && healthy(entry)) break;
    if (Date.now() > deadline) throw new Error(`never Healthy:\n${up.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(processesUnder(repo.stateDir).length).toBeGreaterThan(1);
  return { up, client };
}

it('SIGHUP (terminal closed) drains and stops everything, as Ctrl-C does', async () => {
  const { up } = await upAndHealthy();
  up.child.kill('SIGHUP');
  expect(await up.exited).toBe(0);
  expect(up.output()).toMatch(/SIGHUP: draining/);
  expect(up.output()).toMatch(/stopped: no instance, router, API, Prometheus or PostgreSQL left running/);
  expect(processesUnder(repo.stateDir)).toEqual([]);
}, 240_000);

it('a closed stdout (`| head`) drains and stops everything at the next line it writes', async () => {
  const { up, client } = await upAndHealthy();
  up.child.stdout!.destroy(); // the reader is gone, as `head` exits after its lines
  await client.restart('payments'); // the engine logs the restart: that write fails with EPIPE
  const code = await Promise.race([up.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
  if (code === 'still running') up.child.kill('SIGKILL');
  expect(code).toBe(0);
  expect(up.output()).toMatch(/stdout closed: draining/);
  expect(processesUnder(repo.stateDir)).toEqual([]);
}, 240_000);
