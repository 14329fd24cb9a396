// /v1/payments: create, retrieve, list, capture, cancel. Handlers validate what the schema
// cannot (currency list, card number characters) and hand over to one operation.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { CARD_NUMBER_FORMAT } from '../domain/card.ts';
import { normalizeCurrency } from '../domain/currency.ts';
import { InvalidRequestError } from '../domain/errors.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import { executeAndSend } from '../http/respond.ts';
import {
  captureBody,
  createPaymentBody,
  emptyBody,
  errorResponses,
  idParams,
  listQuery,
  paymentResponses,
  paymentSchema,
  paymentsList,
} from '../http/schemas.ts';
import type { ApiServices } from '../http/services.ts';
import { cancelPayment, capturePayment } from '../operations/capture-payment.ts';
import { planPayment } from '../operations/create-payment.ts';
import { noSuchPayment } from '../operations/locked-payment.ts';
import { findPayment, listPayments } from '../store/payments.ts';

export type ListQuery = Static<typeof listQuery>;
type IdParams = Static<typeof idParams>;

/** An id that cannot exist is a 404 before any query. */
export function paymentIdOf(params: IdParams): string {
  if (!ID_PATTERN.pay.test(params.id)) throw noSuchPayment(params.id.slice(0, 100));
  return params.id;
}

export function pageOf(query: ListQuery): { limit: number; startingAfter?: string } {
  return { limit: query.limit === undefined ? 10 : Number(query.limit), startingAfter: query.starting_after };
}

export async function paymentRoutes(fastify: FastifyInstance, services: ApiServices): Promise<void> {
  // Request and reply types are inferred from the route schemas (http/schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/payments',
    { schema: { body: createPaymentBody, response: { 201: paymentSchema, ...errorResponses } } },
    async (request, reply) => {
      const body = request.body;
      const currency = normalizeCurrency(body.currency);
      if (currency === undefined) {
        throw new InvalidRequestError(
          'parameter_invalid',
          `Invalid currency: '${body.currency}'. Use a three-letter ISO 4217 code such as usd or eur.`,
          'currency',
        );
      }
      if (!CARD_NUMBER_FORMAT.test(body.card.number)) {
        throw new InvalidRequestError(
          'parameter_invalid',
          'Invalid card[number]: use digits, optionally grouped with spaces or dashes.',
          'card[number]',
        );
      }
      return executeAndSend(services, request, reply, { plan: (ctx) => planPayment(ctx, { ...body, currency }) });
    },
  );

  app.get(
    '/payments',
    { schema: { querystring: listQuery, response: { 200: paymentsList, ...errorResponses } } },
    async (request) => {
      const page = await listPayments(services.pool, request.merchantId, pageOf(request.query));
      return { object: 'list' as const, url: '/v1/payments', ...page };
    },
  );

  app.get('/payments/:id', { schema: { params: idParams, response: paymentResponses } }, async (request) => {
    const id = paymentIdOf(request.params);
    const payment = await findPayment(services.pool, request.merchantId, id);
    if (!payment) throw noSuchPayment(id);
    return payment;
  });

  app.post(
    '/payments/:id/capture',
    { schema: { params: idParams, body: captureBody, response: paymentResponses } },
    async (request, reply) => {
      const id = paymentIdOf(request.params);
      return executeAndSend(services, request, reply, {
        run: (unit, ctx) => capturePayment(unit, ctx, id, request.body.amount_to_capture),
      });
    },
  );

  app.post(
    '/payments/:id/cancel',
    { schema: { params: idParams, body: emptyBody, response: paymentResponses } },
    async (request, reply) => {
      const id = paymentIdOf(request.params);
      return executeAndSend(services, request, reply, { run: (unit, ctx) => cancelPayment(unit, ctx, id) });
    },
  );
}
