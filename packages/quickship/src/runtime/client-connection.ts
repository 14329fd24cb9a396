// The router's fast path, client side: one client connection read with node:net. Requests are
// taken one at a time (pipelined ones wait in the buffer, answered in order); each plain request
// (http1-request.ts) is forwarded on its own (Forwarding: the selector is read when its whole
// request has arrived). At the first request that is not plain — or not valid — the connection,
// bytes already read included, is handed to Node's http server (the router's other path, which
// answers malformed input with 400), between two requests, never in the middle of one.
import type { Socket } from 'node:net';
import { Forwarding, type ForwardedRequest, type ForwardingRouter } from './forwarding.ts';
import { INCOMPLETE, parseRequestHead, UNUSUAL, type RequestHead } from './http1-request.ts';
import type { Relay, RelayClient } from './relay.ts';
import type { Attempt, AttemptSink, Upstream } from './upstream.ts';

/** What a client connection needs of the router. */
export interface ClientConnectionHost extends ForwardingRouter {
  readonly maxBufferedBodyBytes: number;
  /** The router is shutting down: connections close once their request is answered. */
  readonly closing: boolean;
  requestStarted(): void;
  /** A request ended (answered, failed, or abandoned by the client). */
  responseClosed(): void;
  /** Gives the connection to Node's http server (the bytes not consumed were unshifted). */
  handOver(socket: Socket): void;
  forget(connection: ClientConnection): void;
}

