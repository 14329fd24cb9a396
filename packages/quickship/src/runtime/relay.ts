// The router's fast path: one attempt — the request written on a pooled endpoint connection,
// the response's head rewritten for the client and its body copied through untouched
// (backpressure included), then the connection put back for the next request.
// Failure facts for retry-policy.ts: `duringConnect` when the socket never connected (nothing
// was sent), `responseStarted` once the response's head went to the client.
import { BodyFraming, Framing, parseResponseHead, ResponseError, type ResponseHead } from './http1-response.ts';
import type { ConnectionUser, SocketPool, UpstreamConnection } from './upstream-pool.ts';
import type { Attempt, AttemptSink } from './upstream.ts';

/** The client side of the request being relayed (a fast-path client connection). */
export interface RelayClient {
  /** The request, as sent upstream (latin1 when a string). */
  readonly payload: string | Buffer;
  readonly headRequest: boolean;
  /** The client asked for Connection: close. */
  readonly closeAfter: boolean;
  /** Writes to the client; false when its buffer is full (`resumeUpstream` follows on drain). */
  write(data: string | Buffer): boolean;
  /** The response was sent whole; the connection takes the next request unless `keepAlive` is false. */
  responseDone(keepAlive: boolean): void;
  /** The relay in progress, told when the client drains. */
  relay: Relay | undefined;
}

/** The endpoint side: counters and the added response headers. */
export interface RelayUpstream {
  readonly sockets: SocketPool;
  /** Added response header lines ("\r\nName: value" each), or ''. */
  readonly revisionHead: string;
  inFlight: number;
  requests: number;
}

export class Relay implements Attempt, ConnectionUser {
  private connection: UpstreamConnection | undefined;
  private pending: Buffer | undefined = undefined;
  private head: ResponseHead | undefined = undefined;
  private framing: BodyFraming | undefined = undefined;
  private keepClient = false;
  private settled = false;
  private paused = false;

  constructor(
    private readonly upstream: RelayUpstream,
    private readonly client: RelayClient,
    private readonly sink: AttemptSink,
  ) {
    upstream.inFlight++;
    upstream.requests++;
    client.relay = this;
    const connection = upstream.sockets.acquire(this);
    this.connection = connection;
    connection.write(client.payload);
  }

  /** `chunk` is the pool's read buffer: valid during this call only, so whatever is kept or written is copied. */
  upstreamData(chunk: Buffer): boolean {
    if (this.settled) return true;
    try {
      if (this.framing) this.body(chunk, 0);
      else this.responseHead(chunk);
    } catch (error) {
      // A malformed response fails the attempt; so does anything unexpected: one exchange, never the router.
      this.fail(error instanceof ResponseError ? error.code : 'ROUTER_RELAY_ERROR', false);
    }
    return !this.paused;
  }

  upstreamEnded(error: NodeJS.ErrnoException | undefined): void {
    const connection = this.connection;
    this.connection = undefined;
    if (this.settled) return;
    // A body delimited by the connection's close ends here.
    if (!error && this.head?.framing === Framing.UntilClose) return this.complete(false);
    this.fail(error?.code ?? 'UPSTREAM_CLOSED', connection !== undefined && !connection.connected);
  }

  /** The client's connection closed: the endpoint's connection cannot be reused mid-exchange. */
  clientClosed(): void {
    if (this.settled) return;
    this.connection?.destroy();
    this.connection = undefined;
    this.settle();
    this.sink.attemptDone(undefined);
  }

  /** The client's buffer drained: read from the endpoint again. */
  clientDrained(): void {
    if (this.paused) {
      this.paused = false;
      this.connection?.socket.resume();
    }
  }

  private responseHead(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const head = parseResponseHead(buf, this.client.headRequest);
    if (!head) {
      this.pending = buf === chunk ? Buffer.from(chunk) : buf;
      return;
    }
    this.pending = undefined;
    if (head.status < 200) {
      // 1xx informational (e.g. 103 Early Hints): dropped, the final response follows.
      if (buf.length > head.headLength) this.responseHead(buf.subarray(head.headLength));
      return;
    }
    const framing = new BodyFraming(head.framing, head.contentLength);
    this.head = head;
    this.framing = framing;
    this.keepClient = !this.client.closeAfter && head.framing !== Framing.UntilClose;
    const text =
      head.clientHead + this.upstream.revisionHead + (this.keepClient ? '\r\n\r\n' : '\r\nConnection: close\r\n\r\n');
    const bodyStart = head.headLength;
    const bodyBytes = framing.feed(buf, bodyStart);
    // Head and the first body bytes in one write (one syscall).
    let flowing: boolean;
    if (bodyBytes === 0) {
      flowing = this.client.write(text);
    } else {
      const out = Buffer.allocUnsafe(text.length + bodyBytes);
      out.write(text, 0, 'latin1');
      buf.copy(out, text.length, bodyStart, bodyStart + bodyBytes);
      flowing = this.client.write(out);
    }
    this.after(flowing, buf.length - bodyStart - bodyBytes);
  }

  private body(chunk: Buffer, start: number): void {
    const framing = this.framing as BodyFraming;
    const bytes = framing.feed(chunk, start);
    const flowing = bytes === 0 ? true : this.client.write(Buffer.from(chunk.subarray(start, start + bytes)));
    this.after(flowing, chunk.length - start - bytes);
  }

  /** After a piece of the response went to the client; `extra`: bytes beyond the response. */
  private after(flowing: boolean, extra: number): void {
    if ((this.framing as BodyFraming).done) return this.complete(extra === 0 && (this.head as ResponseHead).reusable);
    // Reading stops when upstreamData returns false; clientDrained resumes it.
    if (!flowing && this.connection) this.paused = true;
  }

  private complete(reuse: boolean): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      if (this.paused) connection.socket.resume();
      if (reuse) this.upstream.sockets.release(connection, (this.head as ResponseHead).keepAliveMs);
      else connection.destroy();
    }
    this.settle();
    this.sink.attemptDone(undefined);
    this.client.responseDone(this.keepClient);
  }

  /** `duringConnect`: the socket never connected, so nothing of the request was sent. */
  private fail(code: string | undefined, duringConnect: boolean): void {
    this.connection?.destroy();
    this.connection = undefined;
    this.settle();
    this.sink.attemptDone({ code, duringConnect, responseStarted: this.head !== undefined });
  }

  private settle(): void {
    this.settled = true;
    this.upstream.inFlight--;
    if (this.client.relay === this) this.client.relay = undefined;
  }
}
