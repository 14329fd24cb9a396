// An early answer (413 for a body over the limit, 401 for a bad key) reaches the client every
// time, with the body still being written: the payments service and the router both close
// lingeringly (nginx's lingering_close), and the router relays the service's early answer
// instead of turning it into a 502. Real service process, real PostgreSQL, real router, real
// clients (Node's fetch and curl) on loopback.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MERCHANTS,
  createTestDatabase,
  dropTestDatabase,
  spawnServer,
  type ServerProcess,
} from '@quickship/payments/test-support';
import { EndpointTable } from '../../src/runtime/endpoints.ts';
import { ServiceRouter } from '../../src/runtime/router.ts';

const TRIES = 20;
/** 2 MB of valid JSON: over the service's 1 MiB body limit. */
const BIG = JSON.stringify({ amount: 100, currency: 'usd', metadata: { pad: 'x'.repeat(2 * 1024 * 1024) } });

let databaseUrl = '';
let server: ServerProcess;
let router: ServiceRouter;
let routerUrl = '';

beforeAll(async () => {
  databaseUrl = await createTestDatabase('edge_early');
  server = await spawnServer({ databaseUrl });
  const table = new EndpointTable();
  table.set({
    name: 'payments-0',
    host: '127.0.0.1',
    port: server.port,
    podTemplateHash: 'h',
    ready: true,
    terminating: false,
  });
  router = new ServiceRouter({ name: 'payments-active', endpoints: table, port: 0, selector: 'h' });
  routerUrl = `http://127.0.0.1:${(await router.listen()).port}`;
});

afterAll(async () => {
  await router?.close(500);
  await server?.kill();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

async function viaFetch(url: string, key: string): Promise<string> {
  try {
    const response = await fetch(`${url}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: BIG,
    });
    const body = (await response.json()) as { error?: { code?: string } };
    return `${response.status} ${body.error?.code ?? ''}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `network error ${cause?.code ?? (error as Error).message}`;
  }
}

function viaCurl(url: string, key: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      '-H',
      `Authorization: Bearer ${key}`,
      '-H',
      'Content-Type: application/json',
      '-H',
      'Expect:', // no 100-continue: the body is on its way when the answer comes
      '--data-binary',
      '@-',
      `${url}/v1/payments`,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.on('error', () => undefined); // curl stops reading stdin once it has the answer
    child.stdin.end(BIG);
    child.on('exit', (code) => resolve(code === 0 ? out.trim() : `curl exit ${code}: ${out.trim()}`));
  });
}

const tally = (answers: string[]): Record<string, number> =>
  answers.reduce<Record<string, number>>((all, a) => ({ ...all, [a]: (all[a] ?? 0) + 1 }), {});

describe.each([
  ['directly', () => server.url],
  ['through the router', () => routerUrl],
])('a 2 MB body sent %s', (_where, target) => {
  it(`gets its 413 request_too_large ${TRIES}/${TRIES} times with Node's fetch`, async () => {
    const answers: string[] = [];
    for (let i = 0; i < TRIES; i++) answers.push(await viaFetch(target(), MERCHANTS.acme.key));
    console.log(`fetch ${_where}:`, tally(answers));
    expect(tally(answers)).toEqual({ '413 request_too_large': TRIES });
  });

  it(`gets its 413 ${TRIES}/${TRIES} times with curl`, async () => {
    const answers: string[] = [];
    for (let i = 0; i < TRIES; i++) answers.push(await viaCurl(target(), MERCHANTS.acme.key));
    console.log(`curl ${_where}:`, tally(answers));
    expect(tally(answers)).toEqual({ '413': TRIES });
  });

  it(`gets its 401 ${TRIES}/${TRIES} times with a wrong key, the body still coming`, async () => {
    const answers: string[] = [];
    for (let i = 0; i < TRIES; i++) answers.push(await viaFetch(target(), 'sk_test_wrong_key_0000000000000000'));
    console.log(`fetch 401 ${_where}:`, tally(answers));
    expect(tally(answers)).toEqual({ [`401 ${answers[0]?.split(' ')[1] ?? ''}`]: TRIES });
    expect(answers[0]).toMatch(/^401 /);
  });
});

/**
 * A raw client that sends the head and 1.25 MiB, waits for the answer, then keeps sending the rest
 * of a 2 MB body: with a lingering close every byte is accepted, the server's FIN comes after the
 * answer and nothing is reset. (Without it, the writes after the answer fail with EPIPE/ECONNRESET.)
 */
function earlyAnswerThenMore(port: number): Promise<{ answer: string; reset: string | undefined; sent: number }> {
  return new Promise((resolve) => {
    // Half-open allowed: the server's FIN after its answer must not stop this client sending.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const length = 2 * 1024 * 1024;
    let answer = '';
    let reset: string | undefined;
    let sent = 0;
    let more = false;
    const piece = Buffer.alloc(64 * 1024, 'x');
    const sendRest = () => {
      more = true;
      const next = () => {
        if (sent >= length || socket.destroyed) return socket.end();
        sent += piece.length;
        if (socket.write(piece)) setTimeout(next, 2);
        else socket.once('drain', next);
      };
      next();
    };
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (!more && answer.includes('\r\n\r\n')) setTimeout(sendRest, 50);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (reset = error.code));
    socket.on('close', () => resolve({ answer, reset, sent }));
    socket.setTimeout(15_000, () => socket.destroy(new Error('no close within 15 s')));
    socket.write(
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MERCHANTS.acme.key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    );
    // More than the router's 1 MiB replay buffer: it forwards before the body is whole.
    for (let i = 0; i < 20; i++) socket.write(piece);
    sent = 20 * piece.length;
  });
}

describe.each([
  ['the service', () => server.port],
  ['the router', () => Number(new URL(routerUrl).port)],
])('%s, after an early 413', (_who, port) => {
  it('reads and discards the rest of the body, then closes without a reset', async () => {
    const { answer, reset, sent } = await earlyAnswerThenMore(port());
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(reset).toBeUndefined();
    expect(sent).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  });
});
