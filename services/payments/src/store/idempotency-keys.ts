// The idempotency_keys table (design: docs/idempotency.md). A row is only ever written in the
// transaction that produced the response, so its existence means "finished"; a request still
// executing holds an advisory lock on the key instead of a locked_at column (transaction-scoped
// for a create, session-scoped for capture/cancel/refund), which PostgreSQL drops by itself when
// that transaction ends or that request's connection dies.
import type { Queryable } from '../db/transaction.ts';

export const KEY_CONSTRAINT = 'idempotency_keys_merchant_key';

/** A finished request: what identifies it, and the exact response to replay. */
export interface KeyRecord {
  readonly merchantId: string;
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly fingerprint: string;
  readonly statusCode: number;
  readonly body: string;
}

export type KeyLookup =
  | { readonly kind: 'stored'; readonly record: KeyRecord }
  /** No finished request; `acquired` says whether this request now holds the key's lock. */
  | { readonly kind: 'absent'; readonly acquired: boolean };

export interface KeyRow {
  request_method: string | null;
  request_path: string | null;
  request_fingerprint: string | null;
  response_code: number | null;
  response_body: string | null;
}

/**
 * The key's advisory-lock id, computed by PostgreSQL: a 64-bit hash of merchant and key (merchant
 * ids cannot contain '/', so the text is unambiguous). Every lock of a key, a create's
 * transaction lock and a capture's session lock, uses this expression, so they exclude each
 * other; a collision between two keys only costs a spurious 409.
 */
export function keyLockSql(merchantId: string, key: string): string {
  return `hashtextextended(${merchantId} || '/' || ${key}, 0)`;
}

/**
 * One round trip: the finished row if there is one, otherwise try the key's advisory lock.
 * The CASE takes the lock only when no row exists, so replays never contend for it.
 */
export async function lookupKeyOrLock(db: Queryable, merchantId: string, key: string): Promise<KeyLookup> {
  const { rows } = await db.query<KeyRow & { acquired: boolean | null }>({
    name: 'idempotency-lookup-or-lock',
    text: `SELECT k.request_method, k.request_path, k.request_fingerprint, k.response_code, k.response_body,
                  CASE WHEN k.merchant_id IS NULL THEN pg_try_advisory_lock(${keyLockSql('$1::text', '$2::text')}) END AS acquired
             FROM (SELECT 1) AS one
             LEFT JOIN idempotency_keys AS k ON k.merchant_id = $1 AND k.idempotency_key = $2`,
    values: [merchantId, key],
  });
  const row = rows[0]!;
  if (row.response_code === null) return { kind: 'absent', acquired: row.acquired === true };
  return { kind: 'stored', record: toRecord(merchantId, key, row) };
}

/** The finished row, without touching the lock. */
export async function findKey(db: Queryable, merchantId: string, key: string): Promise<KeyRecord | undefined> {
  const { rows } = await db.query<KeyRow>({
    name: 'idempotency-find',
    text: `SELECT request_method, request_path, request_fingerprint, response_code, response_body
             FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = $2`,
    values: [merchantId, key],
  });
  return rows[0] && toRecord(merchantId, key, rows[0]);
}

export function toRecord(merchantId: string, key: string, row: KeyRow): KeyRecord {
  return {
    merchantId,
    key,
    method: row.request_method!,
    path: row.request_path!,
    fingerprint: row.request_fingerprint!,
    statusCode: row.response_code!,
    body: row.response_body!,
  };
}

export async function unlockKey(db: Queryable, merchantId: string, key: string): Promise<void> {
  await db.query({
    name: 'idempotency-unlock',
    text: `SELECT pg_advisory_unlock(${keyLockSql('$1::text', '$2::text')})`,
    values: [merchantId, key],
  });
}

export async function saveKey(db: Queryable, record: KeyRecord): Promise<void> {
  await db.query({
    name: 'idempotency-save',
    text: `INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    values: [
      record.merchantId,
      record.key,
      record.method,
      record.path,
      record.fingerprint,
      record.statusCode,
      record.body,
    ],
  });
}

/** Deletes keys older than the retention, in batches (short transactions); returns how many went. */
export async function sweepExpiredKeys(db: Queryable, retentionSeconds: number, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) LIMIT $2))`,
      [retentionSeconds, batchSize],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return total;
  }
}
