// Without Prometheus: `quickship up` refuses to start and says how to install it, unless told
// `--no-analysis`; an engine run that way says analysis is skipped in its status notes, its
// /engine info, and answers `quickship alerts` with a clear error (503 JSON, never a 500).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.ts';
import { startApiServer, type ApiServer } from '../src/api/server.ts';
import {
  buildTestRepo,
  createDatabase,
  healthy,
  removeTestRepo,
  startEngine,
  waitForEntry,
  type TestRepo,
} from './helpers/engine.ts';
import { CHECKOUT } from './helpers/repo.ts';
import { BIN } from './helpers/up-process.ts';
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

describe('an engine started with --no-analysis', () => {
  let repo: TestRepo;
  let db: { url: string; drop(): Promise<void> };
  let engine: Engine;
  let api: ApiServer;

  beforeAll(async () => {
    db = await createDatabase('noanalysis');
    repo = await buildTestRepo('prebuilt');
    ({ engine } = await startEngine(repo, db.url, { analysis: 'skipped' }));
    api = await startApiServer({ engine, port: 0 });
    await waitForEntry(engine, 'Healthy', healthy, 120_000);
  }, 200_000);

  afterAll(async () => {
    await api?.close();
    await engine?.stop();
    removeTestRepo(repo);
    await db?.drop();
  }, 60_000);

  it('says every analysis is skipped in status and the API, and alerts answer 503 with the fix', async () => {
    const notes = (await engine.get('payments')).view.notes;
    expect(notes.some((n) => n.startsWith('local: analysis skipped (started with --no-analysis)'))).toBe(true);
    const info = (await (await fetch(`${api.url}/api/v1/engine`)).json()) as Record<string, unknown>;
    expect(info['analysis']).toBe('skipped');
    expect(info).not.toHaveProperty('prometheus');

    const res = await fetch(`${api.url}/api/v1/alerts`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'ServiceUnavailable',
        message: 'Prometheus is not running: the engine was started with --no-analysis',
      },
    });
    const cli = await runMain('--api', api.url, 'alerts');
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('Prometheus is not running: the engine was started with --no-analysis');
    expect(cli.err).toContain('without --no-analysis');

    const status = await runMain('--api', api.url, 'status', 'payments');
    expect(status.code).toBe(0);
    expect(status.out).toContain('analysis skipped (started with --no-analysis)');
  });
});
