// /healthz, /readyz, /version, /metrics, and the FAULT_* switches (which touch /v1 only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createLifecycle } from '../src/http/lifecycle.ts';
import { checkReadiness } from '../src/routes/ops.ts';
import { CODE_SCHEMA_VERSION } from '../src/schema-version.ts';
import {
  authHeaders,
  buildTestApp,
  createEmptyDatabase,
  createTestDatabase,
  dropTestDatabase,
  MERCHANTS,
  paymentBody,
  type TestApp,
} from './support.ts';

let databaseUrl: string;
const apps: TestApp[] = [];
const databases: string[] = [];
const lifecycle = createLifecycle(new Date('2026-01-02T03:04:05Z'));
/** One app for the ops tests (building an app compiles every schema: not free on a busy machine). */
let ops: TestApp;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('ops');
  databases.push(databaseUrl);
  const apiKeys = Object.values(MERCHANTS).map((m) => ({ merchant: m.id, key: m.key }));
  ops = await appOn(databaseUrl, {
    lifecycle,
    config: { apiKeys, appVersion: '9.9.9', gitCommit: 'abc1234', faultErrorRate: 0, faultLatencyMs: 0 },
  });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const url of databases) await dropTestDatabase(url);
});

async function appOn(url: string, deps: Parameters<typeof buildTestApp>[1] = {}): Promise<TestApp> {
  const app = await buildTestApp(url, deps);
  apps.push(app);
  return app;
}

describe('ops endpoints', () => {
  it('/healthz, /readyz and /version answer without authentication', async () => {
    const { app } = ops;
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready', schema_version: CODE_SCHEMA_VERSION }]);
    expect((await app.inject('/version')).json()).toEqual({
      service: 'payments',
      version: '9.9.9',
      commit: 'abc1234',
      started_at: '2026-01-02T03:04:05.000Z',
      schema_version: CODE_SCHEMA_VERSION,
    });

    // Draining: not ready at once, still alive, and every response asks to close the connection.
    lifecycle.draining = true;
    const draining = await app.inject('/readyz');
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toMatchObject({ status: 'not_ready', reason: expect.stringMatching(/^draining/) });
    expect(draining.headers.connection).toBe('close');
    const health = await app.inject('/healthz');
    expect([health.statusCode, health.headers.connection]).toEqual([200, 'close']);
    lifecycle.draining = false;
    expect((await app.inject('/readyz')).headers.connection).not.toBe('close');
  });

  it('/readyz is 503 when the schema is missing or demands newer code', async () => {
    const empty = await createEmptyDatabase('ops_empty');
    databases.push(empty);
    // (The app itself refuses to start there: it has no tables to register API keys in.)
    const bare = new pg.Pool({ connectionString: empty, max: 1 });
    const notMigrated = await checkReadiness({
      lifecycle: createLifecycle(),
      healthPool: bare,
      isBootstrapped: () => true,
    });
    await bare.end();
    expect(notMigrated).toEqual({
      status: 'not_ready',
      reason: expect.stringMatching(/schema unsupported: the database has no schema: run `npm run migrate`/),
    });

    const { app, pool } = ops;
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    // The next-but-one release's contract migration, which this build's code cannot serve.
    await pool.query(
      "INSERT INTO schema_migrations (version, name, checksum, min_code_version) VALUES ($1, 'contract', 'x', $1)",
      [CODE_SCHEMA_VERSION + 1],
    );
    try {
      const response = await app.inject('/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json().reason).toMatch(/schema unsupported: .*requires code built for schema/);
    } finally {
      await pool.query('DELETE FROM schema_migrations WHERE version = $1', [CODE_SCHEMA_VERSION + 1]);
    }
  });

  it('/metrics exposes HTTP, business, pool and process metrics with route templates', async () => {
    const { app } = ops;
    const headers = authHeaders();
    const created = await app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...headers, 'idempotency-key': 'metrics-1' },
      payload: paymentBody(),
    });
    await app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...headers, 'idempotency-key': 'metrics-1' },
      payload: paymentBody(),
    });
    await app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers,
      payload: paymentBody({ number: '4000000000000002' }),
    });
    await app.inject({ method: 'GET', url: `/v1/payments/${created.json().id}`, headers });
    await app.inject({ method: 'POST', url: `/v1/payments/${created.json().id}/refunds`, headers, payload: {} });
    await app.inject({ method: 'GET', url: '/no/such/thing/12345' });

    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const text = metrics.body;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/v1\/payments\/:id",status_code="200"\} 1/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/payments",status_code="201"\} 2/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1/);
    expect(text).not.toContain(created.json().id);
    expect(text).not.toContain('/no/such/thing');
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/payments\/:id\/refunds",status_code="201"\}/,
    );
    expect(text).toMatch(/payments_total\{status="succeeded"\} 1/);
    expect(text).toMatch(/payments_total\{status="failed"\} 1/);
    expect(text).toMatch(/refunds_total 1/);
    expect(text).toMatch(/idempotent_replays_total 1/);
    expect(text).toMatch(/db_pool_connections_in_use \d+/);
    expect(text).toMatch(/db_pool_requests_waiting 0/);
    expect(text).toMatch(/db_pool_connections_max 10/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    expect(text).toMatch(/process_cpu_seconds_total/);
    expect(text).toMatch(/app_info\{version="9.9.9",commit="abc1234"\} 1/);
  });
});

