import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from './config.ts';
import packageJson from '../package.json' with { type: 'json' };

const base = { DATABASE_URL: 'postgres://u:secret@db:5432/payments' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dbPoolMax: DEFAULTS.dbPoolMax,
      apiKeys: [],
      appVersion: packageJson.version,
      gitCommit: 'unknown',
      logLevel: 'info',
      shutdownDelayMs: DEFAULTS.shutdownDelayMs,
      shutdownTimeoutMs: DEFAULTS.shutdownTimeoutMs,
      faultErrorRate: 0,
      faultLatencyMs: 0,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      PORT: '8080',
      HOST: '127.0.0.1',
      DB_POOL_MAX: '32',
      PAYMENTS_API_KEYS: 'acme:sk_test_0123456789abcdef, globex:sk_test_fedcba9876543210',
      APP_VERSION: '1.2.3',
      GIT_COMMIT: 'abc123',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '5000',
      FAULT_ERROR_RATE: '0.25',
      FAULT_LATENCY_MS: '150',
      FAULT_CONCURRENCY_LIMIT: '16',
      FAULT_CONCURRENCY_LATENCY_MS: '400',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dbPoolMax: 32,
      appVersion: '1.2.3',
      gitCommit: 'abc123',
      logLevel: 'warn',
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 5000,
      faultErrorRate: 0.25,
      faultLatencyMs: 150,
      faultConcurrencyLimit: 16,
      faultConcurrencyLatencyMs: 400,
    });
    expect(config.apiKeys).toEqual([
      { merchant: 'acme', key: 'sk_test_0123456789abcdef' },
      { merchant: 'globex', key: 'sk_test_fedcba9876543210' },
    ]);
  });

  it('reports every bad variable at once, naming it and what is allowed', () => {
    const problems = problemsOf({
      PORT: 'http',
      DB_POOL_MAX: '0',
      LOG_LEVEL: 'loud',
      FAULT_ERROR_RATE: '1.5',
      FAULT_LATENCY_MS: '-1',
      SHUTDOWN_DELAY_MS: '9000',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const text = problems.join('\n');
    expect(text).toMatch(/DATABASE_URL is not set/);
    expect(text).toMatch(/PORT="http" is not allowed: use an integer from 0 to 65535/);
    expect(text).toMatch(/DB_POOL_MAX="0" is not allowed/);
    expect(text).toMatch(/LOG_LEVEL="loud" is not allowed: use one of fatal, error, warn, info, debug, trace, silent/);
    expect(text).toMatch(/FAULT_ERROR_RATE="1.5" is not allowed: use a number from 0 to 1/);
    expect(text).toMatch(/FAULT_LATENCY_MS="-1" is not allowed/);
    expect(text).toMatch(/SHUTDOWN_DELAY_MS \(9000\) must be less than SHUTDOWN_TIMEOUT_MS \(5000\)/);
  });

  it('rejects a non-postgres DATABASE_URL without printing its password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(problem).toMatch(/DATABASE_URL is not a postgres/);
    expect(problem).not.toContain('hunter2');
  });

  it('validates PAYMENTS_API_KEYS entries without ever printing a key', () => {
    const problems = problemsOf({
      ...base,
      PAYMENTS_API_KEYS:
        'nocolon,bad merchant:sk_test_0123456789abcdef,acme:short,a:sk_test_0123456789abcdef,b:sk_test_0123456789abcdef',
    });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/entry 1 is not "merchant:key"/);
    expect(problems[1]).toMatch(/entry 2: merchant "bad merchant" is not allowed/);
    expect(problems[2]).toMatch(/entry 3 \(merchant "acme"\): the key must be 16-256/);
    expect(problems[3]).toMatch(/entry 5 .* repeats an earlier key/);
    expect(problems.join('\n')).not.toContain('sk_test_0123456789abcdef');
  });
});
