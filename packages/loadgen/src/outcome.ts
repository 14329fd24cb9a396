// What one HTTP attempt came to, as seen by the client. Transport errors are split by whether
// the request can have reached the server: a refused or timed-out connect never sent a byte,
// while a reset or a closed socket may have delivered the request (the server may have acted).

export type TransportPhase = 'connect' | 'socket' | 'timeout';

export type AttemptOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** `error.type` of a JSON error body (e.g. `idempotency_error`), when there is one. */
      readonly errorType?: string;
    }
  | { readonly kind: 'transport'; readonly code: string; readonly phase: TransportPhase };

// Error codes of Node's net module and undici (undici/lib/core/errors.js).
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Classifies an error code from undici or Node into the phase in which the attempt failed. */
export function transportPhase(code: string): TransportPhase {
  if (CONNECT_CODES.has(code)) return 'connect';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  return 'socket';
}

/** The code of an error thrown by undici (its own `UND_ERR_*` codes, or the underlying errno). */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return 'UNKNOWN';
}

export const isSuccess = (outcome: AttemptOutcome): boolean =>
  outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300;

/** A short label for tables and counters: the status code, or the transport error code. */
export const outcomeLabel = (outcome: AttemptOutcome): string =>
  outcome.kind === 'response' ? String(outcome.status) : outcome.code;
