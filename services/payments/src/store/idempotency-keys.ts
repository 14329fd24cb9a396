// The idempotency_keys table (design: docs/idempotency.md). A row is only ever written in the
// transaction that produced the response, so its existence means "finished"; a request still
// executing holds an advisory lock on the key instead of a locked_at column (transaction-scoped
// for a create, session-scoped for capture/cancel/refund), which PostgreSQL drops by itself when
// that transaction ends or that request's connection dies.
import { statementName } from '../db/statements.ts';
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

interface KeyRow {
  request_method: string | null;
  request_path: string | null;
  request_fingerprint: string | null;
  response_code: number | null;
  response_body: string | null;
  acquired: boolean | null;
}

/**
 * One round trip: the finished row if there is one, otherwise try the key's advisory lock.
 * The CASE takes the lock only when no row exists, so replays never contend for it.
 */
export async function lookupKeyOrLock(db: Queryable, merchantId: string, key: string, lockId: string): Promise<KeyLookup> {
  const { rows } = await db.query<KeyRow>({
    name: 'idempotency-lookup-or-lock',
    text: `SELECT k.request_method, k.request_path, k.request_fingerprint, k.response_code, k.response_body,
                  CASE WHEN k.merchant_id IS NULL THEN pg_try_advisory_lock($3::bigint) END AS acquired
             FROM (SELECT 1) AS one
             LEFT JOIN idempotency_keys AS k ON k.merchant_id = $1 AND k.idempotency_key = $2`,
    values: [merchantId, key, lockId],
  });
  const row = rows[0]!;
  if (row.response_code === null) return { kind: 'absent', acquired: row.acquired === true };
  return { kind: 'stored', record: toRecord(merchantId, key, row) };
}

/** The finished row, without touching the lock. */
export async function findKey(db: Queryable, merchantId: string, key: string): Promise<KeyRecord | undefined> {
  const { rows } = await db.query<KeyRow>({
    name: 'idempotency-find',
    text: `SELECT request_method, request_path, request_fingerprint, response_code, response_body, NULL AS acquired
             FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = $2`,
    values: [merchantId, key],
  });
  return rows[0] && toRecord(merchantId, key, rows[0]);
}

function toRecord(merchantId: string, key: string, row: KeyRow): KeyRecord {
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

export async function unlockKey(db: Queryable, lockId: string): Promise<void> {
  await db.query({ name: 'idempotency-unlock', text: 'SELECT pg_advisory_unlock($1::bigint)', values: [lockId] });
}

/** The INSERT of a finished key, with parameters numbered from `first`, to run inside another statement or transaction. */
export function keyInsert(record: KeyRecord, first: number): { sql: string; values: unknown[] } {
  const p = (i: number): string => `$${first + i}`;
  return {
    sql: `INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body)
          VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
    values: [record.merchantId, record.key, record.method, record.path, record.fingerprint, record.statusCode, record.body],
  };
}

export async function saveKey(db: Queryable, record: KeyRecord): Promise<void> {
  const insert = keyInsert(record, 1);
  await db.query({ name: 'idempotency-save', text: insert.sql, values: insert.values });
}

/** An INSERT of a request's effects to run in the same statement as its key (see saveOnce). */
export type EffectInsert = (firstParam: number, source?: string) => { sql: string; values: unknown[] };

export type OnceResult =
  | { readonly kind: 'saved' }
  | { readonly kind: 'stored'; readonly record: KeyRecord }
  | { readonly kind: 'in_flight' }
  /** A concurrent request committed the key between this statement's snapshot and its lock. */
  | { readonly kind: 'raced' };

/**
 * A whole idempotent request in ONE statement, so one commit: take the key's transaction-scoped
 * advisory lock, read a finished row, and only when the lock is ours and there is no row insert
 * the key with its response and the effects (data-modifying CTEs run to completion together).
 * Another request holding the lock is in flight (409). One that committed between our snapshot
 * and our lock makes ON CONFLICT skip the insert ('raced'; the caller re-reads the key).
 */
export async function saveOnce(db: Queryable, record: KeyRecord, lockId: string, effect?: EffectInsert): Promise<OnceResult> {
  const values: unknown[] = [record.merchantId, record.key, record.method, record.path, record.fingerprint, record.statusCode, record.body, lockId];
  const effectInsert = effect?.(values.length + 1, 'saved');
  if (effectInsert) values.push(...effectInsert.values);
  const text = saveOnceSql(effectInsert?.sql);
  const { rows } = await db.query<KeyRow & { got: boolean; saved: number }>({ name: statementName('idempotency-save-once', text), text, values });
  const row = rows[0]!;
  if (row.response_code !== null) return { kind: 'stored', record: toRecord(record.merchantId, record.key, row) };
  if (!row.got) return { kind: 'in_flight' };
  return row.saved === 1 ? { kind: 'saved' } : { kind: 'raced' };
}

const saveOnceCache = new Map<string, string>();

function saveOnceSql(effectSql: string | undefined): string {
  let text = saveOnceCache.get(effectSql ?? '');
  if (text === undefined) {
    text = `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($8::bigint) AS got),
      existing AS (
        SELECT request_method, request_path, request_fingerprint, response_code, response_body
          FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = $2),
      saved AS (
        INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_method, request_path, request_fingerprint, response_code, response_body)
        SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::integer, $7::text FROM lock
         WHERE lock.got AND NOT EXISTS (SELECT 1 FROM existing)
        ON CONFLICT ON CONSTRAINT ${KEY_CONSTRAINT} DO NOTHING
        RETURNING 1)
      ${effectSql ? `, effect AS (${effectSql})` : ''}
      SELECT (SELECT got FROM lock) AS got, (SELECT count(*) FROM saved)::int AS saved,
             e.request_method, e.request_path, e.request_fingerprint, e.response_code, e.response_body
        FROM (SELECT 1) AS one LEFT JOIN existing AS e ON true`;
    saveOnceCache.set(effectSql ?? '', text);
  }
  return text;
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
