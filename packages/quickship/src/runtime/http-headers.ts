// Header rewriting for the Service router, on Node's flat rawHeaders arrays ([name, value, …])
// so that case, order and repeated headers pass through untouched and nothing is re-parsed.
// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded: Connection, Keep-Alive,
// Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authenticate,
// Proxy-Authorization, plus any header the Connection header names. The router re-frames
// bodies itself, so Content-Length is recomputed for requests and Expect is answered here.

/** Hop-by-hop header names, lowercased (also used by the fast path's response parser). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** An RFC 9110 token (a header name or method), as a regular-expression source. */
export const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
/** A Content-Length value: digits, optional whitespace around them. */
export const DIGITS = /^[ \t]*(\d{1,15})[ \t]*$/;

const REQUEST_ONLY = new Set(['content-length', 'expect']);

/** Name lengths of every header dropped by a fixed rule: other names skip the lowercasing and lookups (hot path). */
const DROPPED_LENGTHS = new Set([...HOP_BY_HOP, ...REQUEST_ONLY].map((name) => name.length));

/** Extra names listed in a Connection header ("Connection: close, X-Foo"), lowercased; undefined when none. */
function connectionTokens(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  // The usual values name no header: skip the split (hot path, once per request and response).
  if (typeof connection === 'string' && connection.length <= 10) {
    const lower = connection.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') return undefined;
  }
  const tokens = new Set<string>();
  for (const part of (Array.isArray(connection) ? connection.join(',') : connection).split(',')) {
    const token = part.trim().toLowerCase();
    if (token && token !== 'close' && token !== 'keep-alive') tokens.add(token);
  }
  return tokens.size > 0 ? tokens : undefined;
}

function filter(
  raw: readonly string[],
  drop: ReadonlySet<string>,
  extra: Set<string> | undefined,
  out: string[],
): string[] {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (extra !== undefined || DROPPED_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (drop.has(lower) || HOP_BY_HOP.has(lower) || extra?.has(lower)) continue;
    }
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * The headers sent upstream: end-to-end request headers as received (Host included, as HAProxy
 * does), then X-Forwarded-For / X-Forwarded-Proto (appended, like `option forwardfor`), then
 * the body length when the router knows it.
 */
export function upstreamRequestHeaders(
  raw: readonly string[],
  connection: string | string[] | undefined,
  clientAddress: string | undefined,
  bodyLength: number | undefined,
): string[] {
  const out = filter(raw, REQUEST_ONLY, connectionTokens(connection), []);
  if (clientAddress) out.push('X-Forwarded-For', clientAddress);
  out.push('X-Forwarded-Proto', 'http');
  if (bodyLength !== undefined) out.push('Content-Length', String(bodyLength));
  return out;
}

/** The headers sent to the client: upstream's end-to-end headers (raw buffers from undici), then `added`. */
export function clientResponseHeaders(raw: readonly Buffer[], added: readonly string[]): string[] {
  const names: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1');
    names.push(name);
    if (name.length === 10 && name.toLowerCase() === 'connection')
      connection = (raw[i + 1] as Buffer).toString('latin1');
  }
  const extra = connectionTokens(connection);
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (extra !== undefined || DROPPED_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || extra?.has(lower)) continue;
    }
    out.push(name, (raw[2 * i + 1] as Buffer).toString('latin1'));
  }
  for (const value of added) out.push(value);
  return out;
}
