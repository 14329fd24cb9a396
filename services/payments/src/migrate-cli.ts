// `npm run migrate`: applies pending migrations to $DATABASE_URL; idempotent; non-zero on failure.
// Timeouts and retries from the environment (defaults in ../migrations/README.md):
//   MIGRATE_LOCK_TIMEOUT_MS, MIGRATE_STATEMENT_TIMEOUT_MS, MIGRATE_CONCURRENT_TIMEOUT_MS,
//   MIGRATE_LOCK_RETRIES, MIGRATE_RETRY_BASE_MS
import { migrate, type MigrateOptions } from './migrate.ts';
import { redactUrl } from './config.ts';

const databaseUrl = process.env.DATABASE_URL?.trim();
if (!databaseUrl) {
  console.error(
    'migrate: DATABASE_URL is not set: use a PostgreSQL URL such as postgres://user:password@host:5432/payments',
  );
  process.exit(2);
}

function setting(name: string, allowZero = false): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
    console.error(`migrate: ${name} "${raw}" must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
    process.exit(2);
  }
  return value;
}

const options: MigrateOptions = {
  lockTimeoutMs: setting('MIGRATE_LOCK_TIMEOUT_MS'),
  statementTimeoutMs: setting('MIGRATE_STATEMENT_TIMEOUT_MS'),
  concurrentTimeoutMs: setting('MIGRATE_CONCURRENT_TIMEOUT_MS'),
  lockRetries: setting('MIGRATE_LOCK_RETRIES', true),
  retryBaseMs: setting('MIGRATE_RETRY_BASE_MS'),
  log: (line) => console.log(`migrate: ${line}`),
};

try {
  const result = await migrate(databaseUrl, options);
  const what = result.applied.length === 0 ? 'nothing to apply' : `applied ${result.applied.join(', ')}`;
  console.log(`migrate: ${redactUrl(databaseUrl)}: ${what}; schema version ${result.version}`);
} catch (error) {
  console.error(`migrate: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
