// The /v1 API contract through app.inject against a real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  databaseUrl = await createTestDatabase('api');
  t = await buildTestApp(databaseUrl);
});
afterAll(async () => {
  await t.close();
  await dropTestDatabase(databaseUrl);
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function post(
  url: string,
  body?: unknown,
  key: string = MERCHANTS.acme.key,
  headers: Record<string, string> = {},
) {
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: authHeaders(key, headers),
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: response.json() as Json, headers: response.headers };
}

async function get(url: string, key: string = MERCHANTS.acme.key) {
  const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json() as Json };
}

async function createPayment(overrides: Parameters<typeof paymentBody>[0] = {}, key?: string): Promise<Json> {
  const response = await post('/v1/payments', paymentBody(overrides), key);
  expect(response.status).toBe(201);
  return response.body;
}

function expectError(
  response: { status: number; body: Json },
  status: number,
  type: string,
  code: string,
  param?: string,
): void {
  expect(response.status).toBe(status);
  expect(response.body.error).toMatchObject({ type, code, message: expect.any(String) });
  if (param !== undefined) expect(response.body.error.param).toBe(param);
}

describe('POST /v1/payments', () => {
  it('creates a payment with every field of the contract and no card number or CVC', async () => {
    const year = new Date().getUTCFullYear() + 3;
    const response = await post(
      '/v1/payments',
      paymentBody({
        amount: 2000,
        currency: 'EUR',
        number: TEST_CARDS.visaSpaced,
        description: 'order 42',
        metadata: { order_id: '42' },
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^pay_[0-9A-Za-z]{24}$/),
      object: 'payment',
      amount: 2000,
      amount_captured: 2000,
      amount_refunded: 0,
      currency: 'eur',
      status: 'succeeded',
      capture_method: 'automatic',
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: year },
      description: 'order 42',
      metadata: { order_id: '42' },
      failure_code: null,
      failure_message: null,
      created: expect.any(Number),
    });
    expect(Math.abs(response.body.created - Date.now() / 1000)).toBeLessThan(60);
    expect((await get(`/v1/payments/${response.body.id}`)).body).toEqual(response.body);
  });

  it('detects mastercard (incl. 2-series) and amex, with dashes', async () => {
    expect((await createPayment({ number: TEST_CARDS.mastercard })).card).toMatchObject({
      brand: 'mastercard',
      last4: '4444',
    });
    expect((await createPayment({ number: TEST_CARDS.mastercard2Series })).card).toMatchObject({
      brand: 'mastercard',
      last4: '3222',
    });
    expect((await createPayment({ number: '3782-822463-10005', cvc: '1234' })).card).toMatchObject({
      brand: 'amex',
      last4: '0005',
    });
  });

  it.each([
    ['card_declined', TEST_CARDS.declined, undefined],
    ['insufficient_funds', TEST_CARDS.insufficientFunds, undefined],
    ['incorrect_cvc', TEST_CARDS.incorrectCvc, 'card[cvc]'],
    ['processing_error', TEST_CARDS.processingError, undefined],
  ])('stores a processor decline (%s) as failed and returns it inside the 402', async (code, number, param) => {
    const response = await post('/v1/payments', paymentBody({ number }));
    expectError(response, 402, 'card_error', code, param);
    const payment = response.body.error.payment;
    expect(payment).toMatchObject({
      status: 'failed',
      failure_code: code,
      failure_message: response.body.error.message,
      amount_captured: 0,
    });
    expect((await get(`/v1/payments/${payment.id}`)).body).toEqual(payment);
  });

  it.each([
    ['incorrect_number', { number: TEST_CARDS.luhnFailure }, 'card[number]'],
    ['incorrect_number', { number: '4242 4242' }, 'card[number]'],
    ['card_not_supported', { number: TEST_CARDS.discover }, 'card[number]'],
    ['expired_card', { exp_month: 1, exp_year: 2020 }, 'card[exp_year]'],
  ])('rejects a card locally with 402 %s and stores nothing', async (code, overrides, param) => {
    const before = await t.pool.query('SELECT count(*)::int AS n FROM payments');
    expectError(await post('/v1/payments', paymentBody(overrides)), 402, 'card_error', code, param);
    const after = await t.pool.query('SELECT count(*)::int AS n FROM payments');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it.each([
    ['an unknown field', { ...paymentBody(), foo: 1 }, 'parameter_unknown', 'foo'],
    [
      'an unknown card field',
      { ...paymentBody(), card: { ...(paymentBody().card as object), name: 'x' } },
      'parameter_unknown',
      'card[name]',
    ],
    ['a missing amount', { currency: 'usd', card: paymentBody().card }, 'parameter_missing', 'amount'],
    [
      'a missing cvc',
      { ...paymentBody(), card: { number: TEST_CARDS.visa, exp_month: 1, exp_year: 2099 } },
      'parameter_missing',
      'card[cvc]',
    ],
    ['amount 0', paymentBody({ amount: 0 }), 'amount_too_small', 'amount'],
    ['amount above 99999999', paymentBody({ amount: 100_000_000 }), 'amount_too_large', 'amount'],
    ['a fractional amount', paymentBody({ amount: 10.5 }), 'parameter_invalid', 'amount'],
    ['an amount as a string (no coercion)', { ...paymentBody(), amount: '1050' }, 'parameter_invalid', 'amount'],
    ['an unknown currency', paymentBody({ currency: 'usx' }), 'parameter_invalid', 'currency'],
    ['a currency of the wrong length', paymentBody({ currency: 'dollars' }), 'parameter_invalid', 'currency'],
    ['a card number with letters', paymentBody({ number: '4242x4242' }), 'parameter_invalid', 'card[number]'],
    ['exp_month 13', paymentBody({ exp_month: 13 }), 'parameter_invalid', 'card[exp_month]'],
    ['a 2-digit cvc', paymentBody({ cvc: '12' }), 'parameter_invalid', 'card[cvc]'],
    ['a bad capture_method', paymentBody({ capture_method: 'later' }), 'parameter_invalid', 'capture_method'],
    [
      'a description over 1000 characters',
      paymentBody({ description: 'x'.repeat(1001) }),
      'parameter_invalid',
      'description',
    ],
    [
      '21 metadata keys',
      paymentBody({ metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }),
      'parameter_invalid',
      'metadata',
    ],
    ['a non-string metadata value', paymentBody({ metadata: { n: 1 } }), 'parameter_invalid', 'metadata[n]'],
    // Found by the fuzz test: PostgreSQL text cannot hold NUL.
    ['a NUL in a metadata value', paymentBody({ metadata: { k: 'a\u0000b' } }), 'parameter_invalid', 'metadata[k]'],
    ['a NUL in the description', paymentBody({ description: '\u0000' }), 'parameter_invalid', 'description'],
  ])('answers 400 with param for %s', async (_what, body, code, param) => {
    expectError(await post('/v1/payments', body), 400, 'invalid_request_error', code, param);
  });

  it('accepts 20 metadata pairs and a 1000-character description', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const payment = await createPayment({ metadata, description: 'd'.repeat(1000) });
    expect(payment.metadata).toEqual(metadata);
  });
});

