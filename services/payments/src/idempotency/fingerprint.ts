// Identifying "the same request" for Idempotency-Key reuse: method, path and the parameters in a
// canonical form (object keys sorted), HMAC'd with the installation's key so the stored value
// reveals nothing about the card number inside the parameters. Pure.
import { createHmac } from 'node:crypto';

/** JSON with object keys sorted at every level, so key order in the request does not matter. */
export function canonicalJson(value: unknown): string {
  // Loops and string appends rather than map/join: this runs on every idempotent POST.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1)
    out += `${i === 0 ? '' : ','}${JSON.stringify(keys[i])}:${canonicalJson(object[keys[i]!])}`;
  return `${out}}`;
}

export function requestFingerprint(secret: Buffer, method: string, path: string, params: unknown): string {
  return createHmac('sha256', secret)
    .update(`${method} ${path}\n${canonicalJson(params ?? {})}`)
    .digest('hex');
}

/** A keyed fingerprint of a card number: equal for the same card, useless without the key. */
export function cardFingerprint(secret: Buffer, digits: string): string {
  return createHmac('sha256', secret).update(`card:${digits}`).digest('hex').slice(0, 32);
}
