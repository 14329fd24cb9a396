// Stripe's Idempotency-Key rules, end to end through the app against real PostgreSQL: replay,
// reuse with other parameters, what is and is not saved, 409 while in flight, and a request
// whose database connection dies midway leaving nothing behind.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredKeys } from '../src/store/idempotency-keys.ts';
import {
  authHeaders,
  buildTestApp,
  createTestDatabase,
  dropTestDatabase,
  MERCHANTS,
  paymentBody,
  TEST_CARDS,
  type TestApp,
} from './support.ts';

let t: TestApp;
let databaseUrl: string;

/** Test seams: a gate that holds requests while their key is locked, and one-shot connection kills. */
let gate: { entered: () => void; release: Promise<void> } | undefined;
let killAfterKeyLocked = false;
let killBeforeCommit = false;
const killOwnConnection = (db: pg.PoolClient) =>
  db.query('SELECT pg_terminate_backend(pg_backend_pid())').then(
    () => undefined,
    () => undefined,
  );

beforeAll(async () => {
  databaseUrl = await createTestDatabase('idempotency');
  t = await buildTestApp(databaseUrl, {
    hooks: {
      afterKeyLocked: async (db) => {
        if (killAfterKeyLocked) {
          killAfterKeyLocked = false;
          await killOwnConnection(db);
        }
        if (gate) {
          gate.entered();
          await gate.release;
        }
      },
      beforeCommit: async (db) => {
        if (killBeforeCommit) {
          killBeforeCommit = false;
          await killOwnConnection(db);
        }
      },
    },
  });
});
afterAll(async () => {
  await t.close();
  await dropTestDatabase(databaseUrl);
});

let keyCounter = 0;
const newKey = (): string => `key-${Date.now()}-${++keyCounter}`;

