// The smoke entry point against the real payments service on loopback (real PostgreSQL), run as
// the analysis Job runs it: a process, judged by its exit code. It must pass against a healthy
// revision and fail against a broken one (every /v1 request answered 500) or an absent one.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@quickship/pglocal';
import {
  createTestDatabase,
  dropTestDatabase,
  MERCHANTS,
  spawnServer,
  type ServerProcess,
} from '../../test/support.ts';

const serviceDir = join(import.meta.dirname, '..', '..');
const API_KEY = MERCHANTS.acme.key;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the smoke entry point as the analysis Job does: a process with only its env. */
function runSmoke(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/smoke/main.ts'], {
      cwd: serviceDir,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('smoke entry point', () => {
  let databaseUrl = '';
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('smoke');
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function server(env: Record<string, string> = {}): Promise<ServerProcess> {
    const started = await spawnServer({ databaseUrl, env: { LOG_LEVEL: 'warn', ...env } });
    servers.push(started);
    return started;
  }

  it('passes every check against a healthy service, one line per check, exit 0', async () => {
    const { url } = await server();
    const run = await runSmoke({ TARGET_URL: url, SMOKE_API_KEY: API_KEY });
    expect(run.stderr).toBe('');
    const checks = run.stdout.split('\n').filter((line) => /^(ok {2}|FAIL) /.test(line));
    expect(
      checks.filter((line) => line.startsWith('FAIL')),
      run.stdout,
    ).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(14);
    expect(run.stdout).toContain('ok   declines card 4000000000000002: 402 card_declined');
    expect(run.stdout).toMatch(/ok {3}replays it for the same key and parameters: 201 pay_\w+ replayed byte for byte/);
    expect(run.stdout).toContain(`smoke: all ${checks.length} checks passed`);
    expect(run.code).toBe(0);

    // The key can also come from PAYMENTS_API_KEYS (its first key), as the service reads it.
    const fromServiceKeys = await runSmoke({
      TARGET_URL: url,
      PAYMENTS_API_KEYS: `acme:${API_KEY},globex:${MERCHANTS.globex.key}`,
    });
    expect(fromServiceKeys.code, fromServiceKeys.stdout).toBe(0);
  });

  it('fails against a revision whose /v1 routes all answer 500 (FAULT_ERROR_RATE=1), exit 1', async () => {
    const { url } = await server({ FAULT_ERROR_RATE: '1' });
    const run = await runSmoke({ TARGET_URL: url, SMOKE_API_KEY: API_KEY });
    expect(run.stdout).toMatch(/FAIL creates a payment \(visa\): expected HTTP 201, got 500/);
    expect(run.stdout).toMatch(/FAIL captures it: skipped: needs the result of "authorizes a manual-capture payment"/);
    expect(run.stdout).toMatch(/smoke: \d+ of \d+ checks failed/);
    expect(run.code).toBe(1);
  });

  it('fails when nothing listens at TARGET_URL, and refuses to start without one', async () => {
    const port = await freePort();
    const unreachable = await runSmoke({ TARGET_URL: `http://127.0.0.1:${port}`, SMOKE_API_KEY: API_KEY });
    expect(unreachable.stdout).toMatch(/FAIL creates a payment \(visa\): fetch failed/);
    expect(unreachable.code).toBe(1);

    const unset = await runSmoke({ SMOKE_API_KEY: API_KEY });
    expect(unset.stderr).toContain('TARGET_URL is not set');
    expect(unset.code).toBe(2);
    const noKey = await runSmoke({ TARGET_URL: 'http://127.0.0.1:1' });
    expect(noKey.stderr).toContain('no API key');
    expect(noKey.code).toBe(2);
  });
});
