// The smoke run: a short story through the payments API with Stripe's public test cards, each
// step one named check. A step whose input an earlier failure did not produce fails as skipped,
// so the count of checks is the same on every run and "all passed" means every one ran.
import { randomUUID } from 'node:crypto';
import type { ApiClient } from './http.ts';
import {
  expectError,
  expectEqual,
  expectMatch,
  expectObject,
  expectPayment,
  expectStatus,
  SmokeCheckFailed,
  type Json,
} from './expect.ts';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Stripe's test card numbers (https://docs.stripe.com/testing); the service simulates the same outcomes. */
export const TEST_CARDS = {
  visa: { number: '4242 4242 4242 4242', brand: 'visa', last4: '4242', cvc: '123' },
  mastercard2Series: { number: '2223003122003222', brand: 'mastercard', last4: '3222', cvc: '123' },
  amex: { number: '3782-822463-10005', brand: 'amex', last4: '0005', cvc: '1234' },
  declined: { number: '4000000000000002', brand: 'visa', last4: '0002', cvc: '123' },
} as const;

type TestCard = (typeof TEST_CARDS)[keyof typeof TEST_CARDS];

export async function runSmoke(
  api: ApiClient,
  onResult: (result: CheckResult) => void,
  now: Date = new Date(),
): Promise<readonly CheckResult[]> {
  const results: CheckResult[] = [];
  const run = randomUUID().slice(0, 8);
  const expYear = now.getUTCFullYear() + 2;

  async function check<T>(name: string, body: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> {
    let result: CheckResult;
    let value: T | undefined;
    try {
      const outcome = await body();
      value = outcome.value;
      result = { name, ok: true, detail: outcome.detail };
    } catch (error) {
      result = { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    results.push(result);
    onResult(result);
    return value;
  }

  function needs<T>(value: T | undefined, step: string): T {
    if (value === undefined) throw new SmokeCheckFailed(`skipped: needs the result of "${step}"`);
    return value;
  }

  function paymentBody(card: TestCard, amount: number, extra: Json = {}): Json {
    return {
      amount,
      currency: 'USD',
      card: { number: card.number, exp_month: 12, exp_year: expYear, cvc: card.cvc },
      description: `quickship smoke ${run}`,
      metadata: { smoke_run: run },
      ...extra,
    };
  }

  async function createApproved(card: TestCard, amount: number): Promise<{ value: string; detail: string }> {
    const response = await api('POST', '/v1/payments', {
      body: paymentBody(card, amount),
      idempotencyKey: `smoke-${run}-${card.brand}-${card.last4}`,
    });
    const payment = expectPayment(expectStatus(response, 201), {
      amount,
      currency: 'usd',
      status: 'succeeded',
      captureMethod: 'automatic',
      amountCaptured: amount,
      amountRefunded: 0,
      brand: card.brand,
      last4: card.last4,
    });
    return { value: payment.id as string, detail: `201 ${payment.id} succeeded ${card.brand} •${card.last4}` };
  }

  await check('rejects a request without an API key', async () => {
    expectError(await api('GET', '/v1/payments?limit=1', { authenticate: false }), 401, 'authentication_error');
    return { value: true, detail: '401 authentication_error' };
  });

  const visaId = await check('creates a payment (visa)', () => createApproved(TEST_CARDS.visa, 1050));
  await check('creates a payment (mastercard 2-series)', () => createApproved(TEST_CARDS.mastercard2Series, 2075));
  await check('creates a payment (amex)', () => createApproved(TEST_CARDS.amex, 3100));

  await check('declines card 4000000000000002', async () => {
    const response = await api('POST', '/v1/payments', {
      body: paymentBody(TEST_CARDS.declined, 1200),
      idempotencyKey: `smoke-${run}-declined`,
    });
    const error = expectError(response, 402, 'card_error', 'card_declined');
    const payment = expectObject(error.payment, 'error.payment');
    expectMatch(payment.id, /^pay_\w+$/, 'error.payment.id');
    expectEqual(payment.status, 'failed', 'error.payment.status');
    return { value: true, detail: `402 card_declined, ${payment.id} failed` };
  });

  const manualAmount = 5000;
  const manualId = await check('authorizes a manual-capture payment', async () => {
    const response = await api('POST', '/v1/payments', {
      body: paymentBody(TEST_CARDS.visa, manualAmount, { capture_method: 'manual' }),
      idempotencyKey: `smoke-${run}-manual`,
    });
    const payment = expectPayment(expectStatus(response, 201), {
      amount: manualAmount,
      currency: 'usd',
      status: 'requires_capture',
      captureMethod: 'manual',
      amountCaptured: 0,
      amountRefunded: 0,
      brand: 'visa',
      last4: '4242',
    });
    return { value: payment.id as string, detail: `201 ${payment.id} requires_capture` };
  });

  const capturedId = await check('captures it', async () => {
    const id = needs(manualId, 'authorizes a manual-capture payment');
    const response = await api('POST', `/v1/payments/${id}/capture`, {
      body: {},
      idempotencyKey: `smoke-${run}-capture`,
    });
    const payment = expectPayment(expectStatus(response, 200), {
      amount: manualAmount,
      currency: 'usd',
      status: 'succeeded',
      captureMethod: 'manual',
      amountCaptured: manualAmount,
      amountRefunded: 0,
      brand: 'visa',
      last4: '4242',
    });
    expectEqual(payment.id, id, 'id');
    return { value: id, detail: `200 ${id} succeeded, captured ${manualAmount}` };
  });

  const refundAmount = 1500;
  const refundedId = await check('refunds part of it', async () => {
    const id = needs(capturedId, 'captures it');
    const response = await api('POST', `/v1/payments/${id}/refunds`, {
      body: { amount: refundAmount },
      idempotencyKey: `smoke-${run}-refund`,
    });
    const refund = expectStatus(response, 201);
    expectMatch(refund.id, /^re_\w+$/, 'refund.id');
    expectEqual(refund.payment, id, 'refund.payment');
    expectEqual(refund.amount, refundAmount, 'refund.amount');
    expectEqual(refund.currency, 'usd', 'refund.currency');
    expectEqual(refund.status, 'succeeded', 'refund.status');
    return { value: id, detail: `201 ${refund.id} ${refundAmount} of ${manualAmount}` };
  });

  await check('retrieves the refunded payment', async () => {
    const id = needs(refundedId, 'refunds part of it');
    const payment = expectPayment(expectStatus(await api('GET', `/v1/payments/${id}`), 200), {
      amount: manualAmount,
      currency: 'usd',
      status: 'succeeded',
      captureMethod: 'manual',
      amountCaptured: manualAmount,
      amountRefunded: refundAmount,
      brand: 'visa',
      last4: '4242',
    });
    expectEqual(payment.id, id, 'id');
    return { value: true, detail: `200 ${id} amount_refunded ${refundAmount}` };
  });

  // Stripe's replay rule: the same key and parameters return the first response byte for byte.
  const replayKey = `smoke-${run}-replay`;
  const replayBody = paymentBody(TEST_CARDS.visa, 4242);
  const first = await check('creates a payment with an Idempotency-Key', async () => {
    const response = await api('POST', '/v1/payments', { body: replayBody, idempotencyKey: replayKey });
    const payment = expectPayment(expectStatus(response, 201), {
      amount: 4242,
      currency: 'usd',
      status: 'succeeded',
      captureMethod: 'automatic',
      amountCaptured: 4242,
      amountRefunded: 0,
      brand: 'visa',
      last4: '4242',
    });
    if (response.headers.get('idempotent-replayed') === 'true')
      throw new SmokeCheckFailed(
        'the first request was answered as a replay (Idempotent-Replayed: true); is the key reused?',
      );
    return { value: { id: payment.id as string, text: response.text }, detail: `201 ${payment.id}` };
  });

  await check('replays it for the same key and parameters', async () => {
    const original = needs(first, 'creates a payment with an Idempotency-Key');
    const response = await api('POST', '/v1/payments', { body: replayBody, idempotencyKey: replayKey });
    expectStatus(response, 201);
    expectEqual(response.headers.get('idempotent-replayed'), 'true', 'Idempotent-Replayed header');
    if (response.text !== original.text)
      throw new SmokeCheckFailed('the replayed body differs from the first response');
    return { value: true, detail: `201 ${original.id} replayed byte for byte` };
  });

  await check('refuses the same key with other parameters', async () => {
    needs(first, 'creates a payment with an Idempotency-Key');
    const response = await api('POST', '/v1/payments', {
      body: { ...replayBody, amount: 4343 },
      idempotencyKey: replayKey,
    });
    expectError(response, 400, 'idempotency_error');
    return { value: true, detail: '400 idempotency_error' };
  });

  await check('retrieves a payment', async () => {
    const id = needs(visaId, 'creates a payment (visa)');
    const payment = expectPayment(expectStatus(await api('GET', `/v1/payments/${id}`), 200), {
      amount: 1050,
      currency: 'usd',
      status: 'succeeded',
      captureMethod: 'automatic',
      amountCaptured: 1050,
      amountRefunded: 0,
      brand: 'visa',
      last4: '4242',
    });
    expectEqual(payment.id, id, 'id');
    return { value: true, detail: `200 ${id}` };
  });

  await check('lists payments newest first', async () => {
    const created = [first?.id, refundedId, visaId].filter((id): id is string => id !== undefined);
    const list = expectStatus(await api('GET', '/v1/payments?limit=20'), 200);
    expectEqual(list.object, 'list', 'object');
    if (typeof list.has_more !== 'boolean')
      throw new SmokeCheckFailed(`has_more: expected a boolean, got ${JSON.stringify(list.has_more)}`);
    if (!Array.isArray(list.data)) throw new SmokeCheckFailed('data: expected an array');
    const data = list.data.map((item, index) => expectObject(item, `data[${index}]`));
    if (data.length > 20) throw new SmokeCheckFailed(`data: limit=20 returned ${data.length} payments`);
    data.forEach((item, index) => {
      expectMatch(item.id, /^pay_\w+$/, `data[${index}].id`);
      const previous = data[index - 1];
      if (previous && (previous.created as number) < (item.created as number))
        throw new SmokeCheckFailed(`data[${index}] is newer than data[${index - 1}]: not newest first`);
    });
    if (created.length > 0 && !data.some((item) => created.includes(item.id as string)))
      throw new SmokeCheckFailed('none of the payments this run created is in the newest 20');
    return { value: true, detail: `200 ${data.length} payments, has_more ${list.has_more}` };
  });

  return results;
}
