// POST /v1/payments once its parameters are valid: local card checks (402 on failure), the
// simulated processor, and the payment row to insert — all decided before the database is
// touched, so the insert, its idempotency key and its response commit in one statement. A
// processor decline is still a payment: stored as `failed` and returned inside the 402.
import { checkCard, type CardInput } from '../domain/card.ts';
import { CardError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { CaptureMethod, Payment } from '../domain/payment.ts';
import { authorize } from '../domain/processor.ts';
import { cardFingerprint } from '../idempotency/fingerprint.ts';
import type { PlannedWrite } from '../idempotency/executor.ts';
import { unixSeconds } from '../store/payments.ts';
import type { OperationContext } from './context.ts';

export interface CreatePaymentParams {
  readonly amount: number;
  /** Already normalised to a known lower-case ISO 4217 code. */
  readonly currency: string;
  readonly card: CardInput;
  readonly capture_method?: CaptureMethod;
  readonly description?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export function planPayment(ctx: OperationContext, params: CreatePaymentParams): PlannedWrite {
  const card = checkCard(params.card, ctx.now);
  const authorization = authorize(card.number);
  const captureMethod = params.capture_method ?? 'automatic';
  const status = !authorization.approved ? 'failed' : captureMethod === 'manual' ? 'requires_capture' : 'succeeded';
  const payment: Payment = {
    id: newId('pay'),
    object: 'payment',
    amount: params.amount,
    amount_captured: status === 'succeeded' ? params.amount : 0,
    amount_refunded: 0,
    currency: params.currency,
    status,
    capture_method: captureMethod,
    card: { brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year },
    description: params.description ?? null,
    metadata: params.metadata ?? {},
    failure_code: authorization.approved ? null : authorization.code,
    failure_message: authorization.approved ? null : authorization.message,
    created: unixSeconds(ctx.now),
  };
  return {
    outcome: authorization.approved
      ? { statusCode: 201, body: payment }
      : {
          statusCode: 402,
          body: {
            error: new CardError(authorization.code, authorization.message, authorization.param, payment).toBody(),
          },
        },
    payment: {
      merchantId: ctx.merchantId,
      payment,
      createdAt: ctx.now,
      cardFingerprint: cardFingerprint(ctx.fingerprintKey, card.number),
    },
    onCommitted: () => ctx.onPaymentCreated?.(status),
  };
}
