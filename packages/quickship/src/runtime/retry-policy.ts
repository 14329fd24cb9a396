// When the Service router may send a failed request to another endpoint. Only when it is safe:
// - the request never left: the connection to the endpoint could not be opened (refused,
//   unreachable). A reset on an established or reused connection does NOT count as "not sent":
//   the endpoint may have received the request and acted on it;
// - the method is GET or HEAD (safe and idempotent, RFC 9110 §9.2);
// - a POST carries an Idempotency-Key: the payments API (like Stripe's) replays the first
//   result for a repeated key, so a second attempt cannot create a second payment.
// Never once the response has begun, and never when the body was too large to keep for replay.
// Pure: decides from plain facts.

/** Errors raised while opening a connection: nothing of the request was written. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND']);

export interface FailedAttempt {
  readonly method: string;
  readonly idempotencyKey: boolean;
  /** The error's code (e.g. ECONNREFUSED, ECONNRESET). */
  readonly code: string | undefined;
  /** The socket had not finished connecting when the error happened. */
  readonly duringConnect: boolean;
  readonly responseStarted: boolean;
  /** The body was buffered whole, so it can be sent again. */
  readonly bodyReplayable: boolean;
}

export function isIdempotentRequest(method: string, idempotencyKey: boolean): boolean {
  return method === 'GET' || method === 'HEAD' || (method === 'POST' && idempotencyKey);
}

export function neverSent(attempt: Pick<FailedAttempt, 'code' | 'duringConnect'>): boolean {
  return attempt.duringConnect || (attempt.code !== undefined && CONNECT_ERRORS.has(attempt.code));
}

export function mayRetry(attempt: FailedAttempt): boolean {
  if (attempt.responseStarted || !attempt.bodyReplayable) return false;
  return neverSent(attempt) || isIdempotentRequest(attempt.method, attempt.idempotencyKey);
}
