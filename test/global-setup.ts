import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';

let cluster: PostgresCluster | undefined;

// Starts one private PostgreSQL for the whole test run when DATABASE_URL is not set.
// Tests read TEST_PG_ADMIN_URL (a superuser URL) and create their own databases.
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    cluster = await startPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'quickship-test-pg-')), ephemeral: true });
    adminUrl = cluster.adminUrl;
    process.env.TEST_PG_BIN_DIR = cluster.binDir;
    process.env.TEST_PG_DATA_DIR = cluster.dataDir;
  }
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  project.provide('pgAdminUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
