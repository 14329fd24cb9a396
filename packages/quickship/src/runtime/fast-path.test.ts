// The router's fast path (node:net client side, pooled upstream sockets) over real loopback
// HTTP, with raw sockets where the framing itself is under test.
import { createHash } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointTable } from './endpoints.ts';
import { ServiceRouter } from './router.ts';
import { waitFor } from './test-fixtures/fixture-image.ts';

let upstream: Server;
let upstreamPort = 0;
let aborted = 0;
let slowStarted = 0;
const BIG = Buffer.alloc(8 * 1024 * 1024, 'abcdefgh');
const routers: ServiceRouter[] = [];
const servers: (Server | NetServer)[] = [];

function listen(server: Server | NetServer): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://u');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      switch (url.pathname) {
        case '/chunked':
          res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
          res.write('first,');
          setTimeout(() => {
            res.write('second');
            res.addTrailers({ 'x-sum': '2' });
            res.end();
          }, 10);
          return;
        case '/204':
          res.writeHead(204, { 'x-path': url.pathname });
          return res.end();
        case '/304':
          res.writeHead(304, { etag: '"a"', 'x-path': url.pathname });
          return res.end();
        case '/big':
          res.writeHead(200, { 'content-length': BIG.length });
          return res.end(BIG);
        case '/close':
          res.shouldKeepAlive = false;
          break;
        case '/slow':
          slowStarted++;
          res.on('close', () => {
            if (!res.writableFinished) aborted++;
          });
          return void setTimeout(() => res.end('late'), Number(url.searchParams.get('ms') ?? 100));
      }
      const text = JSON.stringify({
        method: req.method,
        path: url.pathname,
        length: body.length,
        sha: createHash('sha256').update(body).digest('hex'),
        headers: req.headers,
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-path': url.pathname,
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    });
  });
  upstream.keepAliveTimeout = 150; // endpoints close idle keep-alive connections quickly
  upstreamPort = await listen(upstream);
});

afterAll(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close(500)));
  for (const server of servers) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close();
  }
});

async function route(ports: number[] = [upstreamPort]): Promise<{ router: ServiceRouter; port: number }> {
  const table = new EndpointTable();
  ports.forEach((port, i) =>
    table.set({ name: `e${i}`, host: '127.0.0.1', port, podTemplateHash: 'h', ready: true, terminating: false }),
  );
  const router = new ServiceRouter({ name: 'fast', endpoints: table, port: 0, selector: 'h', emptyWaitMs: 200 });
  routers.push(router);
  return { router, port: (await router.listen()).port };
}

/** A raw client connection: writes pieces (with pauses), collects what comes back. */
function raw(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return {
    socket,
    text: () => received.toString('latin1'),
    closed: () => closed,
    async send(...pieces: (string | Buffer)[]) {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    },
    until: (check: (text: string) => boolean, what: string) =>
      waitFor(() => check(received.toString('latin1')) || closed, 5000, what),
  };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  localPort: number;
}

