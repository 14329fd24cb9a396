// Creates of many requests in ONE statement, so one commit (group commit; the batching itself is
// in idempotency/group-commit.ts, the design in docs/idempotency.md). Each item is a finished
// response to remember under its Idempotency-Key, a payment row to insert, or both; the statement
// has the same fixed text for any number of items (JSON rows expanded server-side), so it is prepared
// once per connection.
//
// For every keyed item, in that one statement: take the key's transaction-scoped advisory lock
// (try, never wait: no lock-order deadlocks between batches), read a finished row, and only when
// the lock is ours and there is no row, insert the key with its response and the item's payment.
// The outcomes are those of a single request: 'stored' (a finished row: replay it), 'in_flight'
// (another request holds the lock: 409), 'raced' (one committed between our snapshot and our
// lock: ON CONFLICT skipped our insert; re-read the key), or 'saved'. Unkeyed items are 'saved'.
//
// The lookup of finished rows is a LATERAL ... LIMIT 1, one primary-key probe per item: as a plain
// join the planner, which guesses 100 rows for json_to_recordset, prefers a hash join over a
// sequential scan of the whole idempotency_keys table.
//
// Items must have distinct (merchant, key) pairs: the advisory lock is re-entrant within one
// transaction, so two items with one key would both think they hold it.
import type { Queryable } from '../db/transaction.ts';
import { KEY_CONSTRAINT, keyLockSql, toRecord, type KeyRecord, type KeyRow } from './idempotency-keys.ts';
import type { NewPayment } from './payments.ts';

export interface CreateItem {
  /** The key and the response it will replay; none for a request without Idempotency-Key. */
  readonly key?: { readonly record: KeyRecord };
  /** The payment the response describes; none when only the answer is remembered (a card rejected before any payment existed). */
  readonly payment?: NewPayment;
}

export type CreateResult =
  | { readonly kind: 'saved' }
  | { readonly kind: 'stored'; readonly record: KeyRecord }
  | { readonly kind: 'in_flight' }
  | { readonly kind: 'raced' };

// Two parameters, each a JSON array of rows: JSON.stringify is native, so building the statement
// costs the service far less than one text[] per column (node-postgres escapes those element by
// element in JavaScript), and PostgreSQL's json_to_recordset is C.
export const createBatchSql = `
WITH keyed AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json)
    AS k(ord int, merchant_id text, idempotency_key text, request_method text, request_path text, request_fingerprint text,
         response_code int, response_body text)),
locks AS MATERIALIZED (
  SELECT ord, pg_try_advisory_xact_lock(${keyLockSql('merchant_id', 'idempotency_key')}) AS got FROM keyed),
existing AS MATERIALIZED (
  SELECT k.ord, i.request_method, i.request_path, i.request_fingerprint, i.response_code, i.response_body
    FROM keyed AS k CROSS JOIN LATERAL (
      SELECT * FROM idempotency_keys AS i WHERE i.merchant_id = k.merchant_id AND i.idempotency_key = k.idempotency_key LIMIT 1) AS i),
saved AS (
  INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body)
  SELECT k.merchant_id, k.idempotency_key, k.request_method, k.request_path, k.request_fingerprint, k.response_code, k.response_body
    FROM keyed AS k JOIN locks AS l ON l.ord = k.ord
   WHERE l.got AND NOT EXISTS (SELECT 1 FROM existing AS e WHERE e.ord = k.ord)
  ON CONFLICT ON CONSTRAINT ${KEY_CONSTRAINT} DO NOTHING
  RETURNING merchant_id, idempotency_key),
effect AS (
  INSERT INTO payments (id, merchant_id, amount, amount_captured, currency, status, capture_method, card_brand, card_last4,
                        card_exp_month, card_exp_year, card_fingerprint, description, metadata, failure_code, failure_message, created_at)
  SELECT p.id, p.merchant_id, p.amount, p.amount_captured, p.currency, p.status, p.capture_method, p.card_brand, p.card_last4,
         p.card_exp_month, p.card_exp_year, p.card_fingerprint, p.description, p.metadata, p.failure_code, p.failure_message, p.created_at
    FROM json_to_recordset($2::json)
      AS p(idempotency_key text, id text, merchant_id text, amount int, amount_captured int, currency text, status text,
           capture_method text, card_brand text, card_last4 text, card_exp_month smallint, card_exp_year smallint,
           card_fingerprint text, description text, metadata jsonb, failure_code text, failure_message text, created_at timestamptz)
   WHERE p.idempotency_key IS NULL
      OR EXISTS (SELECT 1 FROM saved AS s WHERE s.merchant_id = p.merchant_id AND s.idempotency_key = p.idempotency_key)
  RETURNING 1)
SELECT k.ord, l.got,
       EXISTS (SELECT 1 FROM saved AS s WHERE s.merchant_id = k.merchant_id AND s.idempotency_key = k.idempotency_key) AS saved,
       e.request_method, e.request_path, e.request_fingerprint, e.response_code, e.response_body
  FROM keyed AS k JOIN locks AS l ON l.ord = k.ord LEFT JOIN existing AS e ON e.ord = k.ord`;

interface ResultRow extends KeyRow {
  ord: number;
  got: boolean;
  saved: boolean;
}

/** The statement's two parameters: the keyed items' rows and the payments' rows, as JSON arrays. */
export function createBatchValues(items: readonly CreateItem[]): [string, string] {
  const keys: object[] = [];
  const payments: object[] = [];
  items.forEach((item, ord) => {
    if (item.key) {
      const r = item.key.record;
      keys.push({
        ord,
        merchant_id: r.merchantId,
        idempotency_key: r.key,
        request_method: r.method,
        request_path: r.path,
        request_fingerprint: r.fingerprint,
        response_code: r.statusCode,
        response_body: r.body,
      });
    }
    if (item.payment) {
      const { payment: p, merchantId, cardFingerprint, createdAt } = item.payment;
      payments.push({
        idempotency_key: item.key?.record.key ?? null,
        id: p.id,
        merchant_id: merchantId,
        amount: p.amount,
        amount_captured: p.amount_captured,
        currency: p.currency,
        status: p.status,
        capture_method: p.capture_method,
        card_brand: p.card.brand,
        card_last4: p.card.last4,
        card_exp_month: p.card.exp_month,
        card_exp_year: p.card.exp_year,
        card_fingerprint: cardFingerprint,
        description: p.description,
        metadata: p.metadata,
        failure_code: p.failure_code,
        failure_message: p.failure_message,
        created_at: createdAt.toISOString(),
      });
    }
  });
  return [JSON.stringify(keys), JSON.stringify(payments)];
}

/** Runs the items in one statement (one commit when `db` is not inside a transaction). Results are in item order. */
export async function commitCreates(db: Queryable, items: readonly CreateItem[]): Promise<CreateResult[]> {
  const { rows } = await db.query<ResultRow>({
    name: 'create-batch',
    text: createBatchSql,
    values: createBatchValues(items),
  });
  const results: CreateResult[] = items.map(() => ({ kind: 'saved' }));
  for (const row of rows) {
    const record = items[row.ord]!.key!.record;
    results[row.ord] =
      row.response_code !== null
        ? { kind: 'stored', record: toRecord(record.merchantId, record.key, row) }
        : !row.got
          ? { kind: 'in_flight' }
          : row.saved
            ? { kind: 'saved' }
            : { kind: 'raced' };
  }
  return results;
}