function send(url: string, body: unknown, key: string | undefined, merchantKey: string = MERCHANTS.acme.key) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: authHeaders(merchantKey, key === undefined ? {} : { 'idempotency-key': key }),
    payload: JSON.stringify(body),
  });
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await t.pool.query<{ n: number }>(sql, values);
  return rows[0]!.n;
}
/** Advisory locks held in this database (other test files share the cluster). */
const advisoryLocks = () =>
  count(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
/**
 * Waits (at most 5 s) until no backend holds an advisory lock here; returns how many still are.
 * Locks are freed just after their answers: unlocks run right after each response, and a killed
 * backend answers its client before it exits. A retry sent at once could still find its key
 * locked and get the 409 "in flight" (which a client retries); the tests check the outcome after.
 */
async function advisoryLocksReleased(): Promise<number> {
  let held = await advisoryLocks();
  for (const deadline = Date.now() + 5_000; held > 0 && Date.now() < deadline; held = await advisoryLocks()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return held;
}
const paymentsWithAmount = (amount: number) =>
  count('SELECT count(*)::int AS n FROM payments WHERE amount = $1', [amount]);
const keyRows = (key: string) =>
  count('SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key = $1', [key]);

describe('replay', () => {
  it('returns the first response byte for byte with Idempotent-Replayed: true, and creates one payment', async () => {
    const key = newKey();
    const body = paymentBody({ amount: 7001, metadata: { b: '2', a: '1' } });
    const first = await send('/v1/payments', body, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same parameters in another key order are the same request.
    const reordered = { metadata: { a: '1', b: '2' }, card: body.card, currency: body.currency, amount: body.amount };
    for (const again of [body, reordered]) {
      const replay = await send('/v1/payments', again, key);
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toBe(first.body);
    }
    expect(await paymentsWithAmount(7001)).toBe(1);
  });

  it('saves 402 declines (with the failed payment) and replays them', async () => {
    const key = newKey();
    const first = await send('/v1/payments', paymentBody({ amount: 7002, number: TEST_CARDS.declined }), key);
    expect(first.statusCode).toBe(402);
    const replay = await send('/v1/payments', paymentBody({ amount: 7002, number: TEST_CARDS.declined }), key);
    expect(replay.statusCode).toBe(402);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(await paymentsWithAmount(7002)).toBe(1);
  });

  it('saves local card errors (402 incorrect_number) too', async () => {
    const key = newKey();
    const first = await send('/v1/payments', paymentBody({ number: TEST_CARDS.luhnFailure }), key);
    expect(first.statusCode).toBe(402);
    const replay = await send('/v1/payments', paymentBody({ number: TEST_CARDS.luhnFailure }), key);
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([402, 'true', first.body]);
  });

  it('saves business errors of capture/refund (the endpoint ran) and replays them', async () => {
    const payment = (await send('/v1/payments', paymentBody(), undefined)).json();
    const key = newKey();
    const first = await send(`/v1/payments/${payment.id}/capture`, {}, key);
    expect(first.json().error.code).toBe('payment_unexpected_state');
    const replay = await send(`/v1/payments/${payment.id}/capture`, {}, key);
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([400, 'true', first.body]);
  });

  it('replays a refund instead of refunding twice', async () => {
    const payment = (await send('/v1/payments', paymentBody({ amount: 900 }), undefined)).json();
    const key = newKey();
    const first = await send(`/v1/payments/${payment.id}/refunds`, { amount: 300 }, key);
    const replay = await send(`/v1/payments/${payment.id}/refunds`, { amount: 300 }, key);
    expect(first.statusCode).toBe(201);
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([201, 'true', first.body]);
    expect(await count('SELECT amount_refunded AS n FROM payments WHERE id = $1', [payment.id])).toBe(300);
  });
});

describe('what is not saved', () => {
  it('a 400 validation failure: the corrected retry with the same key executes', async () => {
    const key = newKey();
    const invalid = await send('/v1/payments', { ...paymentBody({ amount: 7003 }), currency: 'xxx' }, key);
    expect(invalid.statusCode).toBe(400);
    expect(await keyRows(key)).toBe(0);
    const corrected = await send('/v1/payments', paymentBody({ amount: 7003 }), key);
    expect(corrected.statusCode).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a 401: the authenticated retry executes', async () => {
    const key = newKey();
    const unauthenticated = await t.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      payload: JSON.stringify(paymentBody()),
    });
    expect(unauthenticated.statusCode).toBe(401);
    expect((await send('/v1/payments', paymentBody(), key)).headers['idempotent-replayed']).toBeUndefined();
  });

  it('keys are per merchant: the same key for another merchant is a new request', async () => {
    const key = newKey();
    const acme = await send('/v1/payments', paymentBody({ amount: 7004 }), key);
    const globex = await send('/v1/payments', paymentBody({ amount: 7004 }), key, MERCHANTS.globex.key);
    expect(globex.statusCode).toBe(201);
    expect(globex.headers['idempotent-replayed']).toBeUndefined();
    expect(globex.json().id).not.toBe(acme.json().id);
  });
});

describe('misuse', () => {
  it('the same key with other parameters is 400 idempotency_error', async () => {
    const key = newKey();
    await send('/v1/payments', paymentBody({ amount: 7005 }), key);
    const other = await send('/v1/payments', paymentBody({ amount: 7006 }), key);
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    expect(await paymentsWithAmount(7006)).toBe(0);
  });

  it('the same key on another endpoint is 400 idempotency_error', async () => {
    const key = newKey();
    const payment = (await send('/v1/payments', paymentBody({ capture_method: 'manual' }), key)).json();
    const elsewhere = await send(`/v1/payments/${payment.id}/capture`, {}, key);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    expect(elsewhere.json().error.message).toContain('POST /v1/payments');
  });

  it('a key must be 1-255 characters: a malformed key is invalid_request_error on the Idempotency-Key param', async () => {
    expect((await send('/v1/payments', paymentBody(), 'k'.repeat(255))).statusCode).toBe(201);
    for (const bad of ['', 'k'.repeat(256)]) {
      const response = await send('/v1/payments', paymentBody(), bad);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        type: 'invalid_request_error',
        code: 'idempotency_key_invalid',
        param: 'Idempotency-Key',
      });
    }
  });
});

