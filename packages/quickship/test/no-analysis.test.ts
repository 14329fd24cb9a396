// Without Prometheus: `quickship up` refuses to start and says how to install it, unless told
// `--no-analysis`; an engine run that way says analysis is skipped in its status notes, its
// /engine info and `up`'s own output, and answers `quickship alerts` with a clear error (503 JSON,
// never a 500).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngineClient } from '../src/api/client.ts';
import { buildTestRepo, healthy, removeTestRepo, waitForEntry, type TestRepo } from './helpers/engine.ts';
import { CHECKOUT, writeFixtureDeploy } from './helpers/repo.ts';
import { BIN, startUp, type UpProcess } from './helpers/up-process.ts';
import { runMain } from './helpers/run-main.ts';

describe('quickship up without the prometheus binary', () => {
  let stateDir = '';
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('says how to install it and exits non-zero, having started nothing', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'quickship-noprom-'));
    const child = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--repo',
        CHECKOUT,
        '--state-dir',
        stateDir,
        '--active-port',
        '0',
        '--preview-port',
        '0',
        '--api-port',
        '0',
      ],
      {
        env: { ...process.env, QUICKSHIP_PROMETHEUS: join(stateDir, 'no-such-prometheus') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(out).toContain(`Prometheus is not installed (${join(stateDir, 'no-such-prometheus')} not found)`);
    expect(out).toContain('sudo apt-get install -y prometheus');
    expect(out).toContain('--no-analysis');
    // Nothing was started: no PostgreSQL data folder, no build.
    expect(readdirSync(stateDir)).toEqual([]);
  }, 60_000);
});

describe('quickship up --no-analysis without the binary', () => {
  let repo: TestRepo;
  let up: UpProcess;

  beforeAll(async () => {
    repo = await buildTestRepo('prebuilt');
    const deployDir = writeFixtureDeploy(join(repo.stateDir, 'deploy'), repo.tag);
    up = await startUp(['--repo', repo.repoDir, '--dir', deployDir, '--state-dir', repo.stateDir, '--no-analysis'], {
      env: { QUICKSHIP_PROMETHEUS: join(repo.stateDir, 'no-such-prometheus'), PAYMENTS_API_KEYS: '' },
    });
    await waitForEntry(new LocalEngineClient(up.api), 'Healthy', healthy, 120_000);
  }, 200_000);

  afterAll(async () => {
    if (up && up.child.exitCode === null) await up.stop();
    removeTestRepo(repo);
  }, 60_000);

  it('runs, and says every analysis is skipped in its output, status and API; alerts answer 503 with the fix', async () => {
    expect(up.prometheus).toBeUndefined();
    expect(up.output()).toContain('Prometheus not running (--no-analysis): every analysis shows as Skipped');
    const notes = (await new LocalEngineClient(up.api).get('payments')).view.notes;
    expect(notes.some((n) => n.startsWith('local: analysis skipped (started with --no-analysis)'))).toBe(true);
    const info = (await (await fetch(`${up.api}/api/v1/engine`)).json()) as Record<string, unknown>;
    expect(info['analysis']).toBe('skipped');
    expect(info).not.toHaveProperty('prometheus');

    const res = await fetch(`${up.api}/api/v1/alerts`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'ServiceUnavailable',
        message: 'Prometheus is not running: the engine was started with --no-analysis',
      },
    });
    const cli = await runMain('--api', up.api, 'alerts');
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('Prometheus is not running: the engine was started with --no-analysis');
    expect(cli.err).toContain('without --no-analysis');

    const status = await runMain('--api', up.api, 'status', 'payments');
    expect(status.code).toBe(0);
    expect(status.out).toContain('analysis skipped (started with --no-analysis)');

    expect(await up.stop()).toBe(0);
    expect(up.output()).toContain('stopped: no instance, router, API, Prometheus or PostgreSQL left running');
  }, 120_000);
});
