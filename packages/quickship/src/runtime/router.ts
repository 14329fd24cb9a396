// A Service on 127.0.0.1:<port>: an HTTP reverse proxy that sends each REQUEST (not each
// connection) to a ready, non-terminating endpoint whose pod-template-hash matches the
// Service's selector — what kube-proxy does per connection, done per request so that a
// selector switch or an endpoint removal holds for the very next request on a kept-alive
// client connection.
// - setSelector is atomic for new requests: a request reads the selector once, when it
//   arrives; in-flight requests finish on the endpoint they started on.
// - No serving endpoint: wait up to `emptyWaitMs` (default 2 s) for one to appear — a switch
//   can leave the table momentarily empty — then 503 {"error":{"type":"api_error","code":"no_ready_endpoints"}}.
// - Retries follow retry-policy.ts (forwarding.ts); bodies up to 1 MiB are buffered so they can
//   be replayed (larger bodies stream through and are never retried; the payments API refuses them).
// - Responses stream through; X-Quickship-Endpoint and X-Quickship-Revision say which instance
//   and pod-template-hash answered (off with `revisionHeaders: false`).
// Two paths, one behaviour. Clients are accepted with node:net: plain HTTP/1.1 requests
// (http1-request.ts) take the fast path — client-connection.ts reads them, relay.ts copies the
// response through over a per-endpoint pool of keep-alive sockets (upstream-pool.ts) — at about
// half the CPU of Node's http server + undici. A connection whose next request is anything else
// (or malformed) is handed, between requests, to a Node http server that is not listening
// (node-request.ts, undici) — which answers malformed input with 400.
// Not supported locally: Upgrade (WebSocket), HTTP/2.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { ClientConnection, type ClientConnectionHost } from './client-connection.ts';
import type { Endpoint, EndpointTable } from './endpoints.ts';
import { installLingeringClose } from './lingering-close.ts';
import { handleNodeRequest, type NodePathRouter } from './node-request.ts';
import { Upstream } from './upstream.ts';

export interface ServiceRouterOptions {
  /** Service name, e.g. "payments-active" (in logs and errors). */
  readonly name: string;
  readonly endpoints: EndpointTable;
  readonly host?: string; // default 127.0.0.1
  readonly port: number; // 0 = any free port
  /** rollouts-pod-template-hash to select; undefined selects nothing. */
  readonly selector?: string;
  readonly emptyWaitMs?: number; // default 2000
  readonly maxBufferedBodyBytes?: number; // default 1 MiB
  readonly maxAttempts?: number; // default 3
  readonly revisionHeaders?: boolean; // default true
  /** A request must arrive whole within this (fast path: head and body; Node path: head). Default 10 s. */
  readonly requestHeadTimeoutMs?: number;
  /** Concurrent client connections on this Service port; beyond it, 503 too_many_connections. Default 4096. */
  readonly maxConnections?: number;
}

export interface RouterStats {
  readonly requests: number;
  readonly inFlight: number;
  readonly retries: number;
  /** Connections refused with 503 too_many_connections (over `maxConnections`). */
  readonly refusedConnections: number;
  /** Requests answered 408: not whole within `requestHeadTimeoutMs`. */
  readonly requestTimeouts: number;
  /** 503 no_ready_endpoints answers. */
  readonly noEndpoints: number;
  /** 502 answers: every attempt failed, or a request that could not be retried failed. */
  readonly upstreamErrors: number;
  readonly byEndpoint: Readonly<Record<string, { readonly requests: number; readonly inFlight: number }>>;
}

const ONE_MIB = 1024 * 1024;
/** Client keep-alive: an idle connection closes after this long (as Node's keepAliveTimeout). */
const CLIENT_IDLE_MS = 60_000;
/**
 * A request's head (fast path: head and body, which it buffers) must arrive within this
 * (HAProxy `timeout http-request`, no default, 10 s in its examples; nginx `client_header_timeout`,
 * 60 s; Node's headersTimeout, 60 s). Then 408 and close: a slowloris client holds a connection
 * for 10 s at most.
 */
export const REQUEST_HEAD_TIMEOUT_MS = 10_000;
/**
 * Client connections per Service port (HAProxy `maxconn`, nginx `worker_connections`, 512 by
 * default). Each may hold an upstream socket too: keep it under half of `ulimit -n`.
 */
export const MAX_CLIENT_CONNECTIONS = 4096;
/** How often connections are checked against the deadline and the keep-alive timeout. */
const SWEEP_MS = 500;
const TOO_MANY_CONNECTIONS = JSON.stringify({
  error: {
    type: 'api_error',
    code: 'too_many_connections',
    message: 'The Service has too many open connections; retry shortly, reusing a kept-alive connection.',
  },
});

export class ServiceRouter implements ClientConnectionHost, NodePathRouter {
  readonly name: string;
  private server: NetServer | undefined;
  /** Node's http server, not listening: it gets the connections the fast path hands over. */
  private readonly http: HttpServer;
  private readonly connections = new Set<ClientConnection>();
  private readonly handedOver = new Set<Socket>();
  private sweep: NodeJS.Timeout | undefined;
  private current: string | undefined;
  private readonly table: EndpointTable;
  private readonly upstreams = new Map<string, Upstream>();
  private cache: { version: number; selector: string | undefined; list: Upstream[] } = {
    version: -1,
    selector: undefined,
    list: [],
  };
  private next = 0;
  private stopListening: () => void;
  private readonly counters = {
    requests: 0,
    inFlight: 0,
    retries: 0,
    noEndpoints: 0,
    upstreamErrors: 0,
    refusedConnections: 0,
    requestTimeouts: 0,
  };
  readonly emptyWaitMs: number;
  readonly requestHeadTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxBufferedBodyBytes: number;
  readonly maxAttempts: number;
  closing = false;

