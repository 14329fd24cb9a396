// Property-based fuzzing (fast-check): whatever the body, query or headers, the API answers with
// a JSON error envelope or a success, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
let paymentId: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('fuzz');
  t = await buildTestApp(databaseUrl);
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${MERCHANTS.acme.key}` },
    payload: paymentBody({ amount: 99_999_999 }),
  });
  paymentId = created.json().id;
});
afterAll(async () => {
  await t.close();
  await dropTestDatabase(databaseUrl);
});

const auth = { authorization: `Bearer ${MERCHANTS.acme.key}` };

async function expectNo5xx(response: { statusCode: number; body: string }): Promise<void> {
  if (response.statusCode >= 500) throw new Error(`${response.statusCode}: ${response.body}`);
  if (response.statusCode >= 400)
    expect(JSON.parse(response.body).error).toMatchObject({
      type: expect.any(String),
      code: expect.any(String),
      message: expect.any(String),
    });
}

/** Values a field might be sent as: right type, wrong type, edge numbers, odd strings. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 99_999_999, 100_000_000, Number.MAX_SAFE_INTEGER, 1e308, -0),
  fc.string(),
  fc.constantFrom(
    '',
    'usd',
    'USD',
    'xxx',
    '4242424242424242',
    '4242 4242 4242 4242',
    '\u0000',
    '__proto__',
    'constructor',
    'ü'.repeat(300),
  ),
);

/** A valid body with one to three fields replaced, removed or added, at any depth. */
const mutatedPaymentBody = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'amount',
          'currency',
          'card',
          'capture_method',
          'description',
          'metadata',
          'extra',
          'card.number',
          'card.exp_month',
          'card.exp_year',
          'card.cvc',
          'card.extra',
          'metadata.k',
        ),
        fc.option(anyValue),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    fc.constantFrom(...Object.values(TEST_CARDS)),
  )
  .map(([mutations, number]) => {
    const body = paymentBody({ number }) as Record<string, unknown>;
    for (const [path, value] of mutations) {
      const [head, tail] = path.split('.') as [string, string | undefined];
      let target = body;
      let field = head;
      if (tail !== undefined) {
        if (typeof body[head] !== 'object' || body[head] === null || Array.isArray(body[head])) body[head] = {};
        target = body[head] as Record<string, unknown>;
        field = tail;
      }
      if (value === null) delete target[field];
      else target[field] = value;
    }
    return body;
  });

describe('fuzzing never yields a 5xx', () => {
  it('POST /v1/payments with mutated bodies', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedPaymentBody, fc.option(fc.string({ minLength: 1, maxLength: 20 })), async (body, key) => {
        const headers = {
          ...auth,
          'content-type': 'application/json',
          ...(key === null ? {} : { 'idempotency-key': key }),
        };
        await expectNo5xx(
          await t.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: JSON.stringify(body) }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('any JSON value as the body of every POST endpoint', async () => {
    const paths = [
      '/v1/payments',
      `/v1/payments/${paymentId}/capture`,
      `/v1/payments/${paymentId}/cancel`,
      `/v1/payments/${paymentId}/refunds`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (url, value) => {
        await expectNo5xx(
          await t.app.inject({
            method: 'POST',
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: JSON.stringify(value) ?? 'null',
          }),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('raw bytes with random content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
        ),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/JSON',
        ),
        async (payload, type) => {
          await expectNo5xx(
            await t.app.inject({
              method: 'POST',
              url: '/v1/payments',
              headers: { ...auth, 'content-type': type },
              payload,
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random paths, queries and ids', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('pay_', paymentId, 'refunds', 'capture', '..', '%00', '%ZZ'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST'),
        fc.array(segment, { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('limit', 'starting_after', 'x'), fc.string({ maxLength: 10 })),
        async (method, segments, query) => {
          const url = `/v1/payments/${segments.map(encodeURIComponent).join('/')}?${new URLSearchParams(query).toString()}`;
          await expectNo5xx(
            await t.app.inject({
              method,
              url,
              headers: { ...auth, 'content-type': 'application/json' },
              payload: method === 'POST' ? '{}' : undefined,
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
