import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
