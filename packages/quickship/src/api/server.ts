// The engine's local HTTP API on loopback (127.0.0.1:7070 by default). Thin: it parses the
// request, calls the engine, and maps named errors to JSON error bodies.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineApi } from '../model.ts';
import { UserError, type UserErrorCode } from '../errors.ts';
import { PortInUseError } from './errors.ts';
import type { AnalysisRun } from '../analysis/types.ts';
import { GitOpsRouteError, handleGitOps, type GitOpsApi } from './gitops-routes.ts';
import {
  API_PREFIX,
  DEFAULT_API_HOST,
  STATUS_OF,
  VERBS,
  type ApiErrorBody,
  type RolloutEntry,
  type Verb,
} from './protocol.ts';

/** What the API needs from the engine: the verbs of any target, plus listing and change events. */
export type { EngineApi } from '../model.ts';

/** A malformed request: a UserError whose code the route picks (BadRequest, NotFound, Forbidden…). */
export class ApiRequestError extends UserError {
  constructor(
    override readonly code: UserErrorCode,
    message: string,
    fix?: string,
  ) {
    super(message, fix);
    this.name = 'ApiRequestError';
  }
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface StartApiServerOptions {
  readonly engine: EngineApi;
  readonly host?: string;
  readonly port: number;
  /** SSE keep-alive comment interval. */
  readonly heartbeatMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? DEFAULT_API_HOST;
  // Loopback only: the API can promote and abort production-like traffic without a credential.
  if (!LOOPBACK.has(host))
    throw new ApiRequestError(
      'BadRequest',
      `the engine API must bind to loopback, not "${host}"`,
      'use --api-host 127.0.0.1',
    );
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(options.engine, req, res, streams, options.heartbeatMs ?? 15_000).catch((error: unknown) =>
      sendError(res, error),
    );
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') {
        reject(new PortInUseError(`port ${host}:${port} for the engine API`, '--api-port'));
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(
  engine: EngineApi,
  req: IncomingMessage,
  res: ServerResponse,
  streams: Set<ServerResponse>,
  heartbeatMs: number,
): Promise<void> {
  // A page on another site could make the browser call us; a loopback Host header defeats DNS rebinding.
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!LOOPBACK.has(hostname))
    throw new ApiRequestError('Forbidden', `Host "${req.headers.host ?? ''}" is not a loopback address`);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.startsWith(API_PREFIX + '/')
    ? url.pathname
        .slice(API_PREFIX.length + 1)
        .split('/')
        .map(decodeURIComponent)
    : [];
  const method = req.method ?? 'GET';

  if (parts[0] === 'engine' && parts.length === 1)
    return method === 'GET' ? sendJson(res, 200, engine.info()) : notAllowed('GET');
  if (parts[0] === 'events' && parts.length === 1)
    return method === 'GET'
      ? streamEvents(engine, url.searchParams.get('rollout'), res, streams, heartbeatMs)
      : notAllowed('GET');
  if (parts[0] === 'alerts' && parts.length === 1) {
    if (method !== 'GET') return notAllowed('GET');
    if (!engine.alerts)
      throw new ApiRequestError('ServiceUnavailable', 'this engine runs no Prometheus', 'start it with `quickship up`');
    return sendJson(res, 200, await engine.alerts());
  }
  if (parts[0] === 'rollouts' && parts.length === 1)
    return method === 'GET' ? sendJson(res, 200, { items: await engine.list() }) : notAllowed('GET');
  if (parts[0] === 'rollouts' && parts.length === 2)
    return method === 'GET' ? sendJson(res, 200, await engine.get(parts[1]!)) : notAllowed('GET');
  if (parts[0] === 'rollouts' && parts.length === 3 && (VERBS as readonly string[]).includes(parts[2]!)) {
    if (method !== 'POST') return notAllowed('POST');
    const body = await readJsonBody(req);
    const message = await runVerb(engine, parts[1]!, parts[2] as Verb, body);
    return sendJson(res, 200, { message });
  }
  // Argo CD's resource actions on the live Rollout (GitOps mode): POST /rollouts/:name/actions/:action.
  if (parts[0] === 'rollouts' && parts.length === 4 && parts[2] === 'actions') {
    if (method !== 'POST') return notAllowed('POST');
    if (!hasResourceActions(engine))
      throw new ApiRequestError(
        'NotFound',
        'this engine runs no resource actions',
        'use the verbs under /rollouts/:name',
      );
    await readJsonBody(req);
    return sendJson(res, 200, await engine.runResourceAction(parts[1]!, parts[3]!));
  }
  // AnalysisRuns in both modes (--dir has no object store): GET /analysisruns[/:name].
  if (parts[0] === 'analysisruns' && parts.length <= 2 && hasAnalysisRuns(engine)) {
    if (method !== 'GET') return notAllowed('GET');
    const runs = engine.listAnalysisRuns();
    if (parts.length === 1) return sendJson(res, 200, { items: runs });
    const run = runs.find((r) => r.metadata.name === parts[1]);
    if (!run)
      throw new ApiRequestError(
        'NotFound',
        `AnalysisRun "${parts[1]}" not found`,
        `list them with \`quickship analysis list\` (${runs.length} now)`,
      );
    return sendJson(res, 200, run);
  }
  if (isGitOpsApi(engine) && ['applications', 'objects', 'watch'].includes(parts[0] ?? '')) {
    const handled = await handleGitOps(engine, parts, method, url, req, res, {
      send: sendJson,
      readBody: readJsonBody,
      streams,
      heartbeatMs,
    });
    if (handled) return;
  }
  throw new ApiRequestError('NotFound', `no route ${method} ${url.pathname}`, `see ${API_PREFIX}/rollouts`);
}

function hasResourceActions(engine: EngineApi): engine is EngineApi & {
  runResourceAction(name: string, action: string): Promise<{ message: string; patch: unknown }>;
} {
  return typeof (engine as { runResourceAction?: unknown }).runResourceAction === 'function';
}

function hasAnalysisRuns(engine: EngineApi): engine is EngineApi & { listAnalysisRuns(): readonly AnalysisRun[] } {
  return typeof (engine as { listAnalysisRuns?: unknown }).listAnalysisRuns === 'function';
}

function isGitOpsApi(engine: EngineApi): engine is EngineApi & GitOpsApi {
  return typeof (engine as Partial<GitOpsApi>).applicationController === 'function';
}

function runVerb(engine: EngineApi, name: string, verb: Verb, body: Record<string, unknown>): Promise<string> {
  switch (verb) {
    case 'promote':
      if (body.full !== undefined && typeof body.full !== 'boolean')
        throw new ApiRequestError('BadRequest', `"full" must be a boolean, got ${JSON.stringify(body.full)}`);
      return engine.promote(name, { full: body.full === true });
    case 'undo': {
      const to = body.toRevision;
      if (to !== undefined && !(typeof to === 'number' && Number.isInteger(to) && to > 0)) {
        throw new ApiRequestError('BadRequest', `"toRevision" must be a positive integer, got ${JSON.stringify(to)}`);
      }
      return engine.undo(name, { toRevision: to as number | undefined });
    }
    case 'abort':
      return engine.abort(name);
    case 'retry':
      return engine.retry(name);
    case 'restart':
      return engine.restart(name);
  }
}

function notAllowed(allowed: string): never {
  throw new ApiRequestError('MethodNotAllowed', `use ${allowed} here`);
}

async function readJsonBody(
  req: IncomingMessage,
  contentTypes = /^application\/json\b/i,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new ApiRequestError('BadRequest', 'request body larger than 64 KiB');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  // A JSON content type forces a CORS preflight, so a foreign page cannot fire a verb with a plain form post.
  if (!contentTypes.test(req.headers['content-type'] ?? '')) {
    throw new ApiRequestError(
      'UnsupportedMediaType',
      `Content-Type must be application/json, got "${req.headers['content-type'] ?? ''}"`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiRequestError('BadRequest', 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiRequestError('BadRequest', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

async function streamEvents(
  engine: EngineApi,
  only: string | null,
  res: ServerResponse,
  streams: Set<ServerResponse>,
  heartbeatMs: number,
): Promise<void> {
  const initial = only ? [await engine.get(only)] : await engine.list();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (entry: RolloutEntry): void => {
    if (only && entry.view.name !== only) return;
    res.write(`event: rollout\ndata: ${JSON.stringify(entry)}\n\n`);
  };
  for (const entry of initial) send(entry);
  const unsubscribe = engine.subscribe(send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  streams.add(res);
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  const body = toErrorBody(error);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, STATUS_OF[body.error.code], body);
}

/** A UserError answers with its own code, message and fix; anything else is a bug: 500 Internal, stack logged. */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof UserError || error instanceof GitOpsRouteError)
    return { error: { code: error.code, message: error.message, ...(error.fix ? { fix: error.fix } : {}) } };
  const e = error instanceof Error ? error : new Error(String(error));
  console.error(e.stack ?? e.message);
  return { error: { code: 'Internal', message: e.message } };
}
