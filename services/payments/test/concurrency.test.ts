// Races over real HTTP on loopback (the app listening, a pool of 10 connections): one key sent
// by many clients at once creates one payment; concurrent refunds and captures of one payment
// serialise on its row lock and can never exceed what was captured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import {
  authHeaders,
  buildTestApp,
  createTestDatabase,
  dropTestDatabase,
  paymentBody,
  type TestApp,
} from './support.ts';

let t: TestApp;
let databaseUrl: string;
let base: string;
// Many sockets, so the requests really arrive in parallel rather than queued on one connection.
const agent = new Agent({ connections: 64, pipelining: 0 });

beforeAll(async () => {
  databaseUrl = await createTestDatabase('concurrency');
  t = await buildTestApp(databaseUrl, { poolMax: 10 });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await agent.close();
  await t.close();
  await dropTestDatabase(databaseUrl);
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${base}${path}`, {
    method: 'POST',
    headers: authHeaders(undefined, headers),
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('one Idempotency-Key, many concurrent requests', () => {
  it('30 identical requests in parallel create exactly one payment; every success is the same response', async () => {
    const body = paymentBody({ amount: 8001 });
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => post('/v1/payments', body, { 'idempotency-key': 'race-create-1' })),
    );
    const created = responses.filter((r) => r.status === 201);
    const inFlight = responses.filter((r) => r.status === 409);
    expect(created.length + inFlight.length).toBe(30);
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(new Set(created.map((r) => r.text)).size).toBe(1);
    for (const r of inFlight)
      expect(JSON.parse(r.text).error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });

    const { rows } = await t.pool.query('SELECT id FROM payments WHERE amount = 8001');
    expect(rows).toHaveLength(1);
    expect(JSON.parse(created[0]!.text).id).toBe(rows[0].id);
    // After the race every retry is a replay.
    const retry = await post('/v1/payments', body, { 'idempotency-key': 'race-create-1' });
    expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([201, 'true', created[0]!.text]);
  });

  it('a declined card raced with one key stores one failed payment', async () => {
    const body = paymentBody({ amount: 8002, number: '4000000000000002' });
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => post('/v1/payments', body, { 'idempotency-key': 'race-decline-1' })),
    );
    expect(responses.every((r) => r.status === 402 || r.status === 409)).toBe(true);
    expect((await t.pool.query('SELECT id FROM payments WHERE amount = 8002')).rows).toHaveLength(1);
  });
});

describe('concurrent changes to one payment', () => {
  it('20 parallel refunds of 100 against 1000 captured: exactly 10 succeed, never over-refunded', async () => {
    const payment = JSON.parse((await post('/v1/payments', paymentBody({ amount: 1000 }))).text);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(`/v1/payments/${payment.id}/refunds`, { amount: 100 })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    for (const r of responses.filter((r) => r.status === 400))
      expect(JSON.parse(r.text).error.code).toBe('amount_too_large');
    const { rows } = await t.pool.query(
      'SELECT amount_refunded, (SELECT sum(amount)::int FROM refunds WHERE payment_id = $1) AS refunded FROM payments WHERE id = $1',
      [payment.id],
    );
    expect(rows[0]).toEqual({ amount_refunded: 1000, refunded: 1000 });
  });

  it('parallel refunds of random sizes never add up to more than captured', async () => {
    const payment = JSON.parse((await post('/v1/payments', paymentBody({ amount: 5000 }))).text);
    const amounts = Array.from({ length: 16 }, (_, i) => 300 + ((i * 977) % 900));
    const responses = await Promise.all(
      amounts.map((amount) => post(`/v1/payments/${payment.id}/refunds`, { amount })),
    );
    const succeeded = amounts.filter((_, i) => responses[i]!.status === 201);
    const total = succeeded.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(5000);
    expect(responses.every((r) => r.status === 201 || r.status === 400)).toBe(true);
    const { rows } = await t.pool.query('SELECT amount_refunded FROM payments WHERE id = $1', [payment.id]);
    expect(rows[0].amount_refunded).toBe(total);
    // A refusal means the amount did not fit what was left then; what is left only shrinks, so
    // every refused amount is still larger than what is left now.
    for (const [i, amount] of amounts.entries())
      if (responses[i]!.status === 400) expect(amount).toBeGreaterThan(5000 - total);
  });

  it('10 parallel captures of one authorisation: one succeeds, the rest see it captured', async () => {
    const payment = JSON.parse(
      (await post('/v1/payments', paymentBody({ amount: 2500, capture_method: 'manual' }))).text,
    );
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post(`/v1/payments/${payment.id}/capture`, {})),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 400).map((r) => JSON.parse(r.text).error.code)).toEqual(
      Array(9).fill('payment_unexpected_state'),
    );
  });
});
