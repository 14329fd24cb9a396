// POST /v1/payments/:id/refunds: under the payment's row lock the remaining refundable amount is
// exact, so concurrent refunds can never add up to more than was captured (and the table's CHECK
// constraint would refuse it anyway).
import { newId } from '../domain/ids.ts';
import { planRefund, type Refund, type RefundReason } from '../domain/payment.ts';
import type { Rendered, Unit } from '../idempotency/executor.ts';
import { unixSeconds, updatePayment } from '../store/payments.ts';
import { insertRefund } from '../store/refunds.ts';
import type { OperationContext } from './context.ts';
import { changeLockedPayment } from './locked-payment.ts';

export interface RefundParams {
  readonly amount?: number;
  readonly reason?: RefundReason;
}

export async function refundPayment(
  unit: Unit,
  ctx: OperationContext,
  paymentId: string,
  params: RefundParams,
): Promise<Rendered> {
  const rendered = await changeLockedPayment(unit, ctx, paymentId, async (db, payment) => {
    const plan = planRefund(payment, params.amount);
    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      payment: payment.id,
      amount: plan.amount,
      currency: payment.currency,
      status: 'succeeded',
      reason: params.reason ?? null,
      created: unixSeconds(ctx.now),
    };
    await insertRefund(db, ctx.merchantId, refund, ctx.now);
    await updatePayment(db, payment.id, { refundedIncrement: plan.amount });
    return { statusCode: 201, body: refund };
  });
  ctx.onRefundCreated?.();
  return rendered;
}