describe('in flight and failures', () => {
  /**
   * Makes a create request with `key` stop midway: a transaction of the test's own inserts the
   * same key row and keeps it uncommitted, so the request, holding the key's lock, waits on it.
   */
  async function blockKey(key: string): Promise<{ waiting: () => Promise<number>; release: () => Promise<void> }> {
    const blocker = await t.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      "INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body) VALUES ('acme', $1, 'POST', '/blocker', 'x', 500, '{}')",
      [key],
    );
    return {
      // The pid of the request's backend once it waits for the blocker.
      async waiting() {
        for (let i = 0; i < 100; i++) {
          const { rows } = await t.pool.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_try_advisory_xact_lock%'",
          );
          if (rows[0]) return rows[0].pid;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error('the request never reached the key insert');
      },
      async release() {
        await blocker.query('ROLLBACK');
        blocker.release();
      },
    };
  }

  it('a create retried while the first is executing is 409; afterwards it replays', async () => {
    const key = newKey();
    const blocked = await blockKey(key);
    const first = send('/v1/payments', paymentBody({ amount: 7007 }), key);
    await blocked.waiting();
    const concurrent = await send('/v1/payments', paymentBody({ amount: 7007 }), key);
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.json().error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    await blocked.release();
    const original = await first;
    expect(original.statusCode).toBe(201);
    const replay = await send('/v1/payments', paymentBody({ amount: 7007 }), key);
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([
      201,
      'true',
      original.body,
    ]);
    expect(await paymentsWithAmount(7007)).toBe(1);
  });

  it('a create whose connection dies midway leaves nothing; the retry completes it', async () => {
    const key = newKey();
    const blocked = await blockKey(key);
    const crashing = send('/v1/payments', paymentBody({ amount: 7008 }), key);
    await t.pool.query('SELECT pg_terminate_backend($1)', [await blocked.waiting()]);
    const crashed = await crashing;
    await blocked.release();
    expect(crashed.statusCode).toBe(503);
    expect(crashed.json().error).toMatchObject({ type: 'api_error', code: 'database_unavailable' });
    expect(await paymentsWithAmount(7008)).toBe(0);
    expect(await keyRows(key)).toBe(0);
    // The dead transaction's lock went with it: no 409, the retry executes.
    expect(await advisoryLocksReleased()).toBe(0);
    const retry = await send('/v1/payments', paymentBody({ amount: 7008 }), key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await paymentsWithAmount(7008)).toBe(1);
  });

  it('a refund retried while the first is executing is 409; afterwards it replays', async () => {
    const payment = (await send('/v1/payments', paymentBody({ amount: 7011 }), undefined)).json();
    const key = newKey();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    gate = { entered, release: new Promise<void>((resolve) => (release = resolve)) };
    const first = send(`/v1/payments/${payment.id}/refunds`, { amount: 11 }, key);
    await inside;
    gate = undefined;
    const concurrent = await send(`/v1/payments/${payment.id}/refunds`, { amount: 11 }, key);
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.json().error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    release();
    const original = await first;
    expect(original.statusCode).toBe(201);
    const replay = await send(`/v1/payments/${payment.id}/refunds`, { amount: 11 }, key);
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([
      201,
      'true',
      original.body,
    ]);
    expect(await count('SELECT amount_refunded AS n FROM payments WHERE id = $1', [payment.id])).toBe(11);
  });

  it('a capture whose connection dies after taking the key leaves nothing; the retry completes it', async () => {
    const payment = (
      await send('/v1/payments', paymentBody({ amount: 7012, capture_method: 'manual' }), undefined)
    ).json();
    const key = newKey();
    killAfterKeyLocked = true;
    const crashed = await send(`/v1/payments/${payment.id}/capture`, {}, key);
    expect(crashed.statusCode).toBe(503);
    expect(await keyRows(key)).toBe(0);
    expect(await advisoryLocksReleased()).toBe(0);
    const retry = await send(`/v1/payments/${payment.id}/capture`, {}, key);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'succeeded', amount_captured: 7012 });
  });

  it('a refund whose connection dies before COMMIT writes neither refund nor amount; the retry completes it', async () => {
    const payment = (await send('/v1/payments', paymentBody({ amount: 7009 }), undefined)).json();
    const key = newKey();
    killBeforeCommit = true;
    const crashed = await send(`/v1/payments/${payment.id}/refunds`, { amount: 1000 }, key);
    expect(crashed.statusCode).toBe(503);
    expect(await count('SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1', [payment.id])).toBe(0);
    expect(await count('SELECT amount_refunded AS n FROM payments WHERE id = $1', [payment.id])).toBe(0);
    expect(await keyRows(key)).toBe(0);
    expect(await advisoryLocksReleased()).toBe(0);
    const retry = await send(`/v1/payments/${payment.id}/refunds`, { amount: 1000 }, key);
    expect(retry.statusCode).toBe(201);
    expect(await count('SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1', [payment.id])).toBe(1);
    expect(await count('SELECT amount_refunded AS n FROM payments WHERE id = $1', [payment.id])).toBe(1000);
  });

  it('the pool gives back healthy connections afterwards (no lock or transaction leaks)', async () => {
    const payment = (await send('/v1/payments', paymentBody({ amount: 7010 }), undefined)).json();
    const keys = Array.from({ length: 15 }, newKey);
    const responses = await Promise.all(
      keys.map((key) => send(`/v1/payments/${payment.id}/refunds`, { amount: 1 }, key)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(keys.map(() => 201));
    expect(await advisoryLocksReleased()).toBe(0);
  });
});

describe('retention', () => {
  it('keeps keys 24 hours, then the sweep removes them (and only them)', async () => {
    const oldKey = newKey();
    const freshKey = newKey();
    await send('/v1/payments', paymentBody(), oldKey);
    await send('/v1/payments', paymentBody(), freshKey);
    await t.pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE idempotency_key = $1",
      [oldKey],
    );
    await t.pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE idempotency_key = $1",
      [freshKey],
    );
    expect(await sweepExpiredKeys(t.pool, 24 * 3600)).toBeGreaterThanOrEqual(1);
    expect(await keyRows(oldKey)).toBe(0);
    expect(await keyRows(freshKey)).toBe(1);
  });
});
