// A Service on 127.0.0.1:<port>: an HTTP reverse proxy that sends each REQUEST (not each
// connection) to a ready, non-terminating endpoint whose pod-template-hash matches the
// Service's selector — what kube-proxy does per connection, done per request so that a
// selector switch or an endpoint removal holds for the very next request on a kept-alive
// client connection.
// - setSelector is atomic for new requests: a request reads the selector once, when it
//   arrives; in-flight requests finish on the endpoint they started on.
// - No serving endpoint: wait up to `emptyWaitMs` (default 2 s) for one to appear — a switch
//   can leave the table momentarily empty — then 503 {"error":{"type":"api_error","code":"no_ready_endpoints"}}.
// - Retries follow retry-policy.ts; bodies up to 1 MiB are buffered so they can be replayed
//   (larger bodies stream through and are never retried; the payments API refuses them anyway).
// - Upstream connections are kept alive (an undici pool per endpoint, see upstream.ts).
// - Responses stream through; X-Quickship-Endpoint and X-Quickship-Revision say which instance
//   and pod-template-hash answered (off with `revisionHeaders: false`).
// Not supported locally: Upgrade (WebSocket), HTTP/2.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Endpoint, EndpointTable } from './endpoints.ts';
import { upstreamRequestHeaders } from './http-headers.ts';
import { mayRetry } from './retry-policy.ts';
import { Upstream, type Attempt, type AttemptFailure, type AttemptSink } from './upstream.ts';

export type BalancePolicy = 'round-robin' | 'least-in-flight';

export interface ServiceRouterOptions {
  /** Service name, e.g. "payments-active" (in logs and errors). */
  readonly name: string;
  readonly endpoints: EndpointTable;
  readonly host?: string; // default 127.0.0.1
  readonly port: number; // 0 = any free port
  /** rollouts-pod-template-hash to select; undefined selects nothing. */
  readonly selector?: string;
  readonly balance?: BalancePolicy; // default round-robin
  readonly emptyWaitMs?: number; // default 2000
  readonly maxBufferedBodyBytes?: number; // default 1 MiB
  readonly maxAttempts?: number; // default 3
  readonly revisionHeaders?: boolean; // default true
}

export interface RouterStats {
  readonly requests: number;
  readonly inFlight: number;
  readonly retries: number;
  /** 503 no_ready_endpoints answers. */
  readonly noEndpoints: number;
  /** 502 answers: every attempt failed, or a request that could not be retried failed. */
  readonly upstreamErrors: number;
  readonly byEndpoint: Readonly<Record<string, { readonly requests: number; readonly inFlight: number }>>;
}

const ONE_MIB = 1024 * 1024;
const EMPTY_BODY = Buffer.alloc(0);

export class ServiceRouter {
  readonly name: string;
  private server: Server | undefined;
  private current: string | undefined;
  private readonly table: EndpointTable;
  private readonly upstreams = new Map<string, Upstream>();
  private cache: { version: number; selector: string | undefined; list: Upstream[] } = { version: -1, selector: undefined, list: [] };
  private next = 0;
  private stopListening: () => void;
  private readonly counters = { requests: 0, inFlight: 0, retries: 0, noEndpoints: 0, upstreamErrors: 0 };
  readonly emptyWaitMs: number;
  private readonly maxBody: number;
  readonly maxAttempts: number;
  private readonly leastInFlight: boolean;

  constructor(private readonly options: ServiceRouterOptions) {
    this.name = options.name;
    this.table = options.endpoints;
    this.current = options.selector;
    this.emptyWaitMs = options.emptyWaitMs ?? 2000;
    this.maxBody = options.maxBufferedBodyBytes ?? ONE_MIB;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.leastInFlight = options.balance === 'least-in-flight';
    // An endpoint that leaves service keeps its in-flight requests but loses its idle connections.
    this.stopListening = this.table.onChange((endpoint, removed) => {
      const upstream = this.upstreams.get(endpoint.name);
      if (!upstream || (!removed && endpoint.ready && !endpoint.terminating && upstream.endpoint.port === endpoint.port)) return;
      this.upstreams.delete(endpoint.name);
      void upstream.close();
    });
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ readonly host: string; readonly port: number }> {
    const server = createServer({ keepAliveTimeout: 60_000, headersTimeout: 65_000, requestTimeout: 0 }, (req, res) => this.handle(req, res));
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return { host, port: typeof address === 'object' && address ? address.port : this.options.port };
  }

