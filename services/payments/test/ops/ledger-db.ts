// The stored side of the "no payment lost or duplicated" check, read from the service's own
// tables (migrations/0001_init.sql): every payment of a merchant with the Idempotency-Key the load
// generator wrote into its metadata, and every finished idempotency key with the payment id in
// its saved response.
import { Client } from 'pg';
import { KEY_METADATA_FIELD, type StoredPayment } from '@quickship/loadgen';

export interface StoredLedger {
  readonly payments: StoredPayment[];
  /** Idempotency-Key → payment id in its saved response body (finished keys only). */
  readonly keyResponses: Map<string, string | undefined>;
}

export async function readStoredLedger(databaseUrl: string, merchantId: string): Promise<StoredLedger> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const payments = await client.query<{ id: string; key: string | null }>(
      'SELECT id, metadata->>$2 AS key FROM payments WHERE merchant_id = $1',
      [merchantId, KEY_METADATA_FIELD],
    );
    const keys = await client.query<{ key: string; payment_id: string | null }>(
      `SELECT idempotency_key AS key, response_body::jsonb->>'id' AS payment_id FROM idempotency_keys WHERE merchant_id = $1 AND request_path = '/v1/payments'`,
      [merchantId],
    );
    return {
      payments: payments.rows.map((row) => ({ id: row.id, idempotencyKey: row.key })),
      keyResponses: new Map(keys.rows.map((row) => [row.key, row.payment_id ?? undefined])),
    };
  } finally {
    await client.end();
  }
}

/** Keys whose saved response does not name exactly the payment stored under that key. */
export function keyResponseMismatches(ledger: StoredLedger): string[] {
  const paymentByKey = new Map(ledger.payments.map((p) => [p.idempotencyKey, p.id]));
  const problems: string[] = [];
  for (const [key, id] of paymentByKey) {
    if (key === null) continue;
    if (ledger.keyResponses.get(key) !== id)
      problems.push(`${key}: payment ${id}, saved response ${ledger.keyResponses.get(key) ?? 'missing'}`);
  }
  return problems;
}
