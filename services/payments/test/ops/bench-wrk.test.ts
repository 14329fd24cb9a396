// The benchmark's wrk client for real (@quickship/loadgen's wrk.ts + payments.lua) against the app on
// loopback: every request is a valid payment with its own Idempotency-Key, the summary line
// parses, and what wrk counted as answered is what the database stored under the run's keys.
// wrk is a Debian package (.ci/run installs it); without it the benchmark falls back to the Node
// load generator, so this test is skipped with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWrkPayments, wrkAvailable, WRK_BIN } from '@quickship/loadgen';
import { countStoredPayments } from '../../bench/stored-payments.ts';
import { buildTestApp, createTestDatabase, dropTestDatabase, MERCHANTS, type TestApp } from '../support.ts';

let t: TestApp;
let databaseUrl: string;
let base: string;

describe.skipIf(!wrkAvailable())(`bench client: wrk (${WRK_BIN})`, () => {
  beforeAll(async () => {
    databaseUrl = await createTestDatabase('bench_wrk');
    t = await buildTestApp(databaseUrl);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('creates one stored payment per answered request, each under its own key', async () => {
    const summary = await runWrkPayments({
      target: base,
      connections: 4,
      seconds: 1,
      apiKey: MERCHANTS.acme.key,
      keyPrefix: 'lg_wrktest_',
      expiryYear: new Date().getUTCFullYear() + 3,
    });
    expect(summary.requests).toBeGreaterThan(20);
    expect(summary).toMatchObject({ status: 0, connect: 0, read: 0, write: 0, timeout: 0 });
    expect(summary.p50Us).toBeGreaterThan(0);
    expect(summary.p99Us).toBeGreaterThanOrEqual(summary.p50Us);
    // Requests still in flight when wrk stops may be stored without being counted as answered.
    const stored = await countStoredPayments(databaseUrl, 'lg_wrktest_');
    expect(stored).toBeGreaterThanOrEqual(summary.requests);
    expect(stored).toBeLessThanOrEqual(summary.requests + 4);
    const { rows } = await t.pool.query(
      `SELECT count(DISTINCT idempotency_key)::int AS keys, count(*)::int AS n FROM idempotency_keys WHERE idempotency_key LIKE 'lg_wrktest_%'`,
    );
    expect(rows[0]).toEqual({ keys: stored, n: stored });
  });
});
