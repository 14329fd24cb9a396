// The engine API clients' HTTP: node:http, not the global fetch. The first fetch() of a process
// loads Node's bundled undici, which cost 45–50 ms of every `quickship status`/`app list`/
// `promote` start-up (node -e with one fetch vs one http.get, measured side by side: 150 vs
// 118 ms, `node -e 0` 102 ms). One connection per request (agent: false): a CLI makes one or two
// and exits, and no pooled socket can hold the process open. (node:http itself is loaded on the
// first request: bin/chunk-loader.cjs hands the build's chunks built-ins that load on first use.)
import { request, type IncomingMessage } from 'node:http';
import { UserError } from '../errors.ts';
import { EngineNotRunningError } from './errors.ts';
import type { ApiErrorBody } from './protocol.ts';

export interface LoopbackRequest {
  readonly method: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
  /** Aborting destroys the request (and ends a streamed body). */
  readonly signal?: AbortSignal;
}

/** What connecting to an engine that is not there fails with. */
const NOT_RUNNING = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL']);

/** The engine API's base URL, checked: it is plain HTTP (it binds to loopback only). */
export function engineBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(
      `"${url}" is not a URL`,
      'pass the engine API as --api http://127.0.0.1:7070 (or $QUICKSHIP_API)',
    );
  }
  if (parsed.protocol !== 'http:')
    throw new UserError(
      `the engine API at "${url}" is plain HTTP on loopback, not ${parsed.protocol.replace(/:$/, '')}`,
      'pass it as --api http://127.0.0.1:7070 (the URL `quickship up` prints)',
    );
  return parsed;
}

/**
 * Sends one request; resolves with the response once its head arrived (status and headers; the body
 * still to read: readBody, or iterate it for a stream). A connection that cannot be made is
 * EngineNotRunningError naming `baseUrl`.
 */
export async function sendToEngine(baseUrl: string, path: string, options: LoopbackRequest): Promise<IncomingMessage> {
  const base = engineBaseUrl(baseUrl);
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.accept !== undefined) headers.accept = options.accept;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || 80,
        path: `${base.pathname.replace(/\/+$/, '')}${path}`,
        method: options.method,
        headers,
        agent: false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      resolve,
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code && NOT_RUNNING.has(error.code) ? new EngineNotRunningError(baseUrl) : error);
    });
    req.end(options.body);
  });
}

/** A response's whole body as text. */
export async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The engine's JSON error body of a non-2xx answer (empty when the body is not JSON). */
export async function readErrorBody(res: IncomingMessage): Promise<Partial<ApiErrorBody>> {
  try {
    return JSON.parse(await readBody(res)) as ApiErrorBody;
  } catch {
    return {}; // not JSON: callers fall back to the status line
  }
}

/** 2xx. */
export function isOk(res: IncomingMessage): boolean {
  return res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
}
