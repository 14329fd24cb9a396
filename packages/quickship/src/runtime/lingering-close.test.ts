// The lingering close's bounds, on a real Node http server over loopback: an early answer, then
// a client that keeps sending, goes quiet, or sends too much.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installLingeringClose } from './lingering-close.ts';

const LIMITS = { timeMs: 1_500, idleMs: 300, maxBytes: 256 * 1024 };
let server: Server;
let port = 0;
/** When the server closed each connection, by the client's port. */
const serverClosed = new Map<number, (at: number) => void>();

beforeAll(async () => {
  // Answers 413 at once, without reading the body (as Fastify does for a Content-Length over its limit).
  server = createServer((_req, res) => {
    res.writeHead(413, { connection: 'close', 'content-length': 2 });
    res.end('no');
  });
  installLingeringClose(server, LIMITS);
  server.on('connection', (socket: Socket) => {
    const clientPort = socket.remotePort as number;
    socket.on('close', () => serverClosed.get(clientPort)?.(Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** Sends a head announcing 10 MB and 16 KiB of it; resolves with the socket once the answer arrived. */
async function earlyAnswer(): Promise<{
  socket: Socket;
  closed: Promise<{ at: number; error?: string }>;
  serverClosedAt: Promise<number>;
}> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let error: string | undefined;
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
  const closed = new Promise<{ at: number; error?: string }>((resolve) =>
    socket.on('close', () => resolve({ at: Date.now(), error })),
  );
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const serverClosedAt = new Promise<number>((resolve) => serverClosed.set(socket.localPort as number, resolve));
  socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n`);
  socket.write(Buffer.alloc(16 * 1024));
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  return { socket, closed, serverClosedAt };
}

describe('lingering close', () => {
  it('accepts the rest of the body after the answer and closes cleanly when the client is done', async () => {
    const { socket, closed } = await earlyAnswer();
    for (let i = 0; i < 8; i++) socket.write(Buffer.alloc(16 * 1024));
    socket.end();
    const { error } = await closed;
    expect(error).toBeUndefined();
  });

  it('closes a client that goes quiet after the lingering timeout (idleMs)', async () => {
    const { socket, serverClosedAt } = await earlyAnswer();
    const start = Date.now();
    const at = await serverClosedAt;
    socket.destroy();
    expect(at - start).toBeGreaterThanOrEqual(LIMITS.idleMs - 20);
    expect(at - start).toBeLessThan(LIMITS.idleMs + 500);
  });

  it('closes a client that keeps trickling after the lingering time (timeMs)', async () => {
    const { socket, serverClosedAt } = await earlyAnswer();
    const start = Date.now();
    const trickle = setInterval(() => socket.writable && socket.write('x'), 100);
    const at = await serverClosedAt;
    clearInterval(trickle);
    socket.destroy();
    expect(at - start).toBeGreaterThanOrEqual(LIMITS.timeMs - 150);
    expect(at - start).toBeLessThan(LIMITS.timeMs + 700);
  });

  it('closes a client that sends more than maxBytes after its answer', async () => {
    const { socket, serverClosedAt } = await earlyAnswer();
    const start = Date.now();
    const piece = Buffer.alloc(64 * 1024);
    const pump = () => {
      while (socket.writable && socket.write(piece));
      if (socket.writable) socket.once('drain', pump);
    };
    pump();
    const at = await serverClosedAt;
    socket.destroy();
    // Cut by size: a client that never stops sending would otherwise be cut at timeMs.
    expect(at - start).toBeLessThan(LIMITS.timeMs - 300);
  });
});
