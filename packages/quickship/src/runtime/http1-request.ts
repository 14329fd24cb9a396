// The router's fast path, client side: a strict, minimal parser of one HTTP/1.1 request head
// (RFC 9112) that recognises the plain keep-alive request — and only that. Anything else is
// UNUSUAL and goes to Node's http server (llhttp), which answers malformed input with 400/431
// and handles the rest (HTTP/1.0, Transfer-Encoding, Expect, Upgrade, Connection-named headers,
// absolute-form targets, obs-fold, oversized heads…). So this parser never has to be lenient:
// what it accepts is unambiguous to every HTTP/1.1 implementation (no smuggling surface).
//
// Accepted: `METHOD /origin-form HTTP/1.1`, header names that are tokens, values of visible
// characters / SP / HTAB / obs-text, a Host header, at most one Content-Length of digits,
// `Connection: keep-alive` or `close` (once). The head sent upstream is the same bytes, less the
// hop-by-hop headers (RFC 9110 §7.6.1), plus X-Forwarded-For / X-Forwarded-Proto — the same
// rewrite as http-headers.ts makes on the Node path.

import { DIGITS, HOP_BY_HOP, TOKEN } from './http-headers.ts';

/** Not a whole head yet: wait for more bytes. */
export const INCOMPLETE = 0;
/** Not a plain request (or not valid): let Node's http server handle this connection. */
export const UNUSUAL = 1;

/** Largest head handled here (Node's default --max-http-header-size); larger goes to Node (431). */
export const MAX_HEAD_BYTES = 16 * 1024;

export interface RequestHead {
  readonly method: string;
  /** Bytes of the head in the client's buffer, final CRLF CRLF included. */
  readonly headLength: number;
  readonly bodyLength: number;
  /** Connection: close was asked for. */
  readonly close: boolean;
  readonly idempotencyKey: boolean;
  /** The head to send upstream (latin1, byte for byte), final CRLF CRLF included. */
  readonly upstreamHead: string;
}

// One regular expression validates the whole head; header lines are then split without checks.
const HEAD = new RegExp(`^${TOKEN} /[\\x21-\\x7e]* HTTP/1\\.1(?:\\r\\n${TOKEN}:[\\t\\x20-\\x7e\\x80-\\xff]*)*$`);

const HANDED_TO_NODE = new Set(['transfer-encoding', 'expect', 'upgrade']);
/**
 * Lowercase names looked at, by length: other lengths skip the lowercasing (hot path). Hop-by-hop
 * names are dropped; of those, Transfer-Encoding and Upgrade are handed to Node first and
 * Connection's value is read.
 */
const LOOKED_AT_LENGTHS = new Set(
  [...HOP_BY_HOP, ...HANDED_TO_NODE, 'connection', 'content-length', 'host', 'idempotency-key'].map(
    (name) => name.length,
  ),
);

/**
 * A head still arriving that is already not plain: a byte no plain head has (NUL, another
 * control), a bare LF (a line ending Node's parser rejects with 400 — waiting for CRLF CRLF would
 * never end), or a CR not followed by LF. Node's http server then answers at once.
 */
const NOT_PLAIN = /[^\t\r\n\x20-\x7e\x80-\xff]|\r(?!\n|$)|(?<!\r)\n/;
function cannotBePlain(buf: Buffer): boolean {
  return NOT_PLAIN.test(buf.toString('latin1', 0, Math.min(buf.length, MAX_HEAD_BYTES)));
}

/**
 * Parses the head at the start of `buf`. `forwardedFor` is the client's address (appended as
 * X-Forwarded-For). Returns INCOMPLETE, UNUSUAL, or the head.
 */
export function parseRequestHead(
  buf: Buffer,
  forwardedFor: string | undefined,
): RequestHead | typeof INCOMPLETE | typeof UNUSUAL {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) return buf.length >= MAX_HEAD_BYTES || cannotBePlain(buf) ? UNUSUAL : INCOMPLETE;
  if (end + 4 > MAX_HEAD_BYTES) return UNUSUAL;
  const head = buf.toString('latin1', 0, end);
  if (!HEAD.test(head)) return UNUSUAL;
  const method = head.slice(0, head.indexOf(' '));
  if (method === 'CONNECT') return UNUSUAL;
  let bodyLength = 0;
  let sawLength = false;
  let sawHost = false;
  let sawConnection = false;
  let close = false;
  let idempotencyKey = false;
  // Kept header lines are copied as slices of `head`; `kept` is where the current unbroken run starts.
  let out = '';
  let kept = 0;
  let lineStart = head.indexOf('\r\n');
  while (lineStart !== -1) {
    const nameStart = lineStart + 2;
    const colon = head.indexOf(':', nameStart);
    const next = head.indexOf('\r\n', colon);
    const lineEnd = next === -1 ? head.length : next;
    if (LOOKED_AT_LENGTHS.has(colon - nameStart)) {
      const name = head.slice(nameStart, colon).toLowerCase();
      if (HANDED_TO_NODE.has(name)) return UNUSUAL;
      let drop = HOP_BY_HOP.has(name);
      if (name === 'content-length') {
        const digits = DIGITS.exec(head.slice(colon + 1, lineEnd));
        if (!digits || sawLength) return UNUSUAL;
        sawLength = true;
        bodyLength = Number(digits[1]);
      } else if (name === 'connection') {
        const value = head
          .slice(colon + 1, lineEnd)
          .trim()
          .toLowerCase();
        if (sawConnection || (value !== 'keep-alive' && value !== 'close')) return UNUSUAL;
        sawConnection = true;
        close = value === 'close';
        drop = true;
      } else if (name === 'host') {
        if (sawHost) return UNUSUAL;
        sawHost = true;
      } else if (name === 'idempotency-key') {
        idempotencyKey = true;
      }
      if (drop) {
        out += head.slice(kept, lineStart);
        kept = lineEnd;
      }
    }
    lineStart = next;
  }
  if (!sawHost) return UNUSUAL;
  out = kept === 0 ? head : out + head.slice(kept);
  out += forwardedFor
    ? `\r\nX-Forwarded-For: ${forwardedFor}\r\nX-Forwarded-Proto: http\r\n\r\n`
    : '\r\nX-Forwarded-Proto: http\r\n\r\n';
  return { method, headLength: end + 4, bodyLength, close, idempotencyKey, upstreamHead: out };
}
