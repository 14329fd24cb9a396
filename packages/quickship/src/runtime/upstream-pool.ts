// The router's fast path: one endpoint's keep-alive connections (plain node:net sockets).
// Each connection keeps one set of listeners for its whole life and hands its events to the
// relay using it (or, while idle, just leaves the pool when the endpoint closes it). Reads use
// Node's `onread` into one shared buffer (no stream machinery, no allocation per read): the
// relay sees a view that is only valid during the call and copies what it keeps.
// Like undici (which the Node path uses), an idle connection is not reused once the server's
// Keep-Alive timeout hint, less 2 s, has passed (4 s without a hint, 60 s at most), so a request
// is not written onto a connection the server is closing.
import { connect, type Socket } from 'node:net';

/** What a relay is told about the connection it uses. */
export interface ConnectionUser {
  /** Bytes read; `chunk` is reused after the call. Returns false to stop reading (until `socket.resume()`). */
  upstreamData(chunk: Buffer): boolean;
  /** The connection ended or failed; `error` when it failed. */
  upstreamEnded(error: NodeJS.ErrnoException | undefined): void;
}

/** How long an idle endpoint connection is kept without a Keep-Alive hint, and at most (both paths: upstream.ts). */
export const DEFAULT_IDLE_MS = 4_000;
export const MAX_IDLE_MS = 60_000;
const HINT_MARGIN_MS = 2_000;
const MAX_IDLE_CONNECTIONS = 256;
/** Every upstream read lands here (one event loop: one read at a time). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class UpstreamConnection {
  readonly socket: Socket;
  /** The socket has connected: anything written from now on may have reached the endpoint. */
  connected = false;
  user: ConnectionUser | undefined = undefined;
  idleUntil = 0;
  private ended = false;

  constructor(
    private readonly pool: SocketPool,
    host: string,
    port: number,
  ) {
    const socket = connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (bytes: number, buffer: Uint8Array) => this.read(bytes, buffer) },
    });
    this.socket = socket;
    socket.on('connect', () => (this.connected = true));
    socket.on('end', () => this.end(undefined));
    socket.on('error', (error: NodeJS.ErrnoException) => this.end(error));
    socket.on('close', () => this.end(undefined));
  }

  private read(bytes: number, buffer: Uint8Array): boolean {
    const user = this.user;
    if (user) return user.upstreamData((buffer as Buffer).subarray(0, bytes));
    this.destroy(); // bytes nobody asked for: the connection is out of step
    return false;
  }

  /** Writes a request (queued by Node until the socket connects, when it is new). */
  write(data: string | Buffer): void {
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
  }

  destroy(): void {
    this.user = undefined;
    this.socket.destroy();
    this.end(undefined);
  }

  private end(error: NodeJS.ErrnoException | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.socket.destroyed) this.socket.destroy();
    this.pool.removed(this);
    const user = this.user;
    this.user = undefined;
    user?.upstreamEnded(error);
  }
}

export class SocketPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly open = new Set<UpstreamConnection>();
  private closing = false;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** A kept-alive connection (most recently used first) or a new one, now used by `user`. */
  acquire(user: ConnectionUser): UpstreamConnection {
    const idle = this.idle;
    if (idle.length > 0) {
      const now = Date.now();
      while (idle.length > 0) {
        const connection = idle.pop() as UpstreamConnection;
        if (connection.idleUntil > now) {
          connection.user = user;
          return connection;
        }
        connection.destroy();
      }
    }
    const connection = new UpstreamConnection(this, this.host, this.port);
    connection.user = user;
    this.open.add(connection);
    return connection;
  }

  /** The response was read whole: keep the connection for the next request (`keepAliveMs`: the server's hint, 0 when none). */
  release(connection: UpstreamConnection, keepAliveMs: number): void {
    connection.user = undefined;
    const idleMs = keepAliveMs > 0 ? Math.min(keepAliveMs - HINT_MARGIN_MS, MAX_IDLE_MS) : DEFAULT_IDLE_MS;
    if (this.closing || idleMs <= 0 || this.idle.length >= MAX_IDLE_CONNECTIONS || connection.socket.destroyed) {
      connection.destroy();
      return;
    }
    connection.idleUntil = Date.now() + idleMs;
    this.idle.push(connection);
  }

  /** Called by a connection that ended. */
  removed(connection: UpstreamConnection): void {
    this.open.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
  }

  /** Closes idle connections now and each busy one when its response is done. */
  close(): void {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.destroy();
  }

  /** Closes every connection now, busy ones included. */
  destroy(): void {
    this.closing = true;
    for (const connection of [...this.open]) connection.destroy();
    this.idle.length = 0;
  }
}