  /** The Service's selector (rollouts-pod-template-hash). Atomic: the next request arriving uses it. */
  setSelector(podTemplateHash: string | undefined): void {
    this.current = podTemplateHash;
  }

  get selector(): string | undefined {
    return this.current;
  }

  stats(): RouterStats {
    const byEndpoint: Record<string, { requests: number; inFlight: number }> = {};
    for (const upstream of this.upstreams.values()) byEndpoint[upstream.name] = { requests: upstream.requests, inFlight: upstream.inFlight };
    return { ...this.counters, byEndpoint };
  }

  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes everything. */
  async close(graceMs = 5000): Promise<void> {
    this.stopListening();
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (this.counters.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
    }
    await Promise.all([...this.upstreams.values()].map((upstream) => upstream.destroy()));
    this.upstreams.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.counters.requests++;
    this.counters.inFlight++;
    // The selector is read once, now; the Forwarding also owns the response's one 'close' listener.
    const forwarding = new Forwarding(this, req, res, this.current);
    const headers = req.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      forwarding.start(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > this.maxBody) {
        // Too large to keep for a replay: stream the rest, no retries.
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        forwarding.start(Readable.from(prefixed(chunks, req)));
      }
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : chunks.length === 0 ? EMPTY_BODY : Buffer.concat(chunks, size);
      forwarding.start(body);
    };
    req.on('data', onData);
    req.on('end', onEnd);
  }

  /** The next endpoint to try, or undefined when there is none (Forwarding waits, then answers). */
  pickFor(selector: string | undefined, tried: readonly Upstream[]): Upstream | undefined {
    return this.pick(selector, tried);
  }

  /** Waits up to `ms` for a change of the endpoint table. */
  nextEndpointChange(ms: number): Promise<void> {
    return this.table.nextChange(ms);
  }

  /** The counters Forwarding updates. */
  count(counter: 'retries' | 'noEndpoints' | 'upstreamErrors'): void {
    this.counters[counter]++;
  }

  /** A response closed (sent, failed or abandoned by the client). */
  responseClosed(): void {
    this.counters.inFlight--;
  }

  /** A serving endpoint of `selector` not tried yet: round-robin, or fewest in-flight requests. */
  private pick(selector: string | undefined, tried: readonly Upstream[]): Upstream | undefined {
    if (selector === undefined) return undefined;
    const list = this.serving(selector);
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.next++ % n;
    let best: Upstream | undefined;
    for (let i = 0; i < n; i++) {
      const candidate = list[(start + i) % n] as Upstream;
      if (tried.includes(candidate)) continue;
      if (!this.leastInFlight) return candidate;
      if (!best || candidate.inFlight < best.inFlight) best = candidate;
    }
    return best;
  }

  private serving(selector: string): Upstream[] {
    const cache = this.cache;
    if (cache.version === this.table.version && cache.selector === selector) return cache.list;
    const list = this.table.serving(selector).map((endpoint) => this.upstream(endpoint));
    this.cache = { version: this.table.version, selector, list };
    return list;
  }

  private upstream(endpoint: Endpoint): Upstream {
    let upstream = this.upstreams.get(endpoint.name);
    if (!upstream || upstream.endpoint.port !== endpoint.port) {
      upstream = new Upstream(endpoint, this.options.revisionHeaders !== false);
      this.upstreams.set(endpoint.name, upstream);
    }
    return upstream;
  }

  fail(res: ServerResponse, status: number, code: string, message: string): void {
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify({ error: { type: 'api_error', code, message } });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'retry-after': '1' });
    res.end(body);
  }
}

