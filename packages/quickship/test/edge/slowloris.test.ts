// A bounded slowloris against the router (loopback only, stops by itself): thousands of
// connections send a partial request head and trickle a header line every second. Each must be
// answered 408 and closed at the request-head deadline; meanwhile normal requests on another
// connection keep succeeding with a p95 within 2x of an unloaded run measured in this same test.
// The normal requests are paced, one every PACE_MS at most (timers make it ~10 ms here), over
// seconds: the loaded run until just before the deadline (~8 s, across every trickle burst, ~840
// requests), the unloaded ones 400 each. Back to back, 300 requests took half a second: the p99
// was the third-worst request of one instant, and the ratio swung from 0.7 to 3.0 between
// consecutive runs on an idle shared machine.
// Even paced, the p99 (the 8th-worst of ~840) sits on the trickle bursts themselves: each second
// the router reads 3,000 header lines, a few milliseconds in which one request may wait; that
// ratio still went from 0.6 to 2.5. So the test holds the p95 within 2x of the unloaded p95: a
// router that let the partial connections hold it up 50 ms or more in each second (5 of its ~100
// requests a second) would fail it. The p99 and the max are printed; the max also holds this
// process's own writes to the 3,000 sockets (client and router share the event loop here).
import { execFileSync } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EndpointTable } from '../../src/runtime/endpoints.ts';
import { REQUEST_HEAD_TIMEOUT_MS, ServiceRouter } from '../../src/runtime/router.ts';

/** The router's default deadline (10 s), unchanged. */
const DEADLINE_MS = REQUEST_HEAD_TIMEOUT_MS;
/** Each partial connection holds two descriptors here (client and router side): stay well under `ulimit -n`. */
const FD_LIMIT = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 1024;
const PARTIAL = Math.max(200, Math.min(3_000, Math.floor((FD_LIMIT - 1_000) / 2.5)));
const SAMPLES = 400;
const PACE_MS = 5;

let upstream: Server;
let router: ServiceRouter;
let port = 0;

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const table = new EndpointTable();
  const upstreamPort = (upstream.address() as { port: number }).port;
  table.set({
    name: 'e0',
    host: '127.0.0.1',
    port: upstreamPort,
    podTemplateHash: 'h',
    ready: true,
    terminating: false,
  });
  router = new ServiceRouter({ name: 'edge', endpoints: table, port: 0, selector: 'h' });
  port = (await router.listen()).port;
});

afterAll(async () => {
  await router?.close(200);
  upstream?.closeAllConnections();
  upstream?.close();
});

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Normal requests, one every PACE_MS (at most `count`, until `until`): statuses and the p99 latency. */
async function normalRun(
  count: number,
  until = Infinity,
): Promise<{ statuses: Set<number>; p95: number; p99: number; max: number; n: number }> {
  const times: number[] = [];
  const statuses = new Set<number>();
  const started = Date.now();
  while (times.length < count && Date.now() < until) {
    const wait = started + times.length * PACE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { status, ms } = await get();
    statuses.add(status);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? NaN;
  return { statuses, p95: at(0.95), p99: at(0.99), max: times.at(-1) ?? NaN, n: times.length };
}

interface Partial {
  readonly socket: Socket;
  readonly openedAt: number;
  text: string;
  closedAt: number;
}

function openPartial(): Promise<Partial> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const partial: Partial = { socket, openedAt: 0, text: '', closedAt: 0 };
    socket.on('data', (chunk: Buffer) => (partial.text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => (partial.closedAt = Date.now()));
    socket.once('connect', () => {
      (partial as { openedAt: number }).openedAt = Date.now();
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slowloris-0: 1\r\n');
      resolve(partial);
    });
  });
}

it(`closes ${PARTIAL} slowloris connections at the deadline while normal requests keep their latency`, async () => {
  await normalRun(50); // warm-up
  const before = await normalRun(SAMPLES);

  const partials: Partial[] = [];
  for (let i = 0; i < PARTIAL; i += 200)
    partials.push(...(await Promise.all(Array.from({ length: Math.min(200, PARTIAL - i) }, openPartial))));
  let line = 1;
  const trickle = setInterval(() => {
    for (const p of partials)
      if (!p.socket.destroyed && p.socket.writable) p.socket.write(`X-Slowloris-${line}: 1\r\n`);
    line++;
  }, 1_000);
  const firstOpened = Math.min(...partials.map((p) => p.openedAt));
  const loaded = await normalRun(Infinity, firstOpened + DEADLINE_MS - 500);
  const stillOpenBeforeDeadline = partials.filter((p) => p.closedAt === 0).length;

  const giveUp = Date.now() + DEADLINE_MS + 5_000;
  while (partials.some((p) => p.closedAt === 0) && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 100));
  clearInterval(trickle);
  for (const p of partials) p.socket.destroy();
  const after = await normalRun(SAMPLES);

  const closing = partials.map((p) => (p.closedAt || Infinity) - p.openedAt).sort((a, b) => a - b);
  const at = (q: number) => closing[Math.min(closing.length - 1, Math.floor(closing.length * q))] as number;
  const baseline = Math.max(before.p99, after.p99);
  const baseline95 = Math.max(before.p95, after.p95);
  console.log(
    `slowloris: ${PARTIAL} partial connections (ulimit -n ${FD_LIMIT}), deadline ${DEADLINE_MS} ms; ` +
      `closed after min ${at(0)} / median ${at(0.5)} / max ${at(1)} ms; ` +
      `normal p99: unloaded ${before.p99.toFixed(2)} ms before, ${after.p99.toFixed(2)} ms after, ` +
      `under slowloris ${loaded.p99.toFixed(2)} ms over ${loaded.n} requests (ratio ${(loaded.p99 / baseline).toFixed(2)}); ` +
      `p95 ${loaded.p95.toFixed(2)} ms (ratio ${(loaded.p95 / baseline95).toFixed(2)}), max ${loaded.max.toFixed(1)} ms; ` +
      `408s: ${partials.filter((p) => p.text.startsWith('HTTP/1.1 408 ')).length}; stats ${JSON.stringify(router.stats())}`,
  );

  expect(stillOpenBeforeDeadline).toBe(PARTIAL); // none was cut early
  expect([...loaded.statuses]).toEqual([200]);
  expect(loaded.n).toBeGreaterThanOrEqual(100);
  expect(partials.filter((p) => p.text.startsWith('HTTP/1.1 408 ')).length).toBe(PARTIAL);
  expect(at(0)).toBeGreaterThanOrEqual(DEADLINE_MS);
  expect(at(1)).toBeLessThan(DEADLINE_MS + 2_000); // one 500 ms sweep, plus writing 408 to all of them
  expect(loaded.p95).toBeLessThanOrEqual(2 * baseline95);
}, 90_000);
