// `Authorization: Bearer <key>` → the merchant. Keys are looked up by their sha256 digest; a hit
// is cached briefly (by the key, which this process already holds in its environment) so the hot
// path neither hashes nor queries for every request; a revoked key stops working within the TTL.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { AuthenticationError } from '../domain/errors.ts';
import { findMerchantByKeyHash, hashApiKey } from '../store/merchants.ts';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type Authenticate = (request: FastifyRequest) => Promise<string>;

export function createAuthenticator(pool: pg.Pool, clock: () => number = Date.now): Authenticate {
  const cache = new Map<string, { merchantId: string; until: number }>();
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw new AuthenticationError(
        'api_key_missing',
        "You did not provide an API key. Provide it in the Authorization header using Bearer auth (e.g. 'Authorization: Bearer YOUR_API_KEY').",
      );
    }
    const key = BEARER.exec(header)?.[1];
    if (key === undefined) {
      throw new AuthenticationError('api_key_invalid', "The Authorization header must be 'Bearer YOUR_API_KEY'.");
    }
    const now = clock();
    const cached = cache.get(key);
    if (cached && cached.until > now) return cached.merchantId;

    const merchantId = await findMerchantByKeyHash(pool, hashApiKey(key));
    if (merchantId === undefined) {
      // Never echo the key: only a recognisable prefix, as Stripe does.
      throw new AuthenticationError(
        'api_key_invalid',
        `Invalid API Key provided: ${key.slice(0, 4)}${'*'.repeat(Math.min(8, Math.max(0, key.length - 4)))}`,
      );
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { merchantId, until: now + CACHE_TTL_MS });
    return merchantId;
  };
}
