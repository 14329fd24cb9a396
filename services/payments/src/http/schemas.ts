// Schemas of every request body, query and response, written with TypeBox: each one is a plain
// JSON Schema at run time (ajv validates requests, fast-json-stringify serialises responses) and
// a TypeScript type at compile time (the routes use Fastify's TypeBox type provider), so the types
// the handlers see cannot drift from what is validated. Requests are validated strictly (no
// coercion, unknown fields rejected: see app.ts ajv options); responses are serialised from these
// schemas, so a field not listed here can never leak into a response. schemas.test.ts pins the
// emitted JSON Schema to the hand-written one these replaced.
import { Type, type TSchema } from 'typebox';
import { MAX_AMOUNT } from '../domain/payment.ts';

/**
 * `{type: 'string', enum: [...]}`. TypeBox's own enum and literal unions emit `enum` without
 * `type` or an `anyOf` of consts, which would change ajv's error messages, so this is spelled out.
 */
function stringEnum<const T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}

/** `{type: ['string', 'null']}`, as before: a TypeBox union would emit an `anyOf`. */
const nullableString = () => Type.Unsafe<string | null>({ type: ['string', 'null'] });

/** A JSON object of string values (metadata): `additionalProperties`, not TypeBox's `patternProperties`. */
function stringMap(value: TSchema, options: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, string>>({ type: 'object', ...options, additionalProperties: value });
}

const captureMethod = stringEnum(['automatic', 'manual']);

export const cardSchema = Type.Object(
  {
    brand: Type.String(),
    last4: Type.String(),
    exp_month: Type.Integer(),
    exp_year: Type.Integer(),
  },
  { additionalProperties: false },
);

export const paymentSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('payment'),
    amount: Type.Integer(),
    amount_captured: Type.Integer(),
    amount_refunded: Type.Integer(),
    currency: Type.String(),
    status: stringEnum(['requires_capture', 'succeeded', 'canceled', 'failed']),
    capture_method: captureMethod,
    card: cardSchema,
    description: nullableString(),
    metadata: stringMap(Type.String()),
    failure_code: nullableString(),
    failure_message: nullableString(),
    created: Type.Integer(),
  },
  { additionalProperties: false },
);

export const refundSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('refund'),
    payment: Type.String(),
    amount: Type.Integer(),
    currency: Type.String(),
    status: Type.Literal('succeeded'),
    reason: nullableString(),
    created: Type.Integer(),
  },
  { additionalProperties: false },
);

export const errorSchema = Type.Object(
  {
    error: Type.Object(
      {
        type: stringEnum([
          'invalid_request_error',
          'authentication_error',
          'card_error',
          'idempotency_error',
          'api_error',
        ]),
        code: Type.String(),
        message: Type.String(),
        param: Type.Optional(Type.String()),
        payment: Type.Optional(paymentSchema),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const listOf = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      object: Type.Literal('list'),
      url: Type.String(),
      data: Type.Array(item),
      has_more: Type.Boolean(),
    },
    { additionalProperties: false },
  );

/** Every error status a /v1 route can answer with. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

const amount = () => Type.Integer({ minimum: 1, maximum: MAX_AMOUNT });
/** PostgreSQL text cannot hold NUL characters: refuse them up front as a 400, not a failed insert. */
const NO_NUL = '^[^\\u0000]*$';

export const createPaymentBody = Type.Object(
  {
    amount: amount(),
    // Checked against the ISO 4217 list by the route, so an unknown code is a 400 on param currency.
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    card: Type.Object(
      {
        number: Type.String({ minLength: 1, maxLength: 40 }),
        exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
        exp_year: Type.Integer({ minimum: 2000, maximum: 2200 }),
        cvc: Type.String({ pattern: '^[0-9]{3,4}$' }),
      },
      { additionalProperties: false },
    ),
    capture_method: Type.Optional(captureMethod),
    description: Type.Optional(Type.String({ maxLength: 1000, pattern: NO_NUL })),
    // Stripe's limits: 20 keys, keys up to 40 characters, values up to 500.
    metadata: Type.Optional(
      stringMap(Type.String({ maxLength: 500, pattern: NO_NUL }), {
        maxProperties: 20,
        propertyNames: { minLength: 1, maxLength: 40, pattern: NO_NUL },
      }),
    ),
  },
  { additionalProperties: false },
);

export const captureBody = Type.Object({ amount_to_capture: Type.Optional(amount()) }, { additionalProperties: false });

export const emptyBody = Type.Object({}, { additionalProperties: false });

export const refundBody = Type.Object(
  {
    amount: Type.Optional(amount()),
    reason: Type.Optional(stringEnum(['duplicate', 'fraudulent', 'requested_by_customer'])),
  },
  { additionalProperties: false },
);

/** Queries arrive as strings and are not coerced (see app.ts), so numbers are patterns here. */
export const listQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$' })),
    starting_after: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_]+$' })),
  },
  { additionalProperties: false },
);

export const idParams = Type.Object({ id: Type.String() });

export const paymentResponses = { 200: paymentSchema, ...errorResponses } as const;
export const paymentsList = listOf(paymentSchema);
export const refundsList = listOf(refundSchema);
