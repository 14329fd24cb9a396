// Per-installation secrets created by the first migration (see migrations/0001_init.sql).
import type { Queryable } from '../db/transaction.ts';

export async function loadFingerprintKey(db: Queryable): Promise<Buffer> {
  const { rows } = await db.query<{ value: Buffer }>(
    "SELECT value FROM service_secrets WHERE name = 'fingerprint_key'",
  );
  const value = rows[0]?.value;
  if (!value || value.length < 16)
    throw new Error('service_secrets has no fingerprint_key: run the migrations (`npm run migrate`)');
  return value;
}
