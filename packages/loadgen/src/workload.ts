// What a load run sends, as data: the pure description of each logical request by sequence number.
import { paymentRequest, type PaymentRequest } from './payment-request.ts';

/** POST /v1/payments, one new Idempotency-Key per logical payment (or a fixed list to replay). */
export interface PaymentsWorkload {
  readonly kind: 'payments';
  /** Secret key sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Distinguishes this run's keys from other runs' (default: random). */
  readonly runId?: string;
  /** Retry exactly these payments (same keys, same bodies) instead of creating new ones. */
  readonly replay?: readonly PaymentRequest[];
  /** Default `/v1/payments`. */
  readonly path?: string;
}

/** Plain GETs of one path (router and server throughput); nothing is retried by default. */
export interface GetWorkload {
  readonly kind: 'get';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Workload = PaymentsWorkload | GetWorkload;

/** One logical request, ready to send on each attempt. */
export interface PlannedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Present for payments: the key and body every retry must reuse. */
  readonly payment?: PaymentRequest;
}

export class InvalidWorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWorkloadError';
  }
}

/** Builds the logical request number `seq`, or undefined when a replay list is exhausted. */
export function planRequest(
  workload: Workload,
  runId: string,
  seq: number,
  validYear: number,
): PlannedRequest | undefined {
  if (workload.kind === 'get') {
    return { method: 'GET', path: workload.path, headers: { ...workload.headers } };
  }
  const payment = workload.replay ? workload.replay[seq] : paymentRequest(runId, seq, validYear);
  if (!payment) return undefined;
  return {
    method: 'POST',
    path: workload.path ?? '/v1/payments',
    headers: {
      authorization: `Bearer ${workload.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': payment.idempotencyKey,
    },
    body: JSON.stringify(payment.body),
    payment,
  };
}

export function validateWorkload(workload: Workload): void {
  if (workload.kind === 'get') {
    if (!workload.path.startsWith('/'))
      throw new InvalidWorkloadError(`GET path "${workload.path}" must start with "/", e.g. /healthz`);
    return;
  }
  if (!workload.apiKey) throw new InvalidWorkloadError('payments workload needs apiKey (a key from PAYMENTS_API_KEYS)');
  if (workload.runId !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(workload.runId)) {
    throw new InvalidWorkloadError(`runId "${workload.runId}" must be 1-64 letters, digits or dashes`);
  }
}