  constructor(private readonly options: ServiceRouterOptions) {
    this.name = options.name;
    this.table = options.endpoints;
    this.current = options.selector;
    this.emptyWaitMs = options.emptyWaitMs ?? 2000;
    this.maxBufferedBodyBytes = options.maxBufferedBodyBytes ?? ONE_MIB;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.requestHeadTimeoutMs = options.requestHeadTimeoutMs ?? REQUEST_HEAD_TIMEOUT_MS;
    this.maxConnections = options.maxConnections ?? MAX_CLIENT_CONNECTIONS;
    this.http = createHttpServer(
      {
        keepAliveTimeout: CLIENT_IDLE_MS,
        // The same deadline for a head on the Node path (Node answers 408); checked every SWEEP_MS.
        headersTimeout: this.requestHeadTimeoutMs,
        requestTimeout: 0,
        connectionsCheckingInterval: SWEEP_MS,
      },
      (req, res) => handleNodeRequest(this, req, res),
    );
    installLingeringClose(this.http);
    // An endpoint that leaves service keeps its in-flight requests but loses its idle connections.
    this.stopListening = this.table.onChange((endpoint, removed) => {
      const upstream = this.upstreams.get(endpoint.name);
      if (
        !upstream ||
        (!removed && endpoint.ready && !endpoint.terminating && upstream.endpoint.port === endpoint.port)
      )
        return;
      this.upstreams.delete(endpoint.name);
      void upstream.close();
    });
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ readonly host: string; readonly port: number }> {
    const server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      if (this.closing) return void socket.destroy();
      if (this.connections.size + this.handedOver.size >= this.maxConnections) return this.refuse(socket);
      this.connections.add(new ClientConnection(this, socket));
    });
    this.server = server;
    // Node's http server tracks its connections (closeIdleConnections, headersTimeout) from 'listening'.
    this.http.emit('listening');
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.sweep = setInterval(() => this.check(), SWEEP_MS).unref();
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
    for (const upstream of this.upstreams.values())
      byEndpoint[upstream.name] = { requests: upstream.requests, inFlight: upstream.inFlight };
    return { ...this.counters, byEndpoint };
  }

  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes everything. */
  async close(graceMs = 5000): Promise<void> {
    this.stopListening();
    this.closing = true;
    clearInterval(this.sweep);
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      this.closeIdle(0);
      this.http.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (this.counters.inFlight > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      for (const connection of this.connections) connection.destroy();
      this.http.closeAllConnections();
      for (const socket of this.handedOver) socket.destroy();
      await closed;
    }
    await Promise.all([...this.upstreams.values()].map((upstream) => upstream.destroy()));
    this.upstreams.clear();
  }

  /** Waits up to `ms` for a change of the endpoint table. */
  nextEndpointChange(ms: number): Promise<void> {
    return this.table.nextChange(ms);
  }

  /** The counters Forwarding updates. */
  count(counter: 'retries' | 'noEndpoints' | 'upstreamErrors'): void {
    this.counters[counter]++;
  }

  requestStarted(): void {
    this.counters.requests++;
    this.counters.inFlight++;
  }

  /** A response closed (sent, failed or abandoned by the client). */
  responseClosed(): void {
    this.counters.inFlight--;
  }

  handOver(socket: Socket): void {
    this.handedOver.add(socket);
    socket.once('close', () => this.handedOver.delete(socket));
    this.http.emit('connection', socket);
    socket.resume();
  }

  forget(connection: ClientConnection): void {
    this.connections.delete(connection);
  }

  /** Over `maxConnections`: a 503 saying so, then the connection closes (what the client sends is dropped). */
  private refuse(socket: Socket): void {
    this.counters.refusedConnections++;
    socket.on('error', () => undefined);
    socket.resume();
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${TOO_MANY_CONNECTIONS.length}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${TOO_MANY_CONNECTIONS}`,
    );
    // Dropped bytes then the client's FIN close it cleanly; a client that never stops is cut after 1 s.
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  /** The periodic sweep: requests past their deadline get 408; keep-alive connections idle too long close. */
  private check(): void {
    const now = Date.now();
    const idleBefore = now - CLIENT_IDLE_MS;
    const startedBefore = now - this.requestHeadTimeoutMs;
    for (const connection of this.connections) {
      if (connection.pendingSince !== 0 && connection.pendingSince <= startedBefore) {
        this.counters.requestTimeouts++;
        connection.requestTimedOut(this.requestHeadTimeoutMs);
      } else if (connection.idleSince <= idleBefore) connection.closeIfIdle();
    }
  }

  /** Closes fast-path client connections idle for at least `ms`. */
  private closeIdle(ms: number): void {
    const before = Date.now() - ms;
    for (const connection of this.connections) if (connection.idleSince <= before) connection.closeIfIdle();
  }

  /** A serving endpoint of `selector` not tried yet, round-robin. */
  pickFor(selector: string | undefined, tried: readonly Upstream[]): Upstream | undefined {
    if (selector === undefined) return undefined;
    const list = this.serving(selector);
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.next++ % n;
    for (let i = 0; i < n; i++) {
      const candidate = list[(start + i) % n] as Upstream;
      if (!tried.includes(candidate)) return candidate;
    }
    return undefined;
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
    if (!upstream) {
      upstream = new Upstream(endpoint, this.options.revisionHeaders !== false);
      this.upstreams.set(endpoint.name, upstream);
    }
    return upstream;
  }
}
