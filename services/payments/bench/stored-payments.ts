// Reads back what a load run stored, straight from the service's database (schema of
// migrations/0001_init.sql): each payment's id and the Idempotency-Key the load generator put in
// its metadata, so the benchmark can tell acknowledged from stored.
import { Client } from 'pg';
import { KEY_METADATA_FIELD } from '@quickship/loadgen';

/** Payments whose load-generator key starts with `keyPrefix`. */
export async function countStoredPayments(databaseUrl: string, keyPrefix: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM payments WHERE metadata->>$1 LIKE $2`,
      [KEY_METADATA_FIELD, `${keyPrefix}%`],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