describe('unreadable requests are 4xx JSON, never 500', () => {
  const raw = (payload: string | Buffer, contentType?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: {
        authorization: `Bearer ${MERCHANTS.acme.key}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      payload,
    });

  it.each([
    ['malformed JSON', '{"amount": 10,', 'application/json', 400, 'invalid_json'],
    ['an empty JSON body (no parameters)', '', 'application/json', 400, 'parameter_missing'],
    ['a JSON array', '[1,2]', 'application/json', 400, 'invalid_body'],
    ['a JSON string', '"hello"', 'application/json', 400, 'invalid_body'],
    ['JSON null', 'null', 'application/json', 400, 'invalid_body'],
    ['a form-encoded body', 'amount=10', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['a text body', 'hello', 'text/plain', 415, 'unsupported_media_type'],
    ['a body without content type', 'hello', undefined, 415, 'unsupported_media_type'],
    ['a __proto__ key', '{"__proto__": {"x": 1}}', 'application/json', 400, 'invalid_json'],
  ])('%s', async (_what, payload, contentType, status, code) => {
    const response = await raw(payload, contentType);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code });
  });

  it('a body over 1 MiB is 413', async () => {
    const response = await raw(JSON.stringify({ description: 'x'.repeat(1024 * 1024) }), 'application/json');
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });

  it('unknown routes and methods are 404 JSON', async () => {
    for (const [method, url] of [
      ['GET', '/v2/payments'],
      ['GET', '/'],
      ['DELETE', '/v1/payments'],
      ['PUT', '/v1/payments/pay_x'],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    }
  });
});

describe('authentication and merchant scoping', () => {
  it('401 without a key, with an unknown key, and with a malformed header', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/v1/payments' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({ type: 'authentication_error', code: 'api_key_missing' });
    const unknown = await get('/v1/payments', 'sk_test_not_a_real_key_0000000');
    expectError(unknown, 401, 'authentication_error', 'api_key_invalid');
    expect(JSON.stringify(unknown.body)).not.toContain('not_a_real_key');
    const basic = await t.app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { authorization: `Basic ${MERCHANTS.acme.key}` },
    });
    expect(basic.statusCode).toBe(401);
  });

  it("another merchant's payment is a 404 everywhere", async () => {
    const payment = await createPayment({ capture_method: 'manual' });
    const other = MERCHANTS.globex.key;
    expectError(await get(`/v1/payments/${payment.id}`, other), 404, 'invalid_request_error', 'resource_missing');
    expectError(
      await post(`/v1/payments/${payment.id}/capture`, {}, other),
      404,
      'invalid_request_error',
      'resource_missing',
    );
    expectError(
      await post(`/v1/payments/${payment.id}/cancel`, {}, other),
      404,
      'invalid_request_error',
      'resource_missing',
    );
    expectError(
      await post(`/v1/payments/${payment.id}/refunds`, {}, other),
      404,
      'invalid_request_error',
      'resource_missing',
    );
    expectError(
      await get(`/v1/payments/${payment.id}/refunds`, other),
      404,
      'invalid_request_error',
      'resource_missing',
    );
    const list = await get('/v1/payments?limit=100', other);
    expect(list.body.data.map((p: Json) => p.id)).not.toContain(payment.id);
    expect((await get(`/v1/payments/${payment.id}`)).status).toBe(200);
  });

  it('an id that cannot exist is a 404', async () => {
    expectError(await get('/v1/payments/nope'), 404, 'invalid_request_error', 'resource_missing');
    expectError(await get('/v1/payments/pay_doesnotexist'), 404, 'invalid_request_error', 'resource_missing');
  });
});

describe('GET /v1/payments', () => {
  it('lists newest first with limit, starting_after and has_more', async () => {
    const mine = MERCHANTS.globex.key;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createPayment({ amount: 100 + i }, mine)).id);
    const newestFirst = [...created].reverse();

    const first = await get('/v1/payments?limit=2', mine);
    expect(first.body).toMatchObject({ object: 'list', url: '/v1/payments', has_more: true });
    expect(first.body.data.map((p: Json) => p.id)).toEqual(newestFirst.slice(0, 2));
    const second = await get(`/v1/payments?limit=2&starting_after=${newestFirst[1]}`, mine);
    expect(second.body.data.map((p: Json) => p.id)).toEqual(newestFirst.slice(2, 4));
    expect(second.body.has_more).toBe(true);
    const last = await get(`/v1/payments?limit=2&starting_after=${newestFirst[3]}`, mine);
    expect(last.body.data.map((p: Json) => p.id)).toEqual(newestFirst.slice(4));
    expect(last.body.has_more).toBe(false);
    const all = await get('/v1/payments', mine);
    expect(all.body.data.map((p: Json) => p.id).slice(0, 5)).toEqual(newestFirst);
  });

  it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['limit=1.5'], ['starting_after=pay_missing'], ['colour=blue']])(
    'rejects %s with 400',
    async (query) => {
      const response = await get(`/v1/payments?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.type).toBe('invalid_request_error');
      expect(response.body.error.param).toBe(query.split('=')[0]);
    },
  );

  it("starting_after with another merchant's id is not a cursor", async () => {
    const theirs = await createPayment({}, MERCHANTS.globex.key);
    expect((await get(`/v1/payments?starting_after=${theirs.id}`)).status).toBe(400);
  });
});

