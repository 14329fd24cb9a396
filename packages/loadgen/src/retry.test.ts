import { describe, expect, it } from 'vitest';
import { decideRetry, NO_RETRY, retryPolicy } from './retry.ts';

const policy = retryPolicy({ maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 });
const response = (status: number, errorType?: string) =>
  ({ kind: 'response', status, ...(errorType ? { errorType } : {}) }) as const;
const transport = (code: string, phase: 'connect' | 'socket' | 'timeout') =>
  ({ kind: 'transport', code, phase }) as const;

describe('decideRetry', () => {
  it('never retries a 2xx or a client error', () => {
    expect(decideRetry(policy, response(201), 1, 0.5).retry).toBe(false);
    expect(decideRetry(policy, response(400, 'invalid_request_error'), 1, 0.5).retry).toBe(false);
    expect(decideRetry(policy, response(400, 'idempotency_error'), 1, 0.5).retry).toBe(false); // other parameters under one key
    expect(decideRetry(policy, response(402, 'card_error'), 1, 0.5).retry).toBe(false);
    expect(decideRetry(policy, response(500, 'api_error'), 1, 0.5).retry).toBe(false);
  });

  it('retries 503, a 409 in-flight conflict and transport errors until the attempts run out', () => {
    for (const outcome of [
      response(503),
      response(409, 'idempotency_error'),
      transport('ECONNREFUSED', 'connect'),
      transport('UND_ERR_SOCKET', 'socket'),
    ]) {
      expect(decideRetry(policy, outcome, 1, 0).retry).toBe(true);
      expect(decideRetry(policy, outcome, 3, 0).retry).toBe(true);
      const last = decideRetry(policy, outcome, 4, 0);
      expect(last).toMatchObject({ retry: false });
      expect(last.reason).toMatch(/gave up after 4 attempts/);
    }
    expect(decideRetry(policy, response(409), 1, 0).retry).toBe(false); // a 409 that is not the idempotency conflict
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const delay = (attempt: number, random: number): number => {
      const d = decideRetry(policy, response(503), attempt, random);
      return d.retry ? d.delayMs : -1;
    };
    expect([delay(1, 0), delay(1, 1)]).toEqual([10, 20]);
    expect([delay(2, 0), delay(2, 1)]).toEqual([20, 40]);
    expect([delay(3, 0), delay(3, 1)]).toEqual([40, 80]);
    expect(
      decideRetry(retryPolicy({ maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 100 }), response(503), 8, 1),
    ).toMatchObject({ delayMs: 100 });
  });

  it('can be switched off per cause, and NO_RETRY makes one attempt', () => {
    const noConflict = retryPolicy({ retryInFlightConflict: false, retryTransportErrors: false, retryStatuses: [] });
    expect(decideRetry(noConflict, response(409, 'idempotency_error'), 1, 0).retry).toBe(false);
    expect(decideRetry(noConflict, transport('ECONNRESET', 'socket'), 1, 0).retry).toBe(false);
    expect(decideRetry(noConflict, response(503), 1, 0).retry).toBe(false);
    expect(decideRetry(NO_RETRY, transport('ECONNREFUSED', 'connect'), 1, 0).retry).toBe(false);
  });

  it('refuses unbounded or nonsensical policies with the field named', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts=0/);
    expect(() => retryPolicy({ maxAttempts: Infinity })).toThrow(/bounded/);
    expect(() => retryPolicy({ baseDelayMs: 50, maxDelayMs: 10 })).toThrow(/baseDelayMs\/maxDelayMs=50\/10/);
  });
});
