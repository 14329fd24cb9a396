// The router's Node path: a request Node's http server parsed (a connection the fast path handed
// over: chunked or Expect: 100-continue request bodies, bodies over the replay limit, HTTP/1.0,
// Connection-named headers, …). The body is buffered up to the replay limit (larger ones stream
// through and are never retried), headers are rewritten by http-headers.ts, attempts go through
// the endpoint's undici pool (Upstream.send).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { Forwarding, type ForwardedRequest, type ForwardingRouter } from './forwarding.ts';
import { upstreamRequestHeaders } from './http-headers.ts';
import type { Attempt, AttemptSink, Upstream } from './upstream.ts';

export interface NodePathRouter extends ForwardingRouter {
  readonly maxBufferedBodyBytes: number;
  requestStarted(): void;
  responseClosed(): void;
}

const EMPTY_BODY = Buffer.alloc(0);

/** Reads the body (for replay when small enough), then forwards the request. */
export function handleNodeRequest(router: NodePathRouter, req: IncomingMessage, res: ServerResponse): void {
  router.requestStarted();
  // The selector is read once, now; the request owns the response's one 'close' listener.
  const request = new NodeRequest(router, req, res, router.selector);
  const headers = req.headers;
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    request.start(null);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
    if (size > router.maxBufferedBodyBytes) {
      // Too large to keep for a replay: stream the rest, no retries.
      req.off('data', onData);
      req.off('end', onEnd);
      request.start(streamedBody(chunks, req));
    }
  };
  const onEnd = () => {
    const body =
      chunks.length === 1 ? (chunks[0] as Buffer) : chunks.length === 0 ? EMPTY_BODY : Buffer.concat(chunks, size);
    request.start(body);
  };
  req.on('data', onData);
  req.on('end', onEnd);
}

class NodeRequest implements ForwardedRequest {
  readonly method: string;
  readonly idempotencyKey: boolean;
  replayable = true;
  private body: Buffer | Readable | null = null;
  private headers: string[] = [];
  private forwarding: Forwarding | undefined = undefined;

  constructor(
    private readonly router: NodePathRouter,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly selector: string | undefined,
  ) {
    this.method = req.method ?? 'GET';
    this.idempotencyKey = req.headers['idempotency-key'] !== undefined;
    res.on('close', () => {
      router.responseClosed();
      this.forwarding?.clientClosed();
    });
  }

  /** The body is known (null: none; a Buffer: whole and replayable; a stream: not replayable). */
  start(body: Buffer | Readable | null): void {
    const { req } = this;
    const bodyLength =
      body === null ? undefined : body instanceof Buffer ? body.length : contentLength(req.headers['content-length']);
    this.body = body;
    this.replayable = !(body instanceof Readable);
    this.headers = upstreamRequestHeaders(req.rawHeaders, req.headers.connection, req.socket.remoteAddress, bodyLength);
    this.forwarding = new Forwarding(this.router, this, this.selector);
    this.forwarding.start();
  }

  gone(): boolean {
    return this.res.destroyed;
  }

  send(upstream: Upstream, sink: AttemptSink): Attempt {
    return upstream.send(this.res, this.method, this.req.url ?? '/', this.headers, this.body, sink);
  }

  fail(status: number, code: string, message: string): void {
    const { res } = this;
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify({ error: { type: 'api_error', code, message } });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'retry-after': '1',
    });
    res.end(body);
  }

  abandon(): void {
    this.res.destroy();
  }
}

/**
 * The body read so far, then the rest as it comes. Piped, not iterated: when the endpoint stops
 * reading (it answered early, e.g. 413), the client's request is left unread — not destroyed with
 * its connection — so the early answer still reaches the client, which then lingers
 * (lingering-close.ts).
 */
function streamedBody(head: readonly Buffer[], req: IncomingMessage): Readable {
  const body = new PassThrough();
  for (const chunk of head) body.write(chunk);
  req.pipe(body);
  return body;
}

function contentLength(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
