// One place that turns anything thrown into the JSON error envelope. Bad input is always a 4xx
// (never a 500); an unavailable database is a 503 api_error; everything else is a 500 whose
// details go to the log, not to the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, BodyError, InvalidRequestError, ResourceMissingError, ServiceError } from '../domain/errors.ts';
import { databaseUnavailable, isDatabaseUnavailable } from '../db/errors.ts';
import { fromSchemaError, type SchemaError } from './validation.ts';

/** Fastify's own errors for unreadable requests, by code. Their messages never echo the body. */
const FASTIFY_BODY_ERRORS: Readonly<Record<string, () => ApiError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new InvalidRequestError('invalid_json', 'The request body is not valid JSON.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new InvalidRequestError(
      'invalid_json',
      "The request body is empty but Content-Type is 'application/json'; send a JSON object.",
    ),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new BodyError(
      415,
      'unsupported_media_type',
      "Unsupported Content-Type: send the body as JSON with 'Content-Type: application/json'.",
    ),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new BodyError(413, 'request_too_large', 'The request body is larger than 1 MiB.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new InvalidRequestError('invalid_body', 'The request body does not match its Content-Length.'),
};

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { validation?: SchemaError[]; validationContext?: string };
  if (Array.isArray(e.validation)) return fromSchemaError(e.validation[0], e.validationContext);
  const known = typeof e.code === 'string' ? FASTIFY_BODY_ERRORS[e.code] : undefined;
  if (known) return known();
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  // SQLSTATE class 22 (data exception: bad encoding, out-of-range value) can only come from a
  // value the client sent that the schema let through; it is their input, not our failure.
  if (typeof e.code === 'string' && e.code.startsWith('22')) {
    return new InvalidRequestError(
      'parameter_invalid',
      'A parameter holds a value that cannot be stored (for example a NUL character).',
    );
  }
  // Any other 4xx from Fastify (bad URL encoding, proto poisoning, …) is still the client's input.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new BodyError(e.statusCode, 'invalid_request', 'The request could not be read.');
  }
  return new ServiceError(
    500,
    'internal_error',
    'An internal error occurred. Retry the request with the same Idempotency-Key; if it persists, contact support.',
  );
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).send({ error: error.toBody() });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500) {
      // The raw error can carry driver details; it is logged, the client gets the envelope.
      request.log.error(
        { err: error },
        `${apiError.code}: ${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      );
    }
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ResourceMissingError(
        `Unrecognized request URL (${request.method}: ${(request.url.split('?')[0] ?? '').slice(0, 100)}).`,
      ),
    ),
  );
}
