// No card number or CVC is ever stored, logged or returned, and API keys never reach the logs.
// Drives every path a card number can take (approve, decline, card errors, validation errors,
// malformed JSON, idempotent replays and conflicts, a 500), then searches every text column of
// every table, the captured log output and every response.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import {
  authHeaders,
  buildTestApp,
  createTestDatabase,
  dropTestDatabase,
  MERCHANTS,
  paymentBody,
  type TestApp,
} from './support.ts';

let t: TestApp;
let databaseUrl: string;
let logs = '';
const responses: string[] = [];

// Two numbers used nowhere else, so any occurrence is a leak; CVCs unusual enough to search for.
const SECRET_NUMBERS = ['5105105105105100', '4000000000000002', '4242424242424241', '378282246310005'];
const SECRET_CVCS = ['9731', '8642'];

beforeAll(async () => {
  databaseUrl = await createTestDatabase('secrecy');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  let failNext = false;
  t = await buildTestApp(databaseUrl, {
    logger: createLogger({ level: 'trace', version: 'test', destination: sink }),
    // A bug in the middle of a request that carries a card number: the 500 path must not leak it either.
    clock: () => {
      if (failNext) {
        failNext = false;
        throw new Error('simulated bug while handling a card');
      }
      return new Date();
    },
  });

  const send = async (payload: string, key?: string, headers: Record<string, string> = {}) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: authHeaders(MERCHANTS.acme.key, { ...(key ? { 'idempotency-key': key } : {}), ...headers }),
      payload,
    });
    responses.push(response.body);
    return response;
  };
  const spaced = (n: string) => n.replace(/(\d{4})(?=\d)/g, '$1 ');
  for (const [i, number] of SECRET_NUMBERS.entries()) {
    const cvc = SECRET_CVCS[i % 2]!;
    const body = JSON.stringify(paymentBody({ number: spaced(number), cvc }));
    await send(body, `secret-${i}`);
    await send(body, `secret-${i}`); // replay
    await send(JSON.stringify(paymentBody({ number, cvc, amount: 2 })), `secret-${i}`); // conflict
    await send(JSON.stringify({ ...paymentBody({ number, cvc }), unknown: number })); // 400
    await send(JSON.stringify(paymentBody({ number, cvc, currency: 'xyz' }))); // 400
    await send(`{"card":{"number":"${number}","cvc":"${cvc}"`); // malformed JSON
    await send(JSON.stringify(paymentBody({ number, cvc })), undefined, { authorization: `Bearer ${number}` }); // 401
    failNext = true;
    expect((await send(JSON.stringify(paymentBody({ number, cvc })), `secret-500-${i}`)).statusCode).toBe(500);
  }
  // pino writes asynchronously: let the stream catch up.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterAll(async () => {
  await t.close();
  await dropTestDatabase(databaseUrl);
});

/** The secret numbers found in `text`, also when written with spaces or dashes between digits. */
function leaks(text: string): string[] {
  const joined = text.replace(/(\d)[ -](?=\d)/g, '$1');
  return SECRET_NUMBERS.filter((number) => joined.includes(number));
}

describe('card data', () => {
  it('appears in no column of any table', async () => {
    const { rows: tables } = await t.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['payments', 'refunds', 'idempotency_keys', 'api_keys', 'merchants']),
    );
    let dump = '';
    for (const { table_name } of tables) {
      const { rows } = await t.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table_name} AS t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain('pay_'); // the dump holds the payments
    expect(leaks(dump)).toEqual([]);
    for (const cvc of SECRET_CVCS) expect(dump).not.toContain(`"${cvc}"`);
    for (const cvc of SECRET_CVCS) expect(dump).not.toMatch(new RegExp(`\\b${cvc}\\b`));
  });

  it('appears in no log line, and neither do API keys', () => {
    expect(logs).toContain('request completed');
    expect(logs).toContain('simulated bug'); // the 500 was logged, with its stack
    expect(leaks(logs)).toEqual([]);
    for (const cvc of SECRET_CVCS) expect(logs).not.toMatch(new RegExp(`\\b${cvc}\\b`));
    for (const merchant of Object.values(MERCHANTS)) expect(logs).not.toContain(merchant.key);
  });

  it('appears in no response', () => {
    expect(responses.length).toBe(SECRET_NUMBERS.length * 8);
    expect(leaks(responses.join('\n'))).toEqual([]);
    for (const cvc of SECRET_CVCS) expect(responses.join('\n')).not.toContain(cvc);
  });

  it('the logger redacts Authorization wherever headers are logged', () => {
    let line = '';
    const logger = createLogger({ level: 'info', version: 'test', destination: { write: (s: string) => (line += s) } });
    logger.info(
      { req: { headers: { authorization: `Bearer ${MERCHANTS.acme.key}` } }, headers: { authorization: 'Bearer x' } },
      'probe',
    );
    expect(line).toContain('[redacted]');
    expect(line).not.toContain(MERCHANTS.acme.key);
    expect(line).not.toContain('Bearer x');
  });

  it('still knows the card by its keyed fingerprint', async () => {
    const { rows } = await t.pool.query<{ card_fingerprint: string; card_last4: string }>(
      "SELECT DISTINCT card_fingerprint, card_last4 FROM payments WHERE card_last4 = '5100'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.card_fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });
});
