import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './cluster.ts';

describe('startPostgres', () => {
  it('starts a private cluster on a free loopback port, creates databases, survives a restart', async () => {
    const cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'pglocal-test-')), ephemeral: true });
    try {
      const url = await cluster.createDatabase('pglocal_test');
      expect(await cluster.createDatabase('pglocal_test')).toBe(url); // idempotent
      const query = async (): Promise<string> => {
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
          return rows[0]!.db;
        } finally {
          await client.end();
        }
      };
      expect(await query()).toBe('pglocal_test');
      await cluster.halt('immediate');
      await expect(query()).rejects.toThrow();
      await cluster.restart();
      expect(await query()).toBe('pglocal_test');
    } finally {
      await cluster.stop();
    }
  });

  it('stops and removes an ephemeral cluster whose owner is killed without stopping it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pglocal-orphan-'));
    const cluster = fileURLToPath(new URL('./cluster.ts', import.meta.url));
    const script = `const { startPostgres } = await import(${JSON.stringify(cluster)});
      const c = await startPostgres({ dataDir: ${JSON.stringify(dataDir)}, ephemeral: true });
      console.log('ready ' + c.port); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      owner.stdout.on('data', (chunk: Buffer) => (String(chunk).includes('ready') ? resolve() : undefined));
      owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before its cluster was ready`)));
    });
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const running = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(running(postmaster)).toBe(true);
    owner.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while ((running(postmaster) || existsSync(dataDir)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(running(postmaster)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});