describe('fault injection', () => {
  it('FAULT_ERROR_RATE fails /v1 requests with 500 api_error and never the ops endpoints', async () => {
    let i = 0;
    const { app } = await appOn(databaseUrl, {
      config: { apiKeys: [], appVersion: 't', gitCommit: 't', faultErrorRate: 0.5, faultLatencyMs: 0 },
      random: () => (i++ % 2 === 0 ? 0.1 : 0.9), // alternately below and above the rate
    });
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      const response = await app.inject({ method: 'GET', url: '/v1/payments', headers: authHeaders() });
      statuses.push(response.statusCode);
      if (response.statusCode === 500)
        expect(response.json().error).toMatchObject({ type: 'api_error', code: 'fault_injected' });
    }
    expect(statuses).toEqual([500, 200, 500, 200]);
    for (const url of ['/healthz', '/readyz', '/version', '/metrics'])
      expect((await app.inject(url)).statusCode).toBe(200);
  });

  it('FAULT_CONCURRENCY_*: a request is slowed only while more than the limit are in flight', async () => {
    const { app } = await appOn(databaseUrl, {
      config: {
        apiKeys: [],
        appVersion: 't',
        gitCommit: 't',
        faultErrorRate: 0,
        faultLatencyMs: 0,
        faultConcurrencyLimit: 2,
        faultConcurrencyLatencyMs: 800,
      },
    });
    const timed = async () => {
      const started = performance.now();
      const response = await app.inject({ method: 'GET', url: '/v1/payments', headers: authHeaders() });
      expect(response.statusCode).toBe(200);
      return performance.now() - started;
    };
    // One at a time (a smoke test): never above the limit, never slowed.
    for (let n = 0; n < 3; n++) expect(await timed()).toBeLessThan(800);
    // Four at once: the third and fourth find more than two in flight and wait.
    const together = await Promise.all([timed(), timed(), timed(), timed()]);
    expect(together.filter((ms) => ms >= 795)).toHaveLength(2);
    // Once they are done, the count is back to zero.
    expect(await timed()).toBeLessThan(800);
  });

  it('FAULT_LATENCY_MS slows /v1 requests only', async () => {
    const { app } = await appOn(databaseUrl, {
      config: { apiKeys: [], appVersion: 't', gitCommit: 't', faultErrorRate: 0, faultLatencyMs: 1000 },
    });
    let started = performance.now();
    expect(
      (await app.inject({ method: 'GET', url: '/v1/payments', headers: authHeaders(MERCHANTS.globex.key) })).statusCode,
    ).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(995);
    started = performance.now();
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
