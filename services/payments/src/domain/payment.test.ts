import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.ts';
import { planCancel, planCapture, planRefund, type Payment, type PaymentStatus } from './payment.ts';

function payment(status: PaymentStatus, amount = 1000, captured = 0, refunded = 0): Payment {
  return {
    id: 'pay_test',
    object: 'payment',
    amount,
    amount_captured: captured,
    amount_refunded: refunded,
    currency: 'usd',
    status,
    capture_method: 'manual',
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 },
    description: null,
    metadata: {},
    failure_code: null,
    failure_message: null,
    created: 0,
  };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).code;
  }
  return 'ok';
}

describe('planCapture', () => {
  it('captures all by default, or less, from requires_capture only', () => {
    expect(planCapture(payment('requires_capture'), undefined)).toEqual({ amount_captured: 1000, status: 'succeeded' });
    expect(planCapture(payment('requires_capture'), 400)).toEqual({ amount_captured: 400, status: 'succeeded' });
    expect(codeOf(() => planCapture(payment('requires_capture'), 1001))).toBe('amount_too_large');
    for (const status of ['succeeded', 'canceled', 'failed'] as const)
      expect(codeOf(() => planCapture(payment(status), undefined))).toBe('payment_unexpected_state');
  });
});

describe('planCancel', () => {
  it('cancels only an uncaptured authorisation', () => {
    expect(planCancel(payment('requires_capture'))).toEqual({ status: 'canceled' });
    for (const status of ['succeeded', 'canceled', 'failed'] as const)
      expect(codeOf(() => planCancel(payment(status)))).toBe('payment_unexpected_state');
  });
});

describe('planRefund', () => {
  it('defaults to the unrefunded captured amount and never exceeds it', () => {
    expect(planRefund(payment('succeeded', 1000, 800, 300), undefined)).toEqual({ amount: 500 });
    expect(planRefund(payment('succeeded', 1000, 800, 300), 500)).toEqual({ amount: 500 });
    expect(codeOf(() => planRefund(payment('succeeded', 1000, 800, 300), 501))).toBe('amount_too_large');
    expect(codeOf(() => planRefund(payment('succeeded', 1000, 800, 800), undefined))).toBe('amount_too_large');
    for (const status of ['requires_capture', 'canceled', 'failed'] as const)
      expect(codeOf(() => planRefund(payment(status), 1))).toBe('payment_unexpected_state');
  });
});
