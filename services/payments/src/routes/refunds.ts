// /v1/payments/:id/refunds: create and list a payment's refunds.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { executeAndSend } from '../http/respond.ts';
import { errorResponses, idParams, listQuery, refundBody, refundSchema, refundsList } from '../http/schemas.ts';
import type { ApiServices } from '../http/services.ts';
import { noSuchPayment } from '../operations/locked-payment.ts';
import { refundPayment } from '../operations/refund-payment.ts';
import { findPayment } from '../store/payments.ts';
import { listRefunds } from '../store/refunds.ts';
import { pageOf, paymentIdOf } from './payments.ts';

export async function refundRoutes(fastify: FastifyInstance, services: ApiServices): Promise<void> {
  // Request and reply types are inferred from the route schemas (http/schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/payments/:id/refunds',
    { schema: { params: idParams, body: refundBody, response: { 201: refundSchema, ...errorResponses } } },
    async (request, reply) => {
      const id = paymentIdOf(request.params);
      return executeAndSend(services, request, reply, {
        run: (unit, ctx) => refundPayment(unit, ctx, id, request.body),
      });
    },
  );

  app.get(
    '/payments/:id/refunds',
    { schema: { params: idParams, querystring: listQuery, response: { 200: refundsList, ...errorResponses } } },
    async (request) => {
      const id = paymentIdOf(request.params);
      if (!(await findPayment(services.pool, request.merchantId, id))) throw noSuchPayment(id);
      const page = await listRefunds(services.pool, request.merchantId, id, pageOf(request.query));
      return { object: 'list' as const, url: `/v1/payments/${id}/refunds`, ...page };
    },
  );
}
