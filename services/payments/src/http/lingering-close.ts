// nginx's lingering close for Node's http server. When a response is sent before its request's
// body was read whole (413 for a body over the limit, 401 before reading the body), the server
// answers with `Connection: close` and Node closes the socket at once: the client, still
// writing, gets a TCP reset that can destroy the answer it has not read yet (EPIPE/ECONNRESET in
// Node's fetch instead of the 413). nginx (`lingering_close on`) instead half-closes, keeps
// reading and discarding what the client still sends, and closes when the client is done or a
// bound is reached. We do the same, on each connection whose last request was incomplete:
//   - lingering time:    at most LINGERING.timeMs in all (nginx `lingering_time`, default 30 s);
//   - lingering timeout: at most LINGERING.idleMs without a byte (nginx `lingering_timeout`, 5 s);
//   - size:              at most LINGERING.maxBytes discarded (nginx has no such bound; a client
//                        sending more than this after its answer is not going to read it).
// The router (packages/quickship/src/runtime/lingering-close.ts) has the same rule for its clients.
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';

export interface LingeringLimits {
  readonly timeMs: number;
  readonly idleMs: number;
  readonly maxBytes: number;
}

/** 10 s in all (below the 30 s request timeout), 5 s between reads (nginx's), 16 MiB discarded. */
export const LINGERING: LingeringLimits = { timeMs: 10_000, idleMs: 5_000, maxBytes: 16 * 1024 * 1024 };

const lastRequest = new WeakMap<Socket, IncomingMessage>();

/** Every connection of `server` whose last request is unfinished when Node closes it lingers instead. */
export function installLingeringClose(server: Server, limits: LingeringLimits = LINGERING): void {
  server.on('request', (req: IncomingMessage) => lastRequest.set(req.socket, req));
  server.on('connection', (socket: Socket) => {
    // Node's http server ends a `Connection: close` exchange with socket.destroySoon(); this
    // connection's own destroySoon lingers when the request's body is still coming.
    socket.destroySoon = function destroySoon(this: Socket) {
      const req = lastRequest.get(this);
      if (req && !req.complete) lingerThenClose(this, req, limits);
      else Socket.prototype.destroySoon.call(this);
    };
  });
}

/**
 * Half-closes `socket` (the answer is flushed first), then lets the rest of `req`'s body be read
 * and dropped until the client is done (its FIN) or a bound is hit. Node's HTTP parser owns the
 * socket's reads (and drops body bytes nobody reads), so progress is watched on `bytesRead`, a
 * few times per lingering timeout.
 */
export function lingerThenClose(socket: Socket, req: IncomingMessage, limits: LingeringLimits = LINGERING): void {
  if (socket.destroyed) return;
  const start = Date.now();
  const firstByte = socket.bytesRead;
  let seen = firstByte;
  let lastProgress = start;
  const close = () => {
    clearInterval(watch);
    socket.destroy();
  };
  const watch = setInterval(
    () => {
      const now = Date.now();
      const read = socket.bytesRead;
      if (read !== seen) {
        seen = read;
        lastProgress = now;
      }
      if (read - firstByte > limits.maxBytes || now - start >= limits.timeMs || now - lastProgress >= limits.idleMs)
        close();
    },
    Math.max(10, Math.min(100, limits.idleMs / 4)),
  ).unref();
  socket.once('end', close); // the client is done sending: nothing unread is left, the close is clean
  socket.once('close', close);
  socket.setTimeout(0);
  socket.end();
  req.resume(); // a request whose reader stopped (the router's upstream answered early) is drained too
  socket.resume();
}
