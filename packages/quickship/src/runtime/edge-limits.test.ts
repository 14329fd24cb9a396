// The router's edge limits over real loopback HTTP: the request-head deadline (408, both paths),
// the per-Service-port connection cap (503 too_many_connections), and bare-LF heads answered 400
// at once rather than waited on.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointTable } from './endpoints.ts';
import { ServiceRouter } from './router.ts';

let upstream: Server;
let upstreamPort = 0;
const routers: ServiceRouter[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
});

afterAll(async () => {
  await Promise.all(routers.map((router) => router.close(200)));
  upstream.closeAllConnections();
  upstream.close();
});

async function route(options: { requestHeadTimeoutMs?: number; maxConnections?: number } = {}): Promise<number> {
  const table = new EndpointTable();
  table.set({
    name: 'e0',
    host: '127.0.0.1',
    port: upstreamPort,
    podTemplateHash: 'h',
    ready: true,
    terminating: false,
  });
  const router = new ServiceRouter({ name: 'edge', endpoints: table, port: 0, selector: 'h', ...options });
  routers.push(router);
  return (await router.listen()).port;
}

/** Opens a connection, writes `bytes`, resolves with what came back and when the connection closed. */
function exchange(port: number, bytes: string): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - start }));
    socket.setTimeout(8_000, () => socket.destroy());
    socket.write(bytes);
  });
}

describe('request-head deadline', () => {
  it('answers a head that never ends 408 and closes, at the deadline (fast path)', async () => {
    const port = await route({ requestHeadTimeoutMs: 600 });
    const { text, closedAfterMs } = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
    expect(closedAfterMs).toBeGreaterThanOrEqual(600);
    expect(closedAfterMs).toBeLessThan(600 + 500 + 400); // one sweep (500 ms) and some slack
  });

  it('also bounds a body that stops coming (fast path buffers it)', async () => {
    const port = await route({ requestHeadTimeoutMs: 600 });
    const { text } = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('gives an unusual head (Node path) the same deadline', async () => {
    const port = await route({ requestHeadTimeoutMs: 600 });
    // An HTTP/1.0 keep-alive request hands the connection to Node's http server; the next head stalls there.
    const { text, closedAfterMs } = await exchange(
      port,
      'GET / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('HTTP/1.1 408 ');
    expect(closedAfterMs).toBeGreaterThanOrEqual(600);
    expect(closedAfterMs).toBeLessThan(600 + 500 + 400);
  });

  it('leaves a request that arrives in time alone', async () => {
    const port = await route({ requestHeadTimeoutMs: 600 });
    const { text } = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('connection cap', () => {
  it('answers connections over maxConnections 503 too_many_connections and serves again once they close', async () => {
    const port = await route({ maxConnections: 5 });
    const held: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      held.push(socket);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const over = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(over.text).toMatch(/^HTTP\/1\.1 503 /);
    expect(over.text).toContain('"code":"too_many_connections"');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(after.text).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('heads the service would reject', () => {
  it.each([
    ['bare LF line endings', 'GET /healthz HTTP/1.1\nHost: x\n\n'],
    ['a bare LF after the request line', 'GET / HTTP/1.1\nHost: x\r\n\r\n'],
    ['a NUL in a partial head', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b'],
    ['a CR alone inside a partial head', 'GET / HTTP/1.1\r\nX: a\rb'],
  ])('answers %s 400 at once', async (_what, bytes) => {
    const port = await route();
    const { text, closedAfterMs } = await exchange(port, bytes);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(closedAfterMs).toBeLessThan(1_000);
  });
});
