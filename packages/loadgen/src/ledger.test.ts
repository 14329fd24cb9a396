import { describe, expect, it } from 'vitest';
import { checkLedger, describeLedger } from './ledger.ts';

const keys = (...k: string[]): Set<string> => new Set(k);

describe('checkLedger', () => {
  it('is consistent when every acknowledged key has exactly its one payment', () => {
    const check = checkLedger({
      succeeded: new Map([
        ['k1', 'pay_1'],
        ['k2', 'pay_2'],
      ]),
      attemptedKeys: keys('k1', 'k2', 'k3'),
      stored: [
        { id: 'pay_1', idempotencyKey: 'k1' },
        { id: 'pay_2', idempotencyKey: 'k2' },
        { id: 'pay_3', idempotencyKey: 'k3' },
      ],
    });
    expect(check).toMatchObject({
      ok: true,
      missing: [],
      duplicated: [],
      mismatched: [],
      foreign: [],
      unacknowledged: ['k3'],
    });
    expect(describeLedger(check)).toMatch(/consistent[\s\S]*never acknowledged.*: 1/);
  });

  it('finds lost, duplicated, mismatched and foreign payments', () => {
    const check = checkLedger({
      succeeded: new Map([
        ['lost', 'pay_0'],
        ['dup', 'pay_1'],
        ['swap', 'pay_9'],
      ]),
      attemptedKeys: keys('lost', 'dup', 'swap'),
      stored: [
        { id: 'pay_1', idempotencyKey: 'dup' },
        { id: 'pay_2', idempotencyKey: 'dup' },
        { id: 'pay_3', idempotencyKey: 'swap' },
        { id: 'pay_4', idempotencyKey: null },
        { id: 'pay_5', idempotencyKey: 'someone-else' },
      ],
    });
    expect(check.ok).toBe(false);
    expect(check.missing).toEqual(['lost']);
    expect(check.duplicated).toEqual([{ key: 'dup', ids: ['pay_1', 'pay_2'] }]);
    expect(check.mismatched).toEqual([{ key: 'swap', acknowledged: 'pay_9', stored: 'pay_3' }]);
    expect(check.foreign).toEqual(['pay_4', 'pay_5']);
    expect(describeLedger(check)).toMatch(
      /INCONSISTENT[\s\S]*lost[\s\S]*duplicated[\s\S]*mismatched[\s\S]*without a key/,
    );
  });

  it('can tolerate a shared merchant but still catches a duplicate of an unacknowledged key', () => {
    const check = checkLedger({
      succeeded: new Map(),
      attemptedKeys: keys('k'),
      stored: [
        { id: 'a', idempotencyKey: 'k' },
        { id: 'b', idempotencyKey: 'k' },
        { id: 'c', idempotencyKey: 'other' },
      ],
      allowForeign: true,
    });
    expect(check.foreign).toEqual([]);
    expect(check.duplicated).toEqual([{ key: 'k', ids: ['a', 'b'] }]);
    expect(check.ok).toBe(false);
  });
});
