import { describe, expect, it } from 'vitest';
import { idempotencyKey, KEY_METADATA_FIELD, paymentRequest } from './payment-request.ts';
import { planRequest, validateWorkload } from './workload.ts';

describe('payments workload', () => {
  it('gives every logical payment its own key and a body that is a function of its number', () => {
    const a = planRequest({ kind: 'payments', apiKey: 'sk_test' }, 'run1', 7, 2031)!;
    const again = planRequest({ kind: 'payments', apiKey: 'sk_test' }, 'run1', 7, 2031)!;
    const b = planRequest({ kind: 'payments', apiKey: 'sk_test' }, 'run1', 8, 2031)!;
    expect(a).toEqual(again);
    expect(a.headers['idempotency-key']).toBe('lg_run1_7');
    expect(b.headers['idempotency-key']).not.toBe(a.headers['idempotency-key']);
    expect(a.headers.authorization).toBe('Bearer sk_test');
    expect(a).toMatchObject({ method: 'POST', path: '/v1/payments' });
    const body = JSON.parse(a.body!) as {
      amount: number;
      metadata: Record<string, string>;
      card: { exp_year: number };
    };
    expect(body.metadata[KEY_METADATA_FIELD]).toBe('lg_run1_7');
    expect(body.amount).toBe(107);
    expect(body.card.exp_year).toBe(2031);
  });

  it('replays a given list with the original keys and bodies, then ends', () => {
    const replay = [paymentRequest('old', 41, 2030), paymentRequest('old', 99, 2030)];
    const workload = { kind: 'payments', apiKey: 'k', replay } as const;
    expect(planRequest(workload, 'new', 1, 2035)!.body).toBe(JSON.stringify(replay[1]!.body));
    expect(planRequest(workload, 'new', 1, 2035)!.headers['idempotency-key']).toBe(idempotencyKey('old', 99));
    expect(planRequest(workload, 'new', 2, 2035)).toBeUndefined();
  });

  it('validates what it can before any I/O', () => {
    expect(() => validateWorkload({ kind: 'payments', apiKey: '' })).toThrow(/apiKey/);
    expect(() => validateWorkload({ kind: 'payments', apiKey: 'k', runId: 'a b' })).toThrow(/runId "a b"/);
    expect(() => validateWorkload({ kind: 'get', path: 'healthz' })).toThrow(/must start with "\/"/);
    expect(planRequest({ kind: 'get', path: '/healthz' }, 'r', 0, 2030)).toEqual({
      method: 'GET',
      path: '/healthz',
      headers: {},
    });
  });
});
