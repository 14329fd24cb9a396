// The shape shared by capture, cancel and refund: one transaction that locks the payment row
// (SELECT … FOR UPDATE), so concurrent changes to one payment run one after another and each sees
// the previous one's result; the change and the finished idempotency key commit together.
import { ResourceMissingError } from '../domain/errors.ts';
import type { Payment } from '../domain/payment.ts';
import { inTransaction, type Queryable } from '../db/transaction.ts';
import type { Outcome, Rendered, Unit } from '../idempotency/executor.ts';
import { saveKey } from '../store/idempotency-keys.ts';
import { findPayment } from '../store/payments.ts';
import type { OperationContext } from './context.ts';

export function noSuchPayment(id: string): ResourceMissingError {
  return new ResourceMissingError(`No such payment: '${id}'`, 'id');
}

export async function changeLockedPayment(
  unit: Unit,
  ctx: OperationContext,
  paymentId: string,
  change: (db: Queryable, payment: Payment) => Promise<Outcome>,
): Promise<Rendered> {
  return inTransaction(
    unit.db,
    async () => {
      const payment = await findPayment(unit.db, ctx.merchantId, paymentId, 'lock');
      if (!payment) throw noSuchPayment(paymentId);
      const { rendered, key } = unit.conclude(await change(unit.db, payment));
      if (key) await saveKey(unit.db, key);
      return rendered;
    },
    { beforeCommit: ctx.beforeCommit },
  );
}
