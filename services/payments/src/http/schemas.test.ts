// The TypeBox schemas must emit the same JSON Schema as the hand-written ones they replaced:
// same required fields, additionalProperties, bounds, patterns and enums, hence the same 400s
// and the same serialised responses. The old schemas are kept here, and only here, as the pin.
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '../domain/payment.ts';
import * as schemas from './schemas.ts';

const nullableString = { type: ['string', 'null'] } as const;

const cardSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['brand', 'last4', 'exp_month', 'exp_year'],
  properties: {
    brand: { type: 'string' },
    last4: { type: 'string' },
    exp_month: { type: 'integer' },
    exp_year: { type: 'integer' },
  },
} as const;

const paymentSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'object',
    'amount',
    'amount_captured',
    'amount_refunded',
    'currency',
    'status',
    'capture_method',
    'card',
    'description',
    'metadata',
    'failure_code',
    'failure_message',
    'created',
  ],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', const: 'payment' },
    amount: { type: 'integer' },
    amount_captured: { type: 'integer' },
    amount_refunded: { type: 'integer' },
    currency: { type: 'string' },
    status: { type: 'string', enum: ['requires_capture', 'succeeded', 'canceled', 'failed'] },
    capture_method: { type: 'string', enum: ['automatic', 'manual'] },
    card: cardSchema,
    description: nullableString,
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    failure_code: nullableString,
    failure_message: nullableString,
    created: { type: 'integer' },
  },
} as const;

const refundSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'object', 'payment', 'amount', 'currency', 'status', 'reason', 'created'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', const: 'refund' },
    payment: { type: 'string' },
    amount: { type: 'integer' },
    currency: { type: 'string' },
    status: { type: 'string', const: 'succeeded' },
    reason: nullableString,
    created: { type: 'integer' },
  },
} as const;

const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'code', 'message'],
      properties: {
        type: {
          type: 'string',
          enum: ['invalid_request_error', 'authentication_error', 'card_error', 'idempotency_error', 'api_error'],
        },
        code: { type: 'string' },
        message: { type: 'string' },
        param: { type: 'string' },
        payment: paymentSchema,
      },
    },
  },
} as const;

const listOf = (item: object): object => ({
  type: 'object',
  additionalProperties: false,
  required: ['object', 'url', 'data', 'has_more'],
  properties: {
    object: { type: 'string', const: 'list' },
    url: { type: 'string' },
    data: { type: 'array', items: item },
    has_more: { type: 'boolean' },
  },
});

/** Every error status a /v1 route can answer with. */
const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

const amount = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT } as const;
/** PostgreSQL text cannot hold NUL characters: refuse them up front as a 400, not a failed insert. */
const NO_NUL = '^[^\\u0000]*$';

const createPaymentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency', 'card'],
  properties: {
    amount,
    // Checked against the ISO 4217 list by the route, so an unknown code is a 400 on param currency.
    currency: { type: 'string', minLength: 3, maxLength: 3 },
    card: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'exp_month', 'exp_year', 'cvc'],
      properties: {
        number: { type: 'string', minLength: 1, maxLength: 40 },
        exp_month: { type: 'integer', minimum: 1, maximum: 12 },
        exp_year: { type: 'integer', minimum: 2000, maximum: 2200 },
        cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
      },
    },
    capture_method: { type: 'string', enum: ['automatic', 'manual'] },
    description: { type: 'string', maxLength: 1000, pattern: NO_NUL },
    // Stripe's limits: 20 keys, keys up to 40 characters, values up to 500.
    metadata: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { minLength: 1, maxLength: 40, pattern: NO_NUL },
      additionalProperties: { type: 'string', maxLength: 500, pattern: NO_NUL },
    },
  },
} as const;

const captureBody = {
  type: 'object',
  additionalProperties: false,
  properties: { amount_to_capture: amount },
} as const;

const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

const refundBody = {
  type: 'object',
  additionalProperties: false,
  properties: { amount, reason: { type: 'string', enum: ['duplicate', 'fraudulent', 'requested_by_customer'] } },
} as const;

/** Queries arrive as strings and are not coerced (see app.ts), so numbers are patterns here. */
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^(100|[1-9][0-9]?)$' },
    starting_after: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_]+$' },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;

const paymentResponses = { 200: paymentSchema, ...errorResponses } as const;
const paymentsList = listOf(paymentSchema);
const refundsList = listOf(refundSchema);

const before = {
  cardSchema,
  paymentSchema,
  refundSchema,
  errorSchema,
  errorResponses,
  createPaymentBody,
  captureBody,
  emptyBody,
  refundBody,
  listQuery,
  idParams,
  paymentResponses,
  paymentsList,
  refundsList,
};

/** What ajv and fast-json-stringify see: enumerable keys only (TypeBox's `~kind` markers are not). */
const emitted = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema));

describe('payments schemas', () => {
  it('exports exactly the schemas it exported before', () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(before).sort());
  });

  for (const [name, old] of Object.entries(before)) {
    it(`${name} emits the JSON Schema it had before TypeBox`, () => {
      expect(emitted(schemas[name as keyof typeof schemas])).toStrictEqual(emitted(old));
    });
  }

  it('keeps the bounds that carry error codes (amount_too_small / amount_too_large)', () => {
    expect(emitted(schemas.createPaymentBody)).toMatchObject({
      required: ['amount', 'currency', 'card'],
      additionalProperties: false,
      properties: { amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT } },
    });
  });
});
