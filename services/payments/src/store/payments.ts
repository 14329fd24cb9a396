// The payments table: rows to Payment objects, inserts, state updates under a row lock, lists.
// Card data stored: brand, last4, expiry and a keyed fingerprint; never the number or CVC.
import type { Payment, PaymentStatus, CaptureMethod } from '../domain/payment.ts';
import type { CardBrand } from '../domain/card.ts';
import type { Queryable } from '../db/transaction.ts';
import { listNewestFirst, type Page, type PageRequest } from './pagination.ts';

const COLUMNS =
  'id, amount, amount_captured, amount_refunded, currency, status, capture_method, card_brand, card_last4, card_exp_month, card_exp_year, description, metadata, failure_code, failure_message, created_at';

interface PaymentRow {
  id: string;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  status: PaymentStatus;
  capture_method: CaptureMethod;
  card_brand: CardBrand;
  card_last4: string;
  card_exp_month: number;
  card_exp_year: number;
  description: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Date;
}

export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    object: 'payment',
    amount: row.amount,
    amount_captured: row.amount_captured,
    amount_refunded: row.amount_refunded,
    currency: row.currency,
    status: row.status,
    capture_method: row.capture_method,
    card: { brand: row.card_brand, last4: row.card_last4, exp_month: row.card_exp_month, exp_year: row.card_exp_year },
    description: row.description,
    metadata: row.metadata,
    failure_code: row.failure_code,
    failure_message: row.failure_message,
    created: unixSeconds(row.created_at),
  };
}

export interface NewPayment {
  readonly merchantId: string;
  readonly payment: Payment;
  readonly createdAt: Date;
  readonly cardFingerprint: string;
}

export async function findPayment(
  db: Queryable,
  merchantId: string,
  id: string,
  lock: 'lock' | 'no-lock' = 'no-lock',
): Promise<Payment | undefined> {
  const forUpdate = lock === 'lock';
  const { rows } = await db.query<PaymentRow>({
    name: forUpdate ? 'payment-find-for-update' : 'payment-find',
    text: `SELECT ${COLUMNS} FROM payments WHERE id = $1 AND merchant_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    values: [id, merchantId],
  });
  return rows[0] && toPayment(rows[0]);
}

export interface PaymentChange {
  readonly status?: PaymentStatus;
  readonly amountCaptured?: number;
  readonly refundedIncrement?: number;
}

export async function updatePayment(db: Queryable, id: string, change: PaymentChange): Promise<Payment> {
  const { rows } = await db.query<PaymentRow>({
    name: 'payment-update',
    text: `UPDATE payments SET status = coalesce($2, status), amount_captured = coalesce($3, amount_captured),
             amount_refunded = amount_refunded + coalesce($4, 0)
           WHERE id = $1 RETURNING ${COLUMNS}`,
    values: [id, change.status ?? null, change.amountCaptured ?? null, change.refundedIncrement ?? null],
  });
  return toPayment(rows[0]!);
}

export async function listPayments(db: Queryable, merchantId: string, page: PageRequest): Promise<Page<Payment>> {
  const result = await listNewestFirst<PaymentRow>(
    db,
    {
      table: 'payments',
      columns: COLUMNS,
      scope: 'merchant_id = $1',
      scopeValues: [merchantId],
      statementName: 'payment-list',
    },
    page,
  );
  return { data: result.data.map(toPayment), has_more: result.has_more };
}
