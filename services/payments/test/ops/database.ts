// A fresh, migrated database for one ops test file on the run's shared PostgreSQL
// (test/global-setup.ts exports TEST_PG_ADMIN_URL).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '@quickship/payments';

export async function createMigratedDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.href);
  return url.href;
}

export function requireAdminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run the ops tests through vitest (test/global-setup.ts starts PostgreSQL)');
  return url;
}
