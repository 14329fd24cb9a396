// The router's fast path, upstream side: one HTTP/1.x response read from an endpoint's
// connection — its head (status, end-to-end headers for the client, framing, keep-alive) and
// where its body ends (Content-Length, chunked, or the connection's close), so that the body's
// bytes can be copied to the client untouched and the connection reused.
// Chunked bodies pass through as they are (chunk sizes and trailers included) with their
// Transfer-Encoding header, as HAProxy does; only the framing bytes are scanned, never the data.

import { DIGITS, HOP_BY_HOP, TOKEN } from './http-headers.ts';

/** Largest response head accepted; a larger one is an upstream error. */
const MAX_HEAD_BYTES = 64 * 1024;

/** How a response body ends. None: no body (HEAD request, 1xx, 204, 304); UntilClose: HTTP/1.0 style, at the connection's close. */
export const Framing = { None: 0, Length: 1, Chunked: 2, UntilClose: 3 } as const;
export type Framing = (typeof Framing)[keyof typeof Framing];

export interface ResponseHead {
  readonly status: number;
  /** Bytes of the head in the buffer it was parsed from. */
  readonly headLength: number;
  readonly framing: Framing;
  readonly contentLength: number;
  /** The connection may carry another request once the body is read. */
  readonly reusable: boolean;
  /** The server's Keep-Alive timeout hint, in ms (0 when none). */
  readonly keepAliveMs: number;
  /** Status line and end-to-end headers for the client (latin1), without the final CRLF CRLF. */
  readonly clientHead: string;
}

/** A malformed or unsupported response: the endpoint failed. */
export class ResponseError extends Error {
  readonly code = 'UPSTREAM_BAD_RESPONSE';
}

const VALUE = '[\\t\\x20-\\x7e\\x80-\\xff]*';
// One regular expression validates the whole head and reads the version and status.
const HEAD = new RegExp(`^HTTP/1\\.([01]) ([1-9]\\d\\d)(?: ${VALUE})?(?:\\r\\n${TOKEN}:${VALUE})*$`);
const KEEP_ALIVE_TIMEOUT = /timeout=(\d+)/i;
const LOOKED_AT_LENGTHS = new Set([...HOP_BY_HOP, 'content-length'].map((name) => name.length));

/**
 * Parses a response head at the start of `buf`: undefined while incomplete. Throws ResponseError.
 * `headRequest`: the request was HEAD (no body whatever the headers say).
 */
export function parseResponseHead(buf: Buffer, headRequest: boolean): ResponseHead | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) {
    if (buf.length > MAX_HEAD_BYTES) throw new ResponseError('response head too large');
    return undefined;
  }
  const head = buf.toString('latin1', 0, end);
  const match = HEAD.exec(head);
  if (!match) throw new ResponseError('malformed response head');
  const status = Number(match[2]);
  let reusable = match[1] === '1';
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let keepAliveMs = 0;
  // The common case in one pass: hop-by-hop lines (Transfer-Encoding aside) are cut out of `head`.
  const firstEnd = head.indexOf('\r\n');
  let out = 'HTTP/1.1';
  let kept = 8;
  let lineStart = firstEnd;
  while (lineStart !== -1) {
    const nameStart = lineStart + 2;
    const colon = head.indexOf(':', nameStart);
    const next = head.indexOf('\r\n', colon);
    const lineEnd = next === -1 ? head.length : next;
    if (LOOKED_AT_LENGTHS.has(colon - nameStart)) {
      const name = head.slice(nameStart, colon).toLowerCase();
      if (name === 'content-length') {
        const digits = DIGITS.exec(head.slice(colon + 1, lineEnd));
        if (!digits || (contentLength !== -1 && contentLength !== Number(digits[1])))
          throw new ResponseError('invalid Content-Length');
        contentLength = Number(digits[1]);
      } else if (name === 'transfer-encoding') {
        if (transferEncoding !== undefined) throw new ResponseError('repeated Transfer-Encoding');
        transferEncoding = head.slice(colon + 1, lineEnd);
      } else if (HOP_BY_HOP.has(name)) {
        if (name === 'connection')
          connection =
            connection === undefined
              ? head.slice(colon + 1, lineEnd)
              : `${connection},${head.slice(colon + 1, lineEnd)}`;
        else if (name === 'keep-alive') {
          const timeout = KEEP_ALIVE_TIMEOUT.exec(head.slice(colon + 1, lineEnd));
          if (timeout) keepAliveMs = Number(timeout[1]) * 1000;
        }
        out += head.slice(kept, lineStart);
        kept = lineEnd;
      }
    }
    lineStart = next;
  }
  out += head.slice(kept);
  let named: Set<string> | undefined;
  if (connection !== undefined) {
    const value = connection.trim().toLowerCase();
    if (value === 'close') reusable = false;
    else if (value === 'keep-alive') reusable = true;
    else if (value !== '') {
      const tokens = new Set(value.split(',').map((token) => token.trim()));
      if (tokens.has('close')) reusable = false;
      else if (tokens.has('keep-alive')) reusable = true;
      tokens.delete('close');
      tokens.delete('keep-alive');
      tokens.delete('');
      if (tokens.size > 0) named = tokens;
    }
  }
  if (status < 200 || status === 204 || status === 304 || headRequest) {
    if (status === 101) throw new ResponseError('unexpected 101 Switching Protocols');
    if (transferEncoding !== undefined || named) out = rewrite(head, named, false);
    return {
      status,
      headLength: end + 4,
      framing: Framing.None,
      contentLength: 0,
      reusable,
      keepAliveMs,
      clientHead: out,
    };
  }
  // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; a final coding other than chunked reads until close.
  let framing: Framing = contentLength >= 0 ? Framing.Length : Framing.UntilClose;
  if (transferEncoding !== undefined)
    framing = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding) ? Framing.Chunked : Framing.UntilClose;
  if (framing === Framing.UntilClose) reusable = false;
  if (transferEncoding !== undefined || named) out = rewrite(head, named, framing !== Framing.Length);
  return {
    status,
    headLength: end + 4,
    framing,
    contentLength: framing === Framing.Length ? contentLength : 0,
    reusable,
    keepAliveMs,
    clientHead: out,
  };
}

