// The refunds table. Refunds are written in the transaction that holds the payment's row lock.
import type { Refund, RefundReason } from '../domain/payment.ts';
import type { Queryable } from '../db/transaction.ts';
import { listNewestFirst, type Page, type PageRequest } from './pagination.ts';
import { unixSeconds } from './payments.ts';

const COLUMNS = 'id, payment_id, amount, currency, status, reason, created_at';

interface RefundRow {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  reason: RefundReason | null;
  created_at: Date;
}

function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    object: 'refund',
    payment: row.payment_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    created: unixSeconds(row.created_at),
  };
}

export async function insertRefund(db: Queryable, merchantId: string, refund: Refund, createdAt: Date): Promise<void> {
  await db.query({
    name: 'refund-insert',
    text: `INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [
      refund.id,
      refund.payment,
      merchantId,
      refund.amount,
      refund.currency,
      refund.status,
      refund.reason,
      createdAt,
    ],
  });
}

export async function listRefunds(
  db: Queryable,
  merchantId: string,
  paymentId: string,
  page: PageRequest,
): Promise<Page<Refund>> {
  const result = await listNewestFirst<RefundRow>(
    db,
    {
      table: 'refunds',
      columns: COLUMNS,
      scope: 'merchant_id = $1 AND payment_id = $2',
      scopeValues: [merchantId, paymentId],
      statementName: 'refund-list',
    },
    page,
  );
  return { data: result.data.map(toRefund), has_more: result.has_more };
}
