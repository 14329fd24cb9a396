// The logical payments a load run creates. Each has its own Idempotency-Key, and its body is a
// pure function of its sequence number, so a later pass can retry a failed one with exactly the
// same parameters (a different body under the same key would be a 400 idempotency_error).

/** One logical payment: what is sent on every attempt. */
export interface PaymentRequest {
  readonly seq: number;
  readonly idempotencyKey: string;
  readonly body: PaymentBody;
}

export interface PaymentBody {
  readonly amount: number;
  readonly currency: string;
  readonly card: {
    readonly number: string;
    readonly exp_month: number;
    readonly exp_year: number;
    readonly cvc: string;
  };
  readonly description: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Metadata field carrying the Idempotency-Key, so stored payments can be traced back to their key. */
export const KEY_METADATA_FIELD = 'loadgen_key';

/** What every Idempotency-Key of run `runId` starts with: `lg_<runId>_`. */
export function keyPrefix(runId: string): string {
  return `lg_${runId}_`;
}

/** Idempotency keys are `lg_<runId>_<seq>`: unique per run, readable in logs, ≤ 255 characters. */
export function idempotencyKey(runId: string, seq: number): string {
  return `${keyPrefix(runId)}${seq}`;
}

/**
 * The request for payment number `seq`. Stripe's approved test card 4242…4242, an expiry
 * `validYear` (pass a future year), amounts varying with seq so replays are checkable.
 */
export function paymentRequest(runId: string, seq: number, validYear: number): PaymentRequest {
  const key = idempotencyKey(runId, seq);
  return {
    seq,
    idempotencyKey: key,
    body: {
      amount: 100 + (seq % 9900),
      currency: 'usd',
      card: { number: '4242424242424242', exp_month: 12, exp_year: validYear, cvc: '123' },
      description: `loadgen ${runId} #${seq}`,
      metadata: { [KEY_METADATA_FIELD]: key },
    },
  };
}
