// The payment and refund objects of the API contract, and the rules for moving a payment between
// states. Pure: each rule takes the current payment and returns what to write, or throws the 400
// that Stripe returns for the same mistake (payment_unexpected_state, amount_too_large).
import { InvalidRequestError } from './errors.ts';
import type { CardBrand } from './card.ts';

export type PaymentStatus = 'requires_capture' | 'succeeded' | 'canceled' | 'failed';
export type CaptureMethod = 'automatic' | 'manual';

export interface Payment {
  readonly id: string;
  readonly object: 'payment';
  readonly amount: number;
  readonly amount_captured: number;
  readonly amount_refunded: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly capture_method: CaptureMethod;
  readonly card: {
    readonly brand: CardBrand;
    readonly last4: string;
    readonly exp_month: number;
    readonly exp_year: number;
  };
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  /** Unix seconds. */
  readonly created: number;
}

export interface Refund {
  readonly id: string;
  readonly object: 'refund';
  readonly payment: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded';
  readonly reason: RefundReason | null;
  readonly created: number;
}

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export const MAX_AMOUNT = 99_999_999;

function unexpectedState(payment: Payment, action: string, allowed: PaymentStatus): InvalidRequestError {
  return new InvalidRequestError(
    'payment_unexpected_state',
    `This payment could not be ${action} because it has a status of ${payment.status}; only a payment with status ${allowed} can be ${action}.`,
  );
}

/** Capturing settles an authorised (manual) payment, all of it or less; the rest is released. */
export function planCapture(
  payment: Payment,
  amountToCapture: number | undefined,
): { amount_captured: number; status: 'succeeded' } {
  if (payment.status !== 'requires_capture') throw unexpectedState(payment, 'captured', 'requires_capture');
  const amount = amountToCapture ?? payment.amount;
  if (amount > payment.amount) {
    throw new InvalidRequestError(
      'amount_too_large',
      `amount_to_capture (${amount}) is greater than the amount authorised (${payment.amount}).`,
      'amount_to_capture',
    );
  }
  return { amount_captured: amount, status: 'succeeded' };
}

export function planCancel(payment: Payment): { status: 'canceled' } {
  if (payment.status !== 'requires_capture') throw unexpectedState(payment, 'canceled', 'requires_capture');
  return { status: 'canceled' };
}

/** A refund defaults to what is left of the captured amount and can never exceed it. */
export function planRefund(payment: Payment, requested: number | undefined): { amount: number } {
  if (payment.status !== 'succeeded') throw unexpectedState(payment, 'refunded', 'succeeded');
  const remaining = payment.amount_captured - payment.amount_refunded;
  if (remaining <= 0) {
    throw new InvalidRequestError(
      'amount_too_large',
      `Payment ${payment.id} has already been refunded in full.`,
      'amount',
    );
  }
  const amount = requested ?? remaining;
  if (amount > remaining) {
    throw new InvalidRequestError(
      'amount_too_large',
      `Refund amount (${amount}) is greater than the unrefunded amount of payment ${payment.id} (${remaining}).`,
      'amount',
    );
  }
  return { amount };
}
