// Response assertions for the smoke run. Each failure names the field, what was expected and
// what came back, so one printed line is enough to see why a revision failed analysis.
import type { ApiResponse } from './http.ts';

export class SmokeCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmokeCheckFailed';
  }
}

export type Json = Record<string, unknown>;

export function expectStatus(response: ApiResponse, status: number): Json {
  if (response.status !== status)
    throw new SmokeCheckFailed(`expected HTTP ${status}, got ${response.status}: ${excerpt(response.text)}`);
  return expectObject(response.json, 'body');
}

export function expectObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SmokeCheckFailed(`${what} is not a JSON object: ${excerpt(JSON.stringify(value) ?? String(value))}`);
  return value as Json;
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected)
    throw new SmokeCheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function expectMatch(actual: unknown, pattern: RegExp, what: string): string {
  if (typeof actual !== 'string' || !pattern.test(actual))
    throw new SmokeCheckFailed(`${what}: expected a string matching ${pattern}, got ${JSON.stringify(actual)}`);
  return actual;
}

export function expectInteger(actual: unknown, what: string): number {
  if (typeof actual !== 'number' || !Number.isInteger(actual))
    throw new SmokeCheckFailed(`${what}: expected an integer, got ${JSON.stringify(actual)}`);
  return actual;
}

/** The Stripe-style error envelope: {"error":{"type","code","message"}}. */
export function expectError(response: ApiResponse, status: number, type: string, code?: string): Json {
  const error = expectObject(expectStatus(response, status).error, 'error');
  expectEqual(error.type, type, 'error.type');
  if (code !== undefined) expectEqual(error.code, code, 'error.code');
  expectMatch(error.message, /\S/, 'error.message');
  return error;
}

export interface PaymentExpectation {
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly captureMethod: 'automatic' | 'manual';
  readonly amountCaptured: number;
  readonly amountRefunded: number;
  readonly brand: string;
  readonly last4: string;
}

/** A payment object with every field of the API contract, and never a card number or CVC. */
export function expectPayment(value: unknown, expected: PaymentExpectation): Json {
  const payment = expectObject(value, 'payment');
  expectMatch(payment.id, /^pay_\w+$/, 'id');
  expectEqual(payment.object, 'payment', 'object');
  expectEqual(payment.amount, expected.amount, 'amount');
  expectEqual(payment.currency, expected.currency, 'currency');
  expectEqual(payment.status, expected.status, 'status');
  expectEqual(payment.capture_method, expected.captureMethod, 'capture_method');
  expectEqual(payment.amount_captured, expected.amountCaptured, 'amount_captured');
  expectEqual(payment.amount_refunded, expected.amountRefunded, 'amount_refunded');
  expectInteger(payment.created, 'created');
  const card = expectObject(payment.card, 'card');
  expectEqual(card.brand, expected.brand, 'card.brand');
  expectEqual(card.last4, expected.last4, 'card.last4');
  expectInteger(card.exp_month, 'card.exp_month');
  expectInteger(card.exp_year, 'card.exp_year');
  if ('number' in card || 'cvc' in card) throw new SmokeCheckFailed('card: the response carries a card number or CVC');
  return payment;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}
