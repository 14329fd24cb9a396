// What other workspaces use from the payments service.
export { buildApp, BODY_LIMIT_BYTES, type AppDeps, type PaymentsApp } from './app.ts';
export {
  loadConfig,
  ConfigError,
  DEFAULTS as CONFIG_DEFAULTS,
  MIN_API_KEY_LENGTH,
  type Config,
  type MerchantApiKey,
  type LogLevel,
} from './config.ts';
export {
  migrate,
  readMigrations,
  readSchemaState,
  MIGRATIONS_DIR,
  MigrationError,
  type MigrateResult,
  type Migration,
} from './migrate.ts';
export { CODE_SCHEMA_VERSION, schemaSupport, type SchemaState, type SchemaSupport } from './schema-version.ts';
export { createPool, type PoolSettings } from './db/pool.ts';
export { createLogger } from './logger.ts';
export { createLifecycle, type Lifecycle } from './http/lifecycle.ts';
export { startService, type RunningService, type DrainResult } from './service.ts';
export type { AppHooks } from './http/services.ts';
export type { Payment, Refund, PaymentStatus } from './domain/payment.ts';
