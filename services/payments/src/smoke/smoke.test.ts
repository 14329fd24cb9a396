// The smoke entry point against the real payments service on loopback (real PostgreSQL), run as
// the analysis Job runs it: a process, judged by its exit code. It must pass against a healthy
// revision and fail against a broken one (every /v1 request answered 500) or an absent one.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freePort } from '@quickship/pglocal';

const serviceDir = join(import.meta.dirname, '..', '..');
const API_KEY = `sk_test_${randomUUID().replaceAll('-', '')}`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runNode(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: serviceDir, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function startServer(databaseUrl: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serviceDir,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, PAYMENTS_API_KEYS: `smoke:${API_KEY}`, LOG_LEVEL: 'warn', SHUTDOWN_DELAY_MS: '0', ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`payments server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`payments server not ready within 30 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('smoke entry point', () => {
  const adminUrl = process.env.TEST_PG_ADMIN_URL!;
  const database = `smoke_${randomUUID().slice(0, 8)}`;
  let databaseUrl = '';
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    databaseUrl = url.href;
    const migrated = await runNode('src/migrate-cli.ts', { DATABASE_URL: databaseUrl });
    expect(migrated.code, migrated.stderr).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(servers.map(stop));
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('passes every check against a healthy service, one line per check, exit 0', async () => {
    const { url, child } = await startServer(databaseUrl);
    servers.push(child);
    const run = await runNode('src/smoke/main.ts', { TARGET_URL: url, SMOKE_API_KEY: API_KEY });
    expect(run.stderr).toBe('');
    const checks = run.stdout.split('\n').filter((line) => /^(ok {2}|FAIL) /.test(line));
    expect(checks.filter((line) => line.startsWith('FAIL')), run.stdout).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(14);
    expect(run.stdout).toContain('ok   declines card 4000000000000002: 402 card_declined');
    expect(run.stdout).toMatch(/ok {3}replays it for the same key and parameters: 201 pay_\w+ replayed byte for byte/);
    expect(run.stdout).toContain(`smoke: all ${checks.length} checks passed`);
    expect(run.code).toBe(0);

    // The key can also come from PAYMENTS_API_KEYS (its first key), as the service reads it.
    const fromServiceKeys = await runNode('src/smoke/main.ts', { TARGET_URL: url, PAYMENTS_API_KEYS: `smoke:${API_KEY},other:sk_other` });
    expect(fromServiceKeys.code, fromServiceKeys.stdout).toBe(0);
  });

  it('fails against a revision whose /v1 routes all answer 500 (FAULT_ERROR_RATE=1), exit 1', async () => {
    const { url, child } = await startServer(databaseUrl, { FAULT_ERROR_RATE: '1' });
    servers.push(child);
    const run = await runNode('src/smoke/main.ts', { TARGET_URL: url, SMOKE_API_KEY: API_KEY });
    expect(run.stdout).toMatch(/FAIL creates a payment \(visa\): expected HTTP 201, got 500/);
    expect(run.stdout).toMatch(/FAIL captures it: skipped: needs the result of "authorizes a manual-capture payment"/);
    expect(run.stdout).toMatch(/smoke: \d+ of \d+ checks failed/);
    expect(run.code).toBe(1);
  });

  it('fails when nothing listens at TARGET_URL, and refuses to start without one', async () => {
    const port = await freePort();
    const unreachable = await runNode('src/smoke/main.ts', { TARGET_URL: `http://127.0.0.1:${port}`, SMOKE_API_KEY: API_KEY });
    expect(unreachable.stdout).toMatch(/FAIL creates a payment \(visa\): fetch failed/);
    expect(unreachable.code).toBe(1);

    const unset = await runNode('src/smoke/main.ts', { SMOKE_API_KEY: API_KEY });
    expect(unset.stderr).toContain('TARGET_URL is not set');
    expect(unset.code).toBe(2);
    const noKey = await runNode('src/smoke/main.ts', { TARGET_URL: 'http://127.0.0.1:1' });
    expect(noKey.stderr).toContain('no API key');
    expect(noKey.code).toBe(2);
  });
});
