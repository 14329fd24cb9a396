// Object ids in Stripe's style: a type prefix and 24 random base62 characters (~143 bits).
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LENGTH = 24;

// Random bytes are drawn 4 KiB at a time: one getrandom() call per ~100 ids instead of one each.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomByte(): number {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

export type IdPrefix = 'pay' | 're' | 'req';

export function newId(prefix: IdPrefix): string {
  let out = '';
  while (out.length < LENGTH) {
    const byte = randomByte();
    // 248 = 4 * 62: rejecting the top bytes keeps every character equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return `${prefix}_${out}`;
}

/** What an id may look like when it comes back in a URL; anything else cannot exist (404). */
export const ID_PATTERN = { pay: /^pay_[0-9A-Za-z]{1,64}$/, re: /^re_[0-9A-Za-z]{1,64}$/ } as const;
