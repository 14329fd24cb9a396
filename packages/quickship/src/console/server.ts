// The web console's HTTP server (127.0.0.1:3100 by default), run by the engine process beside the
// loopback API. Thin: it serves the built page (packages/console/dist), forwards the engine API's
// reads to it as they are, forwards the console's actions (the CLI's verbs, an app's sync and
// rollback) only with the token the printed URL carries, and proxies Prometheus' read-only
// query endpoints. Same rules as the engine API: loopback bind, loopback Host header (no DNS
// rebinding), JSON errors. A strict Content-Security-Policy: the page loads nothing but itself.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { UserError, type UserErrorCode } from '../errors.ts';
import { PortInUseError } from '../api/errors.ts';
import { STATUS_OF, VERBS, type ApiErrorBody } from '../api/protocol.ts';
import { ROLLOUT_RESOURCE_ACTIONS } from '../core/verbs.ts';
import type { ConsolePanel } from './panels.ts';

export { DEFAULT_CONSOLE_PORT } from './defaults.ts';
/** The header the page sends its token in (a custom header also forces a CORS preflight). */
export const TOKEN_HEADER = 'x-quickship-console-token';

export class ConsoleRequestError extends UserError {
  constructor(
    override readonly code: UserErrorCode,
    message: string,
    fix?: string,
  ) {
    super(message, fix);
    this.name = 'ConsoleRequestError';
  }
}

export interface ConsoleServerOptions {
  /** The engine API the reads and actions go to, e.g. http://127.0.0.1:7070. */
  readonly apiUrl: string;
  readonly port: number;
  readonly host?: string;
  /** The built page (index.html + assets/). */
  readonly assetsDir: string;
  /** Default: 24 random bytes, hex. */
  readonly token?: string;
  /** Where Prometheus is right now (undefined: not running); asked on every request. */
  readonly prometheusUrl?: () => string | undefined;
  /** Prometheus' scrape interval, for Grafana's $__rate_interval (default 15 s, the ServiceMonitor's). */
  readonly scrapeIntervalSeconds?: number;
  readonly panels?: () => Promise<readonly ConsolePanel[]>;
}

export interface ConsoleServer {
  /** The page's address with its token, e.g. http://127.0.0.1:3100/?token=… */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Nothing from elsewhere: no CDN, no web font, no inline script; connections only to this origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // The page's URL carries the token: never send it on.
  'referrer-policy': 'no-referrer',
};

/**
 * The engine API routes the console may POST to: the plugin's verbs, Argo CD's resource actions on
 * the Rollout, and an Application's sync, rollback and revert (the GitOps rollback).
 */
const ACTION_ROUTE = new RegExp(
  `^/api/v1/(rollouts/[^/]+/(${VERBS.join('|')}|actions/(${ROLLOUT_RESOURCE_ACTIONS.join('|')}))|applications/[^/]+/(sync|rollback|revert))$`,
);
/** Prometheus' read-only HTTP API endpoints the charts and the alert list need. */
const PROMETHEUS_ROUTE = /^\/prometheus\/api\/v1\/(query_range|query|alerts)$/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new ConsoleRequestError(
      'BadRequest',
      `the console must bind to loopback, not "${host}"`,
      'use --console-port only',
    );
  const token = options.token ?? randomBytes(24).toString('hex');
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(options, token, req, res, open).catch((error: unknown) => sendError(res, error));
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const res of open) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE')
        reject(new PortInUseError(`port ${host}:${port} for the console`, '--console-port'));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(
  options: ConsoleServerOptions,
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
  open: Set<ServerResponse>,
): Promise<void> {
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!LOOPBACK.has(hostname))
    throw new ConsoleRequestError('Forbidden', `Host "${req.headers.host ?? ''}" is not a loopback address`);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (path.startsWith('/api/v1/')) {
    if (method === 'GET') return forward(options.apiUrl, req, res, open, path + url.search);
    if (method !== 'POST' || !ACTION_ROUTE.test(path))
      throw new ConsoleRequestError(
        'MethodNotAllowed',
        `the console forwards only GET and its actions, not ${method} ${path}`,
      );
    requireToken(req, token);
    return forward(options.apiUrl, req, res, open, path);
  }
  if (path === '/console/v1/config') {
    if (method !== 'GET') throw new ConsoleRequestError('MethodNotAllowed', 'use GET here');
    return sendJson(res, 200, {
      prometheus: options.prometheusUrl?.() !== undefined,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 15,
      panels: options.panels ? await options.panels() : [],
    });
  }
  if (PROMETHEUS_ROUTE.test(path)) {
    if (method !== 'GET') throw new ConsoleRequestError('MethodNotAllowed', 'Prometheus is read-only here: use GET');
    const prometheus = options.prometheusUrl?.();
    if (prometheus === undefined)
      throw new ConsoleRequestError(
        'ServiceUnavailable',
        'Prometheus not running: no golden signals, no alerts, no Prometheus analysis',
        'install it (`apt-get install -y prometheus`) and restart `npm start`',
      );
    return forward(prometheus, req, res, open, path.slice('/prometheus'.length) + url.search);
  }
  if (method !== 'GET' && method !== 'HEAD') throw new ConsoleRequestError('MethodNotAllowed', 'use GET here');
  return serveFile(options.assetsDir, path === '/' ? '/index.html' : path, res);
}

function requireToken(req: IncomingMessage, token: string): void {
  const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
  const wanted = Buffer.from(token);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    throw new ConsoleRequestError(
      'Forbidden',
      `the console's actions need its token (header ${TOKEN_HEADER})`,
      'open the URL `npm start` printed, with its ?token=',
    );
}

async function serveFile(dir: string, path: string, res: ServerResponse): Promise<void> {
  const file = normalize(join(dir, decodeURIComponent(path)));
  if (!file.startsWith(dir + sep)) throw new ConsoleRequestError('NotFound', `no file ${path}`);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (path === '/index.html')
      throw new ConsoleRequestError(
        'ServiceUnavailable',
        `the console is not built (${dir} is empty)`,
        'npm run build -w @quickship/console',
      );
    throw new ConsoleRequestError('NotFound', `no file ${path}`);
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    // Vite names assets by content hash: they never change; the page itself always revalidates.
    'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
}

/** Streams the request to `base` and the answer back (server-sent events included), headers as they are. */
function forward(
  base: string,
  req: IncomingMessage,
  res: ServerResponse,
  open: Set<ServerResponse>,
  path: string,
): Promise<void> {
  const target = new URL(path, base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: req.method,
        headers: {
          accept: req.headers.accept ?? '*/*',
          ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
          host: target.host,
        },
      },
      (answer) => {
        const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
        for (const name of ['content-type', 'cache-control', 'content-length'])
          if (answer.headers[name]) headers[name] = answer.headers[name] as string;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        open.add(res);
        res.on('close', () => {
          open.delete(res);
          answer.destroy();
          resolve();
        });
      },
    );
    outgoing.on('error', (error) =>
      reject(
        new ConsoleRequestError(
          'ServiceUnavailable',
          `${base.startsWith('http') ? new URL(base).host : base} did not answer: ${error.message}`,
        ),
      ),
    );
    req.pipe(outgoing);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  let body: ApiErrorBody;
  if (error instanceof UserError)
    body = { error: { code: error.code, message: error.message, ...(error.fix ? { fix: error.fix } : {}) } };
  else {
    console.error((error as Error).stack ?? String(error));
    body = { error: { code: 'Internal', message: (error as Error).message } };
  }
  if (res.headersSent) return void res.end();
  sendJson(res, STATUS_OF[body.error.code], body);
}
