// `npm start`: the service on a private PostgreSQL, for a developer machine.
//   1. PostgreSQL from the machine's server binaries, data in <repo>/.quickship/pg (kept between
//      runs), on a free loopback port — or $DATABASE_URL when set;
//   2. database `payments`, migrations;
//   3. the service on 127.0.0.1:$PORT (3000) with a dev API key (PAYMENTS_API_KEYS, or one
//      generated once and kept in .quickship/dev-api-key);
//   4. Ctrl-C: the service drains (no shutdown delay unless SHUTDOWN_DELAY_MS is set), then
//      PostgreSQL stops.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrate.ts';
import { startService, type RunningService } from './service.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const stateDir = join(repoRoot, '.quickship');

/** The dev merchant's key: generated on the first run, then the same on every run. */
function devApiKeys(): string {
  const file = join(stateDir, 'dev-api-key');
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, `dev:sk_test_${randomBytes(20).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

let cluster: PostgresCluster | undefined;
let service: RunningService | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (service) {
    console.log('\npayments: draining…');
    await service.drain().catch((error: unknown) => console.error('payments: drain failed:', error));
  }
  if (cluster) {
    console.log('postgres: stopping…');
    await cluster.halt('fast').catch((error: unknown) => console.error('postgres: stop failed:', error));
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait
    stopping = true;
    void stop(0);
  });
}

try {
  let databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    console.log(`postgres: starting a private cluster in ${join(stateDir, 'pg')} …`);
    cluster = await startPostgres({ dataDir: join(stateDir, 'pg') });
    databaseUrl = await cluster.createDatabase('payments');
  }
  const migrated = await migrate(databaseUrl);
  console.log(
    `postgres: ${databaseUrl} (schema version ${migrated.version}${migrated.applied.length ? `, applied ${migrated.applied.join(', ')}` : ''})`,
  );

  const env = { ...process.env };
  const config = loadConfig({
    ...env,
    DATABASE_URL: databaseUrl,
    HOST: env.HOST ?? '127.0.0.1',
    PAYMENTS_API_KEYS: env.PAYMENTS_API_KEYS ?? devApiKeys(),
    SHUTDOWN_DELAY_MS: env.SHUTDOWN_DELAY_MS ?? '0',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  service = await startService(config, createLogger({ level: config.logLevel, version: config.appVersion }));
  if (stopping) await stop(0);
  const first = config.apiKeys[0];
  console.log(`
payments: listening on ${service.url}
  merchant: ${first?.merchant ?? '(none)'}    API key: ${first?.key ?? '(set PAYMENTS_API_KEYS)'}

  curl -s ${service.url}/v1/payments -H 'Authorization: Bearer ${first?.key ?? 'KEY'}' -H 'Content-Type: application/json' \\
    -H 'Idempotency-Key: first-payment' \\
    -d '{"amount":1050,"currency":"usd","card":{"number":"4242 4242 4242 4242","exp_month":12,"exp_year":${new Date().getUTCFullYear() + 3},"cvc":"123"}}'

Ctrl-C stops the service and PostgreSQL.`);
} catch (error) {
  if (error instanceof ConfigError) console.error(`payments: ${error.message}`);
  else if ((error as { code?: string }).code === 'EADDRINUSE')
    console.error(
      `payments: port ${process.env.PORT ?? 3000} is in use: set PORT to a free port (e.g. PORT=3001 npm start)`,
    );
  else console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
