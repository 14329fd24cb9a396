// `npm run migrate`: applies pending migrations to $DATABASE_URL; idempotent; non-zero on failure.
import { migrate } from './migrate.ts';
import { redactUrl } from './config.ts';

const databaseUrl = process.env.DATABASE_URL?.trim();
if (!databaseUrl) {
  console.error(
    'migrate: DATABASE_URL is not set: use a PostgreSQL URL such as postgres://user:password@host:5432/payments',
  );
  process.exit(2);
}

try {
  const result = await migrate(databaseUrl);
  const what = result.applied.length === 0 ? 'nothing to apply' : `applied ${result.applied.join(', ')}`;
  console.log(`migrate: ${redactUrl(databaseUrl)}: ${what}; schema version ${result.version}`);
} catch (error) {
  console.error(`migrate: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
