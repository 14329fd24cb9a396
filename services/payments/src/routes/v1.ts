// The /v1 API as one encapsulated plugin: injected faults and authentication apply to these
// routes only (ops endpoints and 404s are outside), then the resource routes.
import type { FastifyInstance } from 'fastify';
import type { ApiServices } from '../http/services.ts';
import { paymentRoutes } from './payments.ts';
import { refundRoutes } from './refunds.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated merchant (set by the /v1 onRequest hook). */
    merchantId: string;
  }
}

export function v1Api(services: ApiServices) {
  return async (app: FastifyInstance): Promise<void> => {
    app.decorateRequest('merchantId', '');
    app.addHook('onRequest', async (request, reply) => {
      // 'close' fires once whether the response finished or the client went away.
      if (services.faults) await services.faults({ onDone: (listener) => reply.raw.once('close', listener) });
      request.merchantId = await services.authenticate(request);
    });
    // A POST without a body (curl -X POST) means "no parameters", as with Stripe.
    app.addHook('preValidation', async (request) => {
      if (request.method === 'POST' && request.body === undefined) request.body = {};
    });
    await paymentRoutes(app, services);
    await refundRoutes(app, services);
  };
}
