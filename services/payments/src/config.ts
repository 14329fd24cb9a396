// The service's configuration, read from the environment once at start and validated as a whole:
// every bad variable is reported together, each naming what is allowed, and the process stops.
import packageJson from '../package.json' with { type: 'json' };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** One `merchant:key` pair of PAYMENTS_API_KEYS. The key itself never leaves memory; the DB holds its hash. */
export interface MerchantApiKey {
  readonly merchant: string;
  readonly key: string;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly dbPoolMax: number;
  readonly apiKeys: readonly MerchantApiKey[];
  /** Reported by /version; defaults to the package version. */
  readonly appVersion: string;
  /** Reported by /version; GIT_COMMIT when the build sets it. */
  readonly gitCommit: string;
  readonly logLevel: LogLevel;
  /** How long /readyz reports 503 while still serving after SIGTERM (endpoint propagation). */
  readonly shutdownDelayMs: number;
  /** Hard deadline for the whole drain after SIGTERM. */
  readonly shutdownTimeoutMs: number;
  /** Share of /v1 requests answered with an injected 500 (0..1), for analysis demos. */
  readonly faultErrorRate: number;
  /** Extra latency added to every /v1 request, for analysis demos. */
  readonly faultLatencyMs: number;
  /** A /v1 request that finds more than this many /v1 requests in flight (itself included) is slowed; 0 = off. */
  readonly faultConcurrencyLimit?: number;
  /** How much slower such a request is: a release that is slow only under real concurrency. */
  readonly faultConcurrencyLatencyMs?: number;
}

export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  dbPoolMax: 10,
  logLevel: 'info' as LogLevel,
  shutdownDelayMs: 5000,
  shutdownTimeoutMs: 30_000,
} as const;

/** API keys authenticate by hash lookup (sha256), which is only safe for high-entropy keys. */
export const MIN_API_KEY_LENGTH = 16;
const MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const API_KEY = /^[\x21-\x7e]+$/;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name}="${value}" is not allowed: use an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };

  const databaseUrl = raw('DATABASE_URL');
  if (databaseUrl === undefined) {
    problems.push('DATABASE_URL is not set: use a PostgreSQL URL such as postgres://user:password@host:5432/payments');
  } else if (!isPostgresUrl(databaseUrl)) {
    problems.push(`DATABASE_URL is not a postgres:// or postgresql:// URL (got "${redactUrl(databaseUrl)}")`);
  }

  const logLevel = raw('LOG_LEVEL') ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(`LOG_LEVEL="${logLevel}" is not allowed: use one of ${LOG_LEVELS.join(', ')}`);
  }

  const faultErrorRateRaw = raw('FAULT_ERROR_RATE');
  let faultErrorRate = 0;
  if (faultErrorRateRaw !== undefined) {
    faultErrorRate = Number(faultErrorRateRaw);
    if (!/^\d*\.?\d+$/.test(faultErrorRateRaw) || !(faultErrorRate >= 0 && faultErrorRate <= 1)) {
      problems.push(
        `FAULT_ERROR_RATE="${faultErrorRateRaw}" is not allowed: use a number from 0 to 1 (e.g. 0.2 for 20% errors)`,
      );
      faultErrorRate = 0;
    }
  }

  const host = raw('HOST') ?? DEFAULTS.host;
  const shutdownDelayMs = integer('SHUTDOWN_DELAY_MS', DEFAULTS.shutdownDelayMs, 0, 600_000);
  const shutdownTimeoutMs = integer('SHUTDOWN_TIMEOUT_MS', DEFAULTS.shutdownTimeoutMs, 1_000, 3_600_000);
  if (shutdownDelayMs >= shutdownTimeoutMs) {
    problems.push(
      `SHUTDOWN_DELAY_MS (${shutdownDelayMs}) must be less than SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs}): ` +
        'the delay is only the first part of the drain',
    );
  }

  const config: Config = {
    port: integer('PORT', DEFAULTS.port, 0, 65_535),
    host,
    databaseUrl: databaseUrl ?? '',
    dbPoolMax: integer('DB_POOL_MAX', DEFAULTS.dbPoolMax, 1, 1_000),
    apiKeys: parseApiKeys(raw('PAYMENTS_API_KEYS'), problems),
    appVersion: raw('APP_VERSION') ?? packageJson.version,
    gitCommit: raw('GIT_COMMIT') ?? 'unknown',
    logLevel: logLevel as LogLevel,
    shutdownDelayMs,
    shutdownTimeoutMs,
    faultErrorRate,
    faultLatencyMs: integer('FAULT_LATENCY_MS', 0, 0, 60_000),
    faultConcurrencyLimit: integer('FAULT_CONCURRENCY_LIMIT', 0, 0, 100_000),
    faultConcurrencyLatencyMs: integer('FAULT_CONCURRENCY_LATENCY_MS', 0, 0, 60_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `merchant:key,merchant:key` → pairs; each problem names the entry by position, never the key. */
export function parseApiKeys(value: string | undefined, problems: string[]): MerchantApiKey[] {
  if (value === undefined) return [];
  const keys: MerchantApiKey[] = [];
  const seen = new Set<string>();
  value.split(',').forEach((entry, index) => {
    const where = `PAYMENTS_API_KEYS entry ${index + 1}`;
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(':');
    if (colon < 0) {
      problems.push(`${where} is not "merchant:key": use PAYMENTS_API_KEYS=acme:<key of 16+ characters>,…`);
      return;
    }
    const merchant = trimmed.slice(0, colon);
    const key = trimmed.slice(colon + 1);
    if (!MERCHANT_ID.test(merchant)) {
      problems.push(`${where}: merchant "${merchant}" is not allowed: use 1-64 letters, digits, "_" or "-"`);
      return;
    }
    if (key.length < MIN_API_KEY_LENGTH || key.length > 256 || !API_KEY.test(key)) {
      problems.push(
        `${where} (merchant "${merchant}"): the key must be ${MIN_API_KEY_LENGTH}-256 printable characters without spaces ` +
          '(keys are looked up by sha256, so they must be long random strings; e.g. `openssl rand -hex 24`)',
      );
      return;
    }
    if (seen.has(key)) {
      problems.push(`${where} (merchant "${merchant}") repeats an earlier key: every key must be unique`);
      return;
    }
    seen.add(key);
    keys.push({ merchant, key });
  });
  return keys;
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/** A URL safe to print: the password is replaced. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable>';
  }
}