/** Pause reading while this much waits behind the request in progress (pipelining). */
const MAX_WAITING_BYTES = 64 * 1024;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export class ClientConnection implements ForwardedRequest, RelayClient {
  // The request in progress (one at a time).
  method = '';
  idempotencyKey = false;
  readonly replayable = true;
  payload: string | Buffer = '';
  headRequest = false;
  closeAfter = false;
  relay: Relay | undefined = undefined;
  /** Last time a request ended (or the connection opened), for the idle sweep. */
  idleSince = Date.now();
  /** When the first byte of the request not yet whole arrived (0: none): the router's deadline runs from it. */
  pendingSince = 0;

  /** Bytes received and not yet taken (the front of the next request). */
  private buffered: Buffer | undefined = undefined;
  /** The pieces of a request whose head was parsed and whose body is still arriving. */
  private waiting: Buffer[] | undefined = undefined;
  private waitingBytes = 0;
  private head: RequestHead | undefined = undefined;
  private forwarding: Forwarding | undefined = undefined;
  private busy = false;
  private responded = false;
  private ended = false;
  private closed = false;
  private paused = false;
  private readonly forwardedFor: string | undefined;
  private readonly onData = (chunk: Buffer) => {
    try {
      this.data(chunk);
    } catch {
      this.socket.destroy(); // a bug here costs this connection, never the router
    }
  };
  private readonly onEnd = () => this.clientEnded();
  private readonly onClose = () => this.clientClosed();
  private readonly onDrain = () => this.relay?.clientDrained();

  constructor(
    private readonly host: ClientConnectionHost,
    readonly socket: Socket,
  ) {
    this.forwardedFor = socket.remoteAddress;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('drain', this.onDrain);
    socket.on('error', noop); // 'close' follows
  }

  /** No request in progress and nothing half-received. */
  get idle(): boolean {
    return !this.busy && this.buffered === undefined && this.waiting === undefined;
  }

  /** Closes the connection if idle (router shutdown, idle timeout). */
  closeIfIdle(): boolean {
    if (!this.idle) return false;
    this.socket.destroy();
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }

  // ForwardedRequest

  gone(): boolean {
    return this.closed || this.ended;
  }

  send(upstream: Upstream, sink: AttemptSink): Attempt {
    return upstream.relay(this, sink);
  }

  fail(status: number, code: string, message: string): void {
    if (this.closed || this.ended || this.responded) return;
    const body = JSON.stringify({ error: { type: 'api_error', code, message } });
    const keepAlive = !this.closeAfter;
    const connection = keepAlive ? '' : 'Connection: close\r\n';
    this.responded = true;
    this.socket.write(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 1\r\n${connection}\r\n${body}`,
    );
    this.responseDone(keepAlive);
  }

  abandon(): void {
    this.socket.destroy();
  }

  /** The request did not arrive whole in time (slowloris): 408, then the connection closes. */
  requestTimedOut(timeoutMs: number): void {
    this.pendingSince = 0;
    this.buffered = undefined;
    this.waiting = undefined;
    this.head = undefined;
    if (this.busy || this.closed) return void this.socket.destroy();
    const body = JSON.stringify({
      error: {
        type: 'invalid_request_error',
        code: 'request_timeout',
        message: `The request did not arrive whole within ${timeoutMs} ms; send it again at once.`,
      },
    });
    this.socket.removeListener('data', this.onData);
    this.socket.end(
      `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    this.socket.resume();
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  // RelayClient

  write(data: string | Buffer): boolean {
    this.responded = true;
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  responseDone(keepAlive: boolean): void {
    if (!this.busy) return;
    this.busy = false;
    this.forwarding = undefined;
    this.relay = undefined;
    this.idleSince = Date.now();
    this.host.responseClosed();
    if (!keepAlive || this.ended || this.host.closing) {
      this.buffered = undefined;
      this.waiting = undefined;
      this.socket.destroySoon();
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.buffered) {
      this.pendingSince = Date.now(); // a pipelined request: its deadline runs from now
      this.take();
    }
  }

  // Reading

  private data(chunk: Buffer): void {
    if (!this.busy && this.pendingSince === 0) this.pendingSince = Date.now();
    if (this.waiting) {
      // A body still arriving: keep its pieces, join them once when it is whole.
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.waitingBytes < (this.head as RequestHead).headLength + (this.head as RequestHead).bodyLength) return;
      chunk = Buffer.concat(this.waiting, this.waitingBytes);
      this.waiting = undefined;
    } else if (this.buffered) {
      chunk = Buffer.concat([this.buffered, chunk]);
    }
    this.buffered = chunk;
    if (!this.busy) this.take();
    else if (!this.paused && chunk.length > MAX_WAITING_BYTES) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Starts the request at the front of the buffer if it has arrived whole. */
  private take(): void {
    const buf = this.buffered as Buffer;
    let head = this.head;
    if (!head) {
      const parsed = parseRequestHead(buf, this.forwardedFor);
      if (parsed === INCOMPLETE) return;
      if (parsed === UNUSUAL || parsed.bodyLength > this.host.maxBufferedBodyBytes) return this.handOver();
      head = parsed;
    }
    const end = head.headLength + head.bodyLength;
    if (buf.length < end) {
      this.head = head; // wait for the rest of the body
      this.waiting = [buf];
      this.waitingBytes = buf.length;
      this.buffered = undefined;
      return;
    }
    this.head = undefined;
    this.buffered = end < buf.length ? buf.subarray(end) : undefined;
    if (head.bodyLength === 0) {
      this.payload = head.upstreamHead;
    } else {
      const payload = Buffer.allocUnsafe(head.upstreamHead.length + head.bodyLength);
      payload.write(head.upstreamHead, 0, 'latin1');
      buf.copy(payload, head.upstreamHead.length, head.headLength, end);
      this.payload = payload;
    }
    this.pendingSince = 0;
    this.method = head.method;
    this.headRequest = head.method === 'HEAD';
    this.idempotencyKey = head.idempotencyKey;
    this.closeAfter = head.close;
    this.busy = true;
    this.responded = false;
    this.host.requestStarted();
    // The selector is read now, once: the request follows the switch that came before it.
    const forwarding = new Forwarding(this.host, this, this.host.selector);
    this.forwarding = forwarding;
    forwarding.start();
  }

  private handOver(): void {
    const { socket } = this;
    socket.pause();
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('drain', this.onDrain);
    socket.off('error', noop);
    const buffered = this.buffered;
    this.buffered = undefined;
    this.head = undefined;
    if (buffered) socket.unshift(buffered); // (never `waiting`: a head with a body to wait for is a plain request)
    this.host.forget(this);
    this.host.handOver(socket);
  }

  /**
   * The client sent FIN. As Node's http server does by default (httpAllowHalfOpen false), that
   * ends the connection: a request in progress is abandoned, like on a close.
   */
  private clientEnded(): void {
    this.ended = true;
    this.abandonRequest();
    if (this.socket.writable) this.socket.end();
  }

  private clientClosed(): void {
    this.closed = true;
    this.host.forget(this);
    this.abandonRequest();
  }

  private abandonRequest(): void {
    if (!this.busy) return;
    this.busy = false;
    const forwarding = this.forwarding;
    this.forwarding = undefined;
    this.host.responseClosed();
    forwarding?.clientClosed();
  }
}

function noop(): void {}
