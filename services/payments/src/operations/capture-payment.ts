// POST /v1/payments/:id/capture and /cancel: the state rules are in domain/payment.ts.
import { planCancel, planCapture } from '../domain/payment.ts';
import type { Rendered, Unit } from '../idempotency/executor.ts';
import { updatePayment } from '../store/payments.ts';
import type { OperationContext } from './context.ts';
import { changeLockedPayment } from './locked-payment.ts';

export function capturePayment(
  unit: Unit,
  ctx: OperationContext,
  paymentId: string,
  amountToCapture: number | undefined,
): Promise<Rendered> {
  return changeLockedPayment(unit, ctx, paymentId, async (db, payment) => {
    const plan = planCapture(payment, amountToCapture);
    return {
      statusCode: 200,
      body: await updatePayment(db, payment.id, { status: plan.status, amountCaptured: plan.amount_captured }),
    };
  });
}

export function cancelPayment(unit: Unit, ctx: OperationContext, paymentId: string): Promise<Rendered> {
  return changeLockedPayment(unit, ctx, paymentId, async (db, payment) => {
    const plan = planCancel(payment);
    return { statusCode: 200, body: await updatePayment(db, payment.id, { status: plan.status }) };
  });
}
