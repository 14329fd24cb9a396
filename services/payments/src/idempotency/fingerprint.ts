// Identifying "the same request" for Idempotency-Key reuse: method, path and the parameters in a
// canonical form (object keys sorted), HMAC'd with the installation's key so the stored value
// reveals nothing about the card number inside the parameters. Pure.
import { createHash, createHmac } from 'node:crypto';

/** JSON with object keys sorted at every level, so key order in the request does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(secret: Buffer, method: string, path: string, params: unknown): string {
  return createHmac('sha256', secret).update(`${method} ${path}\n${canonicalJson(params ?? {})}`).digest('hex');
}

/** A keyed fingerprint of a card number: equal for the same card, useless without the key. */
export function cardFingerprint(secret: Buffer, digits: string): string {
  return createHmac('sha256', secret).update(`card:${digits}`).digest('hex').slice(0, 32);
}

/** The 64-bit advisory-lock id of a merchant's key (a collision only costs a spurious 409). */
export function keyLockId(merchantId: string, key: string): string {
  return createHash('sha256').update(`idempotency\0${merchantId}\0${key}`).digest().readBigInt64BE(0).toString();
}
