// Sorting database failures: "the database is unavailable or overloaded" becomes a 503 the client
// can retry (with the same Idempotency-Key); anything else stays an internal error.
import { ServiceError } from '../domain/errors.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator intervention
// (admin shutdown, query_canceled by statement_timeout), 58 system error; 55P03 lock_not_available;
// 40001/40P01 serialization failure and deadlock (safe to retry).
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^55P03$|^40001$|^40P01$/;
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|connection timeout|Connection ended/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'BrokenConnectionError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return DRIVER_MESSAGES.test(error.message);
}

export function databaseUnavailable(): ServiceError {
  return new ServiceError(
    503,
    'database_unavailable',
    'The database is unavailable or overloaded. Retry the request (with the same Idempotency-Key) shortly.',
  );
}

export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === UNIQUE_VIOLATION && e.constraint === constraint;
}
