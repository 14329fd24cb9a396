// One endpoint as the Service router sees it: its keep-alive connections and the relay of one
// request/response exchange over them. Two paths (see router.ts): plain requests go through
// `relay` — node:net sockets from upstream-pool.ts, relay.ts; the rest (requests Node's http
// server parsed) through `send` — an undici pool, created on first use, and Exchange below.
// undici rather than node:http's client: about 1.5-2x less CPU per proxied request here,
// which is what the router's throughput is made of. Its low-level dispatch handler is used
// (onConnect/onHeaders/onData/onComplete/onError): headers arrive as raw buffers, nothing is
// parsed twice, and onConnect tells exactly when a request starts being written — an error
// before it means the request was never sent.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Endpoint } from './endpoints.ts';
import { clientResponseHeaders } from './http-headers.ts';
import { Relay, type RelayClient } from './relay.ts';
import { DEFAULT_IDLE_MS, MAX_IDLE_MS, SocketPool } from './upstream-pool.ts';

export interface AttemptFailure {
  readonly code: string | undefined;
  /** The error came before the request was written to a connection. */
  readonly duringConnect: boolean;
  readonly responseStarted: boolean;
  /** The request cannot be forwarded at all (e.g. a request target undici refuses): answer 400, do not retry. */
  readonly invalid?: string;
}

/** Told once how an attempt ended: undefined when the response went to the client, else how it failed. */
export interface AttemptSink {
  attemptDone(failure: AttemptFailure | undefined): void;
}

/** An attempt in progress, told when the client's connection closes. */
export interface Attempt {
  clientClosed(): void;
}

export class Upstream {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly revisionHeaders: readonly string[];
  /** The same, as header lines for the fast path ("\r\nName: value" each). */
  readonly revisionHead: string;
  inFlight = 0;
  requests = 0;
  /** The fast path's connections. */
  readonly sockets: SocketPool;
  private undici: Pool | undefined = undefined;

  constructor(endpoint: Endpoint, revisionHeaders: boolean) {
    this.name = endpoint.name;
    this.endpoint = endpoint;
    this.revisionHeaders = revisionHeaders
      ? ['X-Quickship-Endpoint', endpoint.name, 'X-Quickship-Revision', endpoint.podTemplateHash]
      : [];
    this.revisionHead = revisionHeaders
      ? `\r\nX-Quickship-Endpoint: ${endpoint.name}\r\nX-Quickship-Revision: ${endpoint.podTemplateHash}`
      : '';
    this.sockets = new SocketPool(endpoint.host, endpoint.port);
  }

  /** Fast path: relays one attempt of a plain request; tells `sink` once how it ended. */
  relay(client: RelayClient, sink: AttemptSink): Attempt {
    return new Relay(this, client, sink);
  }

  private get pool(): Pool {
    // Idle connections close before the server's Keep-Alive timeout hint (undici reads it), so
    // a request is never written onto a connection the server is closing.
    this.undici ??= new Pool(`http://${this.endpoint.host}:${this.endpoint.port}`, {
      pipelining: 1,
      keepAliveTimeout: DEFAULT_IDLE_MS,
      keepAliveMaxTimeout: MAX_IDLE_MS,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.undici;
  }

  /** Node path: relays one attempt; tells `sink` once: undefined when the response went to the client, else how it failed. */
  send(
    res: ServerResponse,
    method: string,
    path: string,
    headers: string[],
    body: Buffer | Readable | null,
    sink: AttemptSink,
  ): Attempt {
    const exchange = new Exchange(this, res, sink);
    try {
      this.pool.dispatch({ method, path, headers, body, idempotent: false }, exchange);
    } catch (error) {
      exchange.refuse((error as Error).message);
    }
    return exchange;
  }

  /** Closes idle connections now; requests in flight finish first. */
  close(): Promise<void> {
    this.sockets.close();
    return this.undici ? this.undici.close().catch(() => undefined) : Promise.resolve();
  }

  destroy(): Promise<void> {
    this.sockets.destroy();
    return this.undici ? this.undici.destroy().catch(() => undefined) : Promise.resolve();
  }
}

/** One request/response relay: an undici dispatch handler writing into the client's response. */
// Hot path (one per attempt): no arrow-function class fields, which the TypeScript loader
// (esbuild keepNames) would wrap in a per-instance __name(); the caller owns the 'close' listener.
class Exchange implements Attempt {
  private abort: ((error?: Error) => void) | undefined = undefined;
  private connected = false;
  private responseStarted = false;
  private settled = false;
  private resume: (() => void) | undefined = undefined;
  private onDrain: (() => void) | undefined = undefined;
  private readonly upstream: Upstream;
  private readonly res: ServerResponse;
  private readonly sink: AttemptSink;

  constructor(upstream: Upstream, res: ServerResponse, sink: AttemptSink) {
    this.upstream = upstream;
    this.res = res;
    this.sink = sink;
    upstream.inFlight++;
    upstream.requests++;
  }

  /** The client's connection closed (the caller listens for 'close' on `res`). */
  clientClosed(): void {
    if (this.settled) return;
    if (!this.res.writableFinished) this.abort?.(new Error('client closed the connection'));
    this.finish(undefined);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    this.connected = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx informational: the final response follows
    this.responseStarted = true;
    this.resume = resume;
    const { res } = this;
    res.sendDate = false;
    const headers = clientResponseHeaders(rawHeaders, this.upstream.revisionHeaders);
    // An early answer (the request's body is still coming): the connection closes after it, lingering.
    if (!res.req.complete) headers.push('connection', 'close');
    res.writeHead(statusCode, statusText, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const flowing = this.res.write(chunk);
    if (!flowing) {
      if (!this.onDrain) this.onDrain = () => this.resume?.();
      this.res.once('drain', this.onDrain);
    }
    return flowing;
  }

  onComplete(): void {
    this.res.end();
    this.finish(undefined);
  }

  onError(error: Error): void {
    const code = (error as NodeJS.ErrnoException).code;
    // undici reports a request it refuses to build through onError too: not an endpoint failure.
    if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') return this.refuse(error.message);
    if (this.responseStarted) this.res.destroy();
    this.finish({ code, duringConnect: !this.connected, responseStarted: this.responseStarted });
  }

  refuse(why: string): void {
    this.finish({ code: undefined, duringConnect: true, responseStarted: false, invalid: why });
  }

  private finish(failure: AttemptFailure | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.upstream.inFlight--;
    this.sink.attemptDone(failure);
  }
}
