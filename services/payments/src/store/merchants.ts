// Merchants and their API keys. A key is stored only as its sha256 digest: keys are long random
// strings (config enforces a minimum length), for which a fast unsalted hash is the usual choice
// (GitHub and Stripe do the same for tokens); a slow password hash would cost every request.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { MerchantApiKey } from '../config.ts';
import { checkout } from '../db/pool.ts';
import { inTransaction, type Queryable } from '../db/transaction.ts';

export class ApiKeyConflictError extends Error {
  constructor(merchant: string, owner: string) {
    super(
      `PAYMENTS_API_KEYS gives merchant "${merchant}" a key that is already registered to merchant "${owner}": give each merchant its own key`,
    );
    this.name = 'ApiKeyConflictError';
  }
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Upserts PAYMENTS_API_KEYS at start: merchants are created, keys added; a key never changes owner. */
export async function registerApiKeys(pool: pg.Pool, keys: readonly MerchantApiKey[]): Promise<void> {
  if (keys.length === 0) return;
  const connection = await checkout(pool);
  const client = connection.client;
  try {
    await inTransaction(client, async () => {
      for (const { merchant, key } of keys) {
        await client.query('INSERT INTO merchants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [merchant]);
        const hash = hashApiKey(key);
        await client.query(
          'INSERT INTO api_keys (key_hash, merchant_id) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING',
          [hash, merchant],
        );
        const { rows } = await client.query<{ merchant_id: string }>(
          'SELECT merchant_id FROM api_keys WHERE key_hash = $1',
          [hash],
        );
        const owner = rows[0]?.merchant_id;
        if (owner !== merchant) throw new ApiKeyConflictError(merchant, owner ?? '?');
      }
    });
  } finally {
    connection.release();
  }
}

export async function findMerchantByKeyHash(db: Queryable, keyHash: Buffer): Promise<string | undefined> {
  const { rows } = await db.query<{ merchant_id: string }>({
    name: 'find-merchant-by-key',
    text: 'SELECT merchant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    values: [keyHash],
  });
  return rows[0]?.merchant_id;
}