describe('capture and cancel', () => {
  it('captures a manual payment fully by default; a second capture is payment_unexpected_state', async () => {
    const payment = await createPayment({ capture_method: 'manual', amount: 5000 });
    expect(payment).toMatchObject({ status: 'requires_capture', capture_method: 'manual', amount_captured: 0 });
    const captured = await post(`/v1/payments/${payment.id}/capture`);
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ id: payment.id, status: 'succeeded', amount_captured: 5000 });
    expectError(
      await post(`/v1/payments/${payment.id}/capture`, {}),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
  });

  it('captures less than authorised, never more', async () => {
    const payment = await createPayment({ capture_method: 'manual', amount: 5000 });
    expectError(
      await post(`/v1/payments/${payment.id}/capture`, { amount_to_capture: 5001 }),
      400,
      'invalid_request_error',
      'amount_too_large',
      'amount_to_capture',
    );
    expectError(
      await post(`/v1/payments/${payment.id}/capture`, { amount: 1 }),
      400,
      'invalid_request_error',
      'parameter_unknown',
      'amount',
    );
    const captured = await post(`/v1/payments/${payment.id}/capture`, { amount_to_capture: 1200 });
    expect(captured.body).toMatchObject({ status: 'succeeded', amount: 5000, amount_captured: 1200 });
  });

  it('cancels only from requires_capture', async () => {
    const payment = await createPayment({ capture_method: 'manual' });
    const canceled = await post(`/v1/payments/${payment.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', amount_captured: 0 });
    expectError(
      await post(`/v1/payments/${payment.id}/cancel`),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
    expectError(
      await post(`/v1/payments/${payment.id}/capture`),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
    const automatic = await createPayment();
    expectError(
      await post(`/v1/payments/${automatic.id}/cancel`),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
    const failed = (await post('/v1/payments', paymentBody({ number: TEST_CARDS.declined }))).body.error.payment;
    expectError(
      await post(`/v1/payments/${failed.id}/capture`),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
  });
});

describe('refunds', () => {
  it('refunds part, then the rest by default, then refuses more; lists newest first', async () => {
    const payment = await createPayment({ amount: 3000 });
    const first = await post(`/v1/payments/${payment.id}/refunds`, { amount: 1000, reason: 'requested_by_customer' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^re_[0-9A-Za-z]{24}$/),
      object: 'refund',
      payment: payment.id,
      amount: 1000,
      currency: 'usd',
      status: 'succeeded',
      reason: 'requested_by_customer',
      created: expect.any(Number),
    });
    expectError(
      await post(`/v1/payments/${payment.id}/refunds`, { amount: 2001 }),
      400,
      'invalid_request_error',
      'amount_too_large',
      'amount',
    );
    const rest = await post(`/v1/payments/${payment.id}/refunds`);
    expect(rest.body).toMatchObject({ amount: 2000, reason: null });
    expect((await get(`/v1/payments/${payment.id}`)).body).toMatchObject({
      status: 'succeeded',
      amount_captured: 3000,
      amount_refunded: 3000,
    });
    expectError(await post(`/v1/payments/${payment.id}/refunds`, {}), 400, 'invalid_request_error', 'amount_too_large');

    const list = await get(`/v1/payments/${payment.id}/refunds`);
    expect(list.body).toMatchObject({ object: 'list', url: `/v1/payments/${payment.id}/refunds`, has_more: false });
    expect(list.body.data.map((r: Json) => r.id)).toEqual([rest.body.id, first.body.id]);
    const page = await get(`/v1/payments/${payment.id}/refunds?limit=1`);
    expect(page.body).toMatchObject({ has_more: true, data: [{ id: rest.body.id }] });
  });

  it('refunds only what was captured, and only succeeded payments', async () => {
    const manual = await createPayment({ capture_method: 'manual', amount: 5000 });
    expectError(
      await post(`/v1/payments/${manual.id}/refunds`, {}),
      400,
      'invalid_request_error',
      'payment_unexpected_state',
    );
    await post(`/v1/payments/${manual.id}/capture`, { amount_to_capture: 1500 });
    expectError(
      await post(`/v1/payments/${manual.id}/refunds`, { amount: 1501 }),
      400,
      'invalid_request_error',
      'amount_too_large',
    );
    expect((await post(`/v1/payments/${manual.id}/refunds`, {})).body.amount).toBe(1500);
    expectError(
      await post(`/v1/payments/${manual.id}/refunds`, { reason: 'because' }),
      400,
      'invalid_request_error',
      'parameter_invalid',
      'reason',
    );
    expectError(
      await post(`/v1/payments/${manual.id}/refunds`, { amount: 0 }),
      400,
      'invalid_request_error',
      'amount_too_small',
      'amount',
    );
  });
});