function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const localPort = res.socket.localPort ?? 0;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), localPort }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('router fast path', () => {
  it('takes heads and bodies split across TCP segments, and pipelined requests in order', async () => {
    const { router, port } = await route();
    const client = raw(port);
    await client.send('GET /a HTTP/1.1\r\nHo', 'st: x\r\n', '\r\n');
    await client.until((t) => count(t, 'HTTP/1.1 200') === 1 && t.endsWith('}'), 'first answer');
    await client.send('POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234', '56789');
    await client.until((t) => count(t, 'HTTP/1.1 200') === 2 && t.endsWith('}'), 'second answer');
    expect(client.text()).toContain('"path":"/b","length":10');
    await client.send(
      'GET /c HTTP/1.1\r\nHost: x\r\n\r\nPOST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /e HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    await client.until((t) => count(t, 'HTTP/1.1 200') === 5 && t.endsWith('}'), 'pipelined answers');
    const paths = [...client.text().matchAll(/x-path: (\/\w)/g)].map((m) => m[1]);
    expect(paths).toEqual(['/a', '/b', '/c', '/d', '/e']);
    expect(client.closed()).toBe(false);
    expect(client.text()).toContain('X-Quickship-Endpoint: e0\r\nX-Quickship-Revision: h\r\n');
    client.socket.destroy();
    expect(router.stats()).toMatchObject({ requests: 5, upstreamErrors: 0 });
  });

  it('relays chunked responses (trailers included), HEAD, 204 and 304 without bodies on one kept-alive connection', async () => {
    const { port } = await route();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    for (const [method, path] of [
      ['GET', '/chunked'],
      ['HEAD', '/h'],
      ['GET', '/204'],
      ['GET', '/304'],
      ['GET', '/chunked'],
      ['GET', '/after'],
    ] as const) {
      answers.push(await call(port, path, { method, agent }));
    }
    agent.destroy();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 204, 304, 200, 200]);
    expect(answers[0]?.body.toString()).toBe('first,second');
    expect(answers[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(answers[1]?.body.length).toBe(0);
    expect(answers[1]?.headers['content-length']).toBeDefined();
    expect(answers[3]?.headers.etag).toBe('"a"');
    expect(JSON.parse(answers[5]?.body.toString() ?? '')).toMatchObject({ path: '/after' });
    expect(new Set(answers.map((a) => a.localPort)).size).toBe(1);
  });

  it('does not reuse upstream connections the endpoint closed (idle timeout, Connection: close)', async () => {
    const { router, port } = await route();
    for (let i = 0; i < 4; i++) {
      expect((await call(port, '/x', { method: 'POST', body: `p${i}` })).status).toBe(200);
      expect((await call(port, '/close', { method: 'POST', body: `c${i}` })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 250)); // beyond the endpoint's keepAliveTimeout
    }
    expect(router.stats()).toMatchObject({ retries: 0, upstreamErrors: 0 });
  });

  it('survives clients that disconnect mid-request: during the body and while the endpoint works', async () => {
    const { router, port } = await route();
    const partial = raw(port);
    await partial.send('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    partial.socket.destroy();
    const waiting = raw(port);
    await waiting.send('GET /slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => slowStarted >= 1, 2000, 'the endpoint to be working on /slow');
    waiting.socket.destroy();
    await waitFor(() => aborted >= 1 && router.stats().inFlight === 0, 2000, 'the abandoned exchange to be cut');
    expect((await call(port, '/after')).status).toBe(200);
    expect(router.stats().inFlight).toBe(0);
  });

  it('carries large bodies both ways, with backpressure from a slow client', async () => {
    const { port } = await route();
    const body = Buffer.alloc(900 * 1024, 'q');
    const posted = await call(port, '/upload', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(JSON.parse(posted.body.toString())).toMatchObject({
      length: body.length,
      sha: createHash('sha256').update(body).digest('hex'),
    });

    const slow = raw(port);
    slow.socket.pause();
    await slow.send('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    slow.socket.resume();
    await slow.until((t) => t.length >= BIG.length, 'the whole big body');
    const text = slow.text();
    const bodyStart = text.indexOf('\r\n\r\n') + 4;
    expect(text.length - bodyStart).toBe(BIG.length);
    expect(Buffer.from(text.slice(bodyStart), 'latin1').equals(BIG)).toBe(true);
    slow.socket.destroy();
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    const { port } = await route();
    for (const bad of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    ]) {
      const client = raw(port);
      await client.send('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
      await client.until((t) => t.endsWith('}'), 'the good request');
      await client.send(bad);
      await client.until((t) => t.includes('HTTP/1.1 400'), `400 for ${JSON.stringify(bad)}`);
      expect(client.text().startsWith('HTTP/1.1 200')).toBe(true);
      expect(client.text()).toContain('HTTP/1.1 400');
      client.socket.destroy();
    }
    expect((await call(port, '/still-up')).status).toBe(200);
  });

  it('hands unusual requests to the Node path on the same connection: Expect, chunked bodies, HTTP/1.0', async () => {
    const { port } = await route();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await call(port, '/plain', { agent });
    const chunked = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/chunked-body', method: 'POST', agent, headers: { expect: '100-continue' } },
        (res) => {
          const chunks: Buffer[] = [];
          const localPort = res.socket.localPort ?? 0;
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), localPort }),
          );
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        req.write('abc');
        req.end('def');
      });
    });
    const after = await call(port, '/after', { agent });
    agent.destroy();
    expect(JSON.parse(chunked.body.toString())).toMatchObject({ method: 'POST', path: '/chunked-body', length: 6 });
    expect([first.status, after.status]).toEqual([200, 200]);
    expect(new Set([first.localPort, chunked.localPort, after.localPort]).size).toBe(1);

    const old = raw(port);
    await old.send('GET /old HTTP/1.0\r\n\r\n');
    await old.until((t) => t.endsWith('}'), 'HTTP/1.0 answer');
    expect(old.text()).toMatch(/^HTTP\/1\.1 200/);
    expect(old.text()).toContain('"path":"/old"');
    old.socket.destroy();
  });

  it('follows a selector switch on the very next request of a kept-alive client connection', async () => {
    const other = createServer((_req, res) => res.end('other'));
    const otherPort = await listen(other);
    const table = new EndpointTable();
    table.set({
      name: 'blue-1',
      host: '127.0.0.1',
      port: upstreamPort,
      podTemplateHash: 'blue',
      ready: true,
      terminating: false,
    });
    table.set({
      name: 'green-1',
      host: '127.0.0.1',
      port: otherPort,
      podTemplateHash: 'green',
      ready: true,
      terminating: false,
    });
    const router = new ServiceRouter({ name: 'switch', endpoints: table, port: 0, selector: 'blue' });
    routers.push(router);
    const { port } = await router.listen();
    const client = raw(port);
    await client.send('GET /one HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.until((t) => t.endsWith('}'), 'the answer from blue');
    router.setSelector('green');
    await client.send('GET /two HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.until((t) => t.endsWith('other'), 'the answer from green');
    expect([...client.text().matchAll(/X-Quickship-Revision: (\w+)/g)].map((m) => m[1])).toEqual(['blue', 'green']);
    expect(client.closed()).toBe(false);
    client.socket.destroy();
  });

  it('closes the connection after a request that asks for it', async () => {
    const { port } = await route();
    const client = raw(port);
    await client.send('GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await waitFor(() => client.closed(), 2000, 'the router to close the connection');
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n\r\n\{/);
  });

  it('treats a malformed upstream response as a failed attempt: a GET is retried, a POST without key is not', async () => {
    const broken = createNetServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 2xx nonsense\r\n\r\n')));
    const brokenPort = await listen(broken);
    const { router, port } = await route([brokenPort, upstreamPort]);
    const gets = await Promise.all([call(port, '/g1'), call(port, '/g2')]);
    expect(gets.map((a) => a.status)).toEqual([200, 200]);
    const posts = await Promise.all([
      call(port, '/p1', { method: 'POST', body: 'a' }),
      call(port, '/p2', { method: 'POST', body: 'b' }),
    ]);
    expect(posts.map((a) => a.status).sort()).toEqual([200, 502]);
    expect(router.stats()).toMatchObject({ retries: 1, upstreamErrors: 1 });
  });
});