/**
 * One request's way through the endpoints: an attempt, and others while a retry is safe.
 * Callbacks rather than async/await, and a class rather than closures: no promise and few
 * per-request function objects on the hot path. It owns the response's only 'close' listener
 * (the router's in-flight count, then the attempt in progress).
 */
class Forwarding implements AttemptSink {
  private readonly tried: Upstream[] = [];
  private waitUntil = 0;
  private attempt = 1;
  private upstream: Upstream | undefined = undefined;
  private exchange: Attempt | undefined = undefined;
  private body: Buffer | Readable | null = null;
  private headers: string[] = [];
  private readonly method: string;

  constructor(
    private readonly router: ServiceRouter,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private selector: string | undefined,
  ) {
    this.method = req.method ?? 'GET';
    res.on('close', () => {
      router.responseClosed();
      this.exchange?.clientClosed();
    });
  }

  /** The body is known (null: none; a Buffer: whole and replayable; a stream: not replayable). */
  start(body: Buffer | Readable | null): void {
    const { req } = this;
    const bodyLength = body === null ? undefined : body instanceof Buffer ? body.length : contentLength(req.headers['content-length']);
    this.body = body;
    this.headers = upstreamRequestHeaders(req.rawHeaders, req.headers.connection, req.socket.remoteAddress, bodyLength);
    this.next();
  }

  private next(): void {
    const { router, res, tried } = this;
    if (res.destroyed) return;
    const upstream = router.pickFor(this.selector, tried);
    this.upstream = upstream;
    if (!upstream) {
      if (this.waitUntil === 0) this.waitUntil = Date.now() + router.emptyWaitMs;
      const remaining = this.waitUntil - Date.now();
      if (remaining > 0) {
        void router.nextEndpointChange(Math.min(remaining, 250)).then(() => {
          // Not sent anywhere yet: it is still a new request, so it follows a selector switch.
          if (tried.length === 0) this.selector = router.selector;
          this.next();
        });
        return;
      }
      if (tried.length === 0) {
        router.count('noEndpoints');
        return router.fail(res, 503, 'no_ready_endpoints', `Service ${router.name} has no ready endpoint for rollouts-pod-template-hash=${this.selector ?? '<none>'} after waiting ${router.emptyWaitMs} ms`);
      }
      router.count('upstreamErrors');
      return router.fail(res, 502, 'upstream_unavailable', `Service ${router.name}: every endpoint tried failed before answering (${tried.map((u) => u.name).join(', ')})`);
    }
    this.waitUntil = 0;
    this.exchange = upstream.send(res, this.method, this.req.url ?? '/', this.headers, this.body, this);
  }

  attemptDone(failure: AttemptFailure | undefined): void {
    this.exchange = undefined;
    if (!failure) return;
    const { router, res, method } = this;
    const failed = this.upstream as Upstream;
    if (failure.invalid) return router.fail(res, 400, 'invalid_request', `Service ${router.name} cannot forward this request: ${failure.invalid}`);
    this.tried.push(failed);
    const retry =
      this.attempt < router.maxAttempts &&
      mayRetry({ method, idempotencyKey: this.req.headers['idempotency-key'] !== undefined, code: failure.code, duringConnect: failure.duringConnect, responseStarted: failure.responseStarted, bodyReplayable: !(this.body instanceof Readable) });
    if (!retry) {
      router.count('upstreamErrors');
      if (failure.responseStarted) return void res.destroy();
      return router.fail(res, 502, 'upstream_connection_error', `Service ${router.name}: endpoint ${failed.name} failed after the request was sent (${failure.code ?? 'error'}); it was not retried because it may have been processed — retry it with the same Idempotency-Key`);
    }
    router.count('retries');
    this.attempt++;
    // Next attempt asynchronously, as before: a failure reported during dispatch does not recurse.
    queueMicrotask(() => this.next());
  }
}

async function* prefixed(head: readonly Buffer[], rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  yield* rest;
}

function contentLength(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
