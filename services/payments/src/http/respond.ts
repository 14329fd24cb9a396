// The common tail of every POST handler: check the Idempotency-Key header, run the operation
// through the idempotency executor, and send its exact bytes (marking replays).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestError, ServiceError } from '../domain/errors.ts';
import {
  executeIdempotently,
  executeOnce,
  type Outcome,
  type PlannedWrite,
  type Rendered,
  type Unit,
} from '../idempotency/executor.ts';
import type { OperationContext } from '../operations/context.ts';
import type { ApiServices } from './services.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * The header's value, or undefined when absent. A malformed key (not 1-255 characters) is a bad
 * parameter like any other: 400 invalid_request_error with `param: "Idempotency-Key"`. Stripe
 * keeps idempotency_error for a valid key reused with other parameters (docs/idempotency.md).
 */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  const key = Array.isArray(value) ? value.join(', ') : value;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidRequestError(
      'idempotency_key_invalid',
      `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long (got ${key.length}); send a shorter key, such as a UUID.`,
      'Idempotency-Key',
    );
  }
  return key;
}

export function operationContext(services: ApiServices, request: FastifyRequest): OperationContext {
  const fingerprintKey = services.secrets.fingerprintKey;
  if (!fingerprintKey) throw new ServiceError(503, 'not_ready', 'The service is starting. Retry shortly.');
  return {
    merchantId: request.merchantId,
    now: services.clock(),
    fingerprintKey,
    onPaymentCreated: (status) => services.metrics.payments.inc({ status }),
    onRefundCreated: () => services.metrics.refunds.inc(),
    beforeCommit: services.hooks.beforeCommit,
  };
}

/** An operation in one of the executor's two shapes (see idempotency/executor.ts). */
export type RouteOperation =
  | { readonly plan: (ctx: OperationContext) => PlannedWrite }
  | { readonly run: (unit: Unit, ctx: OperationContext) => Promise<Rendered> };

export async function executeAndSend(
  services: ApiServices,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: RouteOperation,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(request);
  const ctx = operationContext(services, request);
  const deps = {
    pool: services.pool,
    creates: services.creates,
    fingerprintKey: ctx.fingerprintKey,
    afterKeyLocked: services.hooks.afterKeyLocked,
  };
  const idempotent = {
    merchantId: ctx.merchantId,
    key,
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    params: request.body ?? {},
  };
  // The route's response schema for that status: the same bytes the error handler would send.
  const render = (outcome: Outcome): string => reply.code(outcome.statusCode).serialize(outcome.body) as string;
  const executed =
    'plan' in operation
      ? await executeOnce(deps, idempotent, render, () => operation.plan(ctx))
      : await executeIdempotently(deps, idempotent, render, (unit) => operation.run(unit, ctx));
  if (executed.replayed) {
    reply.header('idempotent-replayed', 'true');
    services.metrics.idempotentReplays.inc();
  }
  return reply.code(executed.statusCode).type('application/json; charset=utf-8').send(executed.body);
}