/**
 * The uncommon case: the status line (HTTP/1.1 to the client) and the end-to-end headers, less
 * those the Connection header names. Transfer-Encoding is kept when the body passes through with
 * that framing, and then Content-Length is not.
 */
function rewrite(head: string, named: ReadonlySet<string> | undefined, keepTransferEncoding: boolean): string {
  const lines = head.split('\r\n');
  let out = 'HTTP/1.1' + (lines[0] as string).slice(8);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const name = line.slice(0, line.indexOf(':')).toLowerCase();
    if (name === 'transfer-encoding' ? !keepTransferEncoding : HOP_BY_HOP.has(name) || named?.has(name)) continue;
    if (name === 'content-length' && keepTransferEncoding) continue;
    out += '\r\n' + line;
  }
  return out;
}

/**
 * Where a body framed by Content-Length or chunked encoding ends, fed chunk by chunk. Chunked
 * framing is scanned byte by byte only around chunk-size lines and trailers.
 */
export class BodyFraming {
  private remaining: number;
  private state: ChunkState = ChunkState.Size;
  private size = 0;
  private sizeDigits = 0;
  done: boolean;

  constructor(
    private readonly framing: Framing,
    contentLength: number,
  ) {
    this.remaining = framing === Framing.Length ? contentLength : 0;
    this.done = framing === Framing.None || (framing === Framing.Length && contentLength === 0);
  }

  /** How many bytes of `buf` from `start` belong to the body; sets `done` at its end. Throws ResponseError. */
  feed(buf: Buffer, start: number): number {
    if (this.done) return 0;
    const available = buf.length - start;
    if (this.framing === Framing.UntilClose) return available;
    if (this.framing === Framing.Length) {
      const take = Math.min(available, this.remaining);
      this.remaining -= take;
      if (this.remaining === 0) this.done = true;
      return take;
    }
    return this.chunked(buf, start) - start;
  }

  /** Returns the index after the last byte consumed. */
  private chunked(buf: Buffer, i: number): number {
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case ChunkState.Data: {
          const take = Math.min(n - i, this.remaining);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = ChunkState.DataCr;
          break;
        }
        case ChunkState.Size: {
          const c = buf[i++] as number;
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.sizeDigits > 12) throw new ResponseError('chunk size too large');
            this.size = this.size * 16 + digit;
          } else if (this.sizeDigits > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) {
            this.state = ChunkState.Extension; // chunk-ext (or BWS before it): skipped
          } else if (this.sizeDigits > 0 && c === 0x0d) {
            this.state = ChunkState.SizeLf;
          } else throw new ResponseError('malformed chunk size');
          break;
        }
        case ChunkState.Extension: {
          const c = buf[i++] as number;
          if (c === 0x0d) this.state = ChunkState.SizeLf;
          else if (c === 0x0a) throw new ResponseError('malformed chunk extension');
          break;
        }
        case ChunkState.SizeLf: {
          if (buf[i++] !== 0x0a) throw new ResponseError('malformed chunk size line');
          this.sizeDigits = 0;
          if (this.size === 0) {
            this.state = ChunkState.TrailerStart;
          } else {
            this.remaining = this.size;
            this.size = 0;
            this.state = ChunkState.Data;
          }
          break;
        }
        case ChunkState.DataCr:
          if (buf[i++] !== 0x0d) throw new ResponseError('chunk data longer than its size');
          this.state = ChunkState.DataLf;
          break;
        case ChunkState.DataLf:
          if (buf[i++] !== 0x0a) throw new ResponseError('chunk data longer than its size');
          this.state = ChunkState.Size;
          break;
        case ChunkState.TrailerStart: {
          // Either the final CRLF, or a trailer field line.
          const c = buf[i++] as number;
          if (c === 0x0d) this.state = ChunkState.FinalLf;
          else if (c === 0x0a) throw new ResponseError('malformed trailer section');
          else this.state = ChunkState.Trailer;
          break;
        }
        case ChunkState.Trailer: {
          const lf = buf.indexOf(0x0a, i);
          if (lf === -1) {
            i = n;
          } else {
            i = lf + 1;
            this.state = ChunkState.TrailerStart;
          }
          break;
        }
        case ChunkState.FinalLf:
          if (buf[i++] !== 0x0a) throw new ResponseError('malformed end of chunked body');
          this.done = true;
          return i;
      }
    }
    return i;
  }
}

const ChunkState = {
  Size: 0,
  Extension: 1,
  SizeLf: 2,
  Data: 3,
  DataCr: 4,
  DataLf: 5,
  TrailerStart: 6,
  Trailer: 7,
  FinalLf: 8,
} as const;
type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
