import { describe, expect, it } from 'vitest';
import { canonicalJson, cardFingerprint, requestFingerprint } from './fingerprint.ts';

const secret = Buffer.alloc(32, 7);

describe('requestFingerprint', () => {
  it('ignores object key order but not values, method or path', () => {
    const a = { amount: 100, card: { number: '4242', cvc: '123' }, metadata: { b: '1', a: '2' } };
    const b = { metadata: { a: '2', b: '1' }, card: { cvc: '123', number: '4242' }, amount: 100 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    const fp = requestFingerprint(secret, 'POST', '/v1/payments', a);
    expect(requestFingerprint(secret, 'POST', '/v1/payments', b)).toBe(fp);
    expect(requestFingerprint(secret, 'POST', '/v1/payments', { ...a, amount: 101 })).not.toBe(fp);
    expect(requestFingerprint(secret, 'POST', '/v1/payments/pay_1/refunds', a)).not.toBe(fp);
    expect(requestFingerprint(Buffer.alloc(32, 8), 'POST', '/v1/payments', a)).not.toBe(fp);
    expect(canonicalJson([1, 'a', null, { z: 1, y: [true] }])).toBe('[1,"a",null,{"y":[true],"z":1}]');
  });

  it('never contains the card number', () => {
    const fp = requestFingerprint(secret, 'POST', '/v1/payments', { card: { number: '4242424242424242' } });
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(cardFingerprint(secret, '4242424242424242')).toMatch(/^[0-9a-f]{32}$/);
    expect(cardFingerprint(secret, '4242424242424242')).toBe(cardFingerprint(secret, '4242424242424242'));
  });
});
