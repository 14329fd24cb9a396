// The database goes away under the service and comes back: requests fail fast with 503 JSON
// (never hang), readiness turns 503, and everything recovers without losing or duplicating a
// payment. The link to PostgreSQL runs through a TCP proxy the test cuts (connections reset,
// new ones refused) — the shared cluster itself keeps running for the other test files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  buildTestApp,
  createTestDatabase,
  dropTestDatabase,
  paymentBody,
  startTcpProxy,
  type TcpProxy,
  type TestApp,
} from './support.ts';

let databaseUrl: string;
let proxy: TcpProxy;
let t: TestApp;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('outage');
  proxy = await startTcpProxy(databaseUrl);
  t = await buildTestApp(proxy.url, { poolMax: 4 });
});
afterAll(async () => {
  proxy.restore();
  await t?.close().catch(() => undefined);
  await proxy?.close();
  await dropTestDatabase(databaseUrl);
});

async function timed(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await t.app.inject({
    method,
    url,
    headers: { ...authHeaders(), ...headers },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  return { status: response.statusCode, body: response.json(), ms: performance.now() - started };
}

describe('database outage', () => {
  it('fails fast with 503 while the database is unreachable, and recovers when it returns', async () => {
    const before = await timed('POST', '/v1/payments', paymentBody({ amount: 111 }), {
      'idempotency-key': 'outage-before',
    });
    expect(before.status).toBe(201);
    // Warm the pool so the outage also breaks connections that are idle in it.
    await Promise.all(Array.from({ length: 4 }, () => timed('GET', '/v1/payments')));

    proxy.cut();

    const during = await Promise.all([
      timed('POST', '/v1/payments', paymentBody({ amount: 222 }), { 'idempotency-key': 'outage-during' }),
      timed('GET', '/v1/payments'),
      timed('GET', `/v1/payments/${before.body.id}`),
      ...Array.from({ length: 8 }, () => timed('POST', '/v1/payments', paymentBody({ amount: 333 }))),
    ]);
    for (const response of during) {
      expect(response.status).toBe(503);
      expect(response.body.error).toMatchObject({ type: 'api_error', code: 'database_unavailable' });
      expect(response.ms).toBeLessThan(4_000); // connectionTimeoutMillis is 2 s
    }
    const readyDuring = await timed('GET', '/readyz');
    expect(readyDuring.status).toBe(503);
    expect(readyDuring.body.reason).toMatch(/^database unavailable/);
    expect((await timed('GET', '/healthz')).status).toBe(200);

    proxy.restore();
    const deadline = Date.now() + 10_000;
    while ((await timed('GET', '/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error('not ready 10 s after the database came back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The request that failed during the outage saved nothing: its retry executes now.
    const retry = await timed('POST', '/v1/payments', paymentBody({ amount: 222 }), {
      'idempotency-key': 'outage-during',
    });
    expect(retry.status).toBe(201);
    const replayBefore = await t.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...authHeaders(), 'idempotency-key': 'outage-before' },
      payload: JSON.stringify(paymentBody({ amount: 111 })),
    });
    expect(replayBefore.headers['idempotent-replayed']).toBe('true');

    const { rows } = await t.pool.query<{ amount: number; n: number }>(
      'SELECT amount, count(*)::int AS n FROM payments GROUP BY amount ORDER BY amount',
    );
    expect(rows).toEqual([
      { amount: 111, n: 1 },
      { amount: 222, n: 1 },
    ]);
  });
});
