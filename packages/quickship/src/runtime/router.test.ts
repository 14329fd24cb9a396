import { freePort } from '@quickship/pglocal';
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointTable, type Endpoint } from './endpoints.ts';
import { ServiceRouter, type ServiceRouterOptions } from './router.ts';
import { startFixture, waitFor, type FixtureProcess } from './test-fixtures/fixture-image.ts';

let blue1: FixtureProcess;
let blue2: FixtureProcess;
let green: FixtureProcess;
let dropper: FixtureProcess;
const routers: ServiceRouter[] = [];

beforeAll(async () => {
  [blue1, blue2, green, dropper] = await Promise.all([
    startFixture('svc-blue-1', { APP_VERSION: 'blue' }),
    startFixture('svc-blue-2', { APP_VERSION: 'blue' }),
    startFixture('svc-green-1', { APP_VERSION: 'green' }),
    startFixture('svc-dropper-1', { FIXTURE_DROP_ALL: '1' }),
  ]);
});

afterAll(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close(1000)));
  await Promise.all([blue1, blue2, green, dropper].map((fixture) => fixture?.stop()));
});

function endpoint(fixture: { name: string; port: number }, hash: string, conditions: Partial<Endpoint> = {}): Endpoint {
  return {
    name: fixture.name,
    host: '127.0.0.1',
    port: fixture.port,
    podTemplateHash: hash,
    ready: true,
    terminating: false,
    ...conditions,
  };
}

async function serve(
  table: EndpointTable,
  options: Partial<ServiceRouterOptions> = {},
): Promise<{ router: ServiceRouter; url: string }> {
  const router = new ServiceRouter({ name: 'payments-active', endpoints: table, port: 0, ...options });
  routers.push(router);
  const { port } = await router.listen();
  return { router, url: `http://127.0.0.1:${port}` };
}

interface Answer {
  readonly status: number;
  readonly endpoint: string | null;
  readonly revision: string | null;
  readonly body: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  return {
    status: res.status,
    endpoint: res.headers.get('x-quickship-endpoint'),
    revision: res.headers.get('x-quickship-revision'),
    body: await res.text(),
  };
}

describe('ServiceRouter', () => {
  it('balances each request, not each connection, over one kept-alive client connection', async () => {
    const table = new EndpointTable();
    table.set(endpoint(blue1, 'blue'));
    table.set(endpoint(blue2, 'blue'));
    table.set(endpoint(green, 'green'));
    const { router, url } = await serve(table, { selector: 'blue' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen: { endpoint: string; name: string; socketPort: number }[] = [];
    for (let i = 0; i < 10; i++) {
      seen.push(
        await new Promise((resolve, reject) => {
          httpRequest(`${url}/whoami`, { agent }, (res) => {
            let body = '';
            const socketPort = res.socket.localPort ?? 0;
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({
                endpoint: String(res.headers['x-quickship-endpoint']),
                name: (JSON.parse(body) as { name: string }).name,
                socketPort,
              }),
            );
          })
            .on('error', reject)
            .end();
        }),
      );
    }
    agent.destroy();
    expect(new Set(seen.map((s) => s.socketPort)).size).toBe(1);
    expect(seen.every((s) => s.endpoint === s.name)).toBe(true);
    expect(seen.filter((s) => s.name === blue1.name)).toHaveLength(5);
    expect(seen.filter((s) => s.name === blue2.name)).toHaveLength(5);
    expect(router.stats().requests).toBe(10);
  });

  it('switches the selector atomically under concurrent load with zero failed requests', async () => {
    const table = new EndpointTable();
    table.set(endpoint(blue1, 'blue'));
    table.set(endpoint(blue2, 'blue'));
    table.set(endpoint(green, 'green'));
    const { router, url } = await serve(table, { selector: 'blue' });
    let switchedAt = Infinity;
    let stop = false;
    const results: { startedAt: number; doneAt: number; answer: Answer }[] = [];
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const startedAt = Date.now();
        const answer =
          (n + i) % 2 === 0
            ? await call(`${url}/whoami`)
            : await call(`${url}/echo`, {
                method: 'POST',
                body: `w${n}-${i}`,
                headers: { 'content-type': 'text/plain' },
              });
        results.push({ startedAt, doneAt: Date.now(), answer });
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
    await waitFor(() => results.length >= 40, 10_000, '40 requests before the switch');
    // A slow request in flight across the switch finishes where it started.
    const slowArrivals = () => (blue1.output() + blue2.output()).split('event slow').length;
    const slowBefore = slowArrivals();
    const slow = call(`${url}/slow?ms=1500`).then((answer) => ({ answer, doneAt: Date.now() }));
    await waitFor(() => slowArrivals() > slowBefore, 5000, 'the slow request to reach blue');
    router.setSelector('green');
    switchedAt = Date.now();
    await waitFor(
      () => Date.now() - switchedAt >= 300 && results.filter((r) => r.startedAt > switchedAt).length >= 40,
      10_000,
      '40 requests after the switch',
    );
    stop = true;
    await load;
    const slowAnswer = await slow;
    expect(slowAnswer.answer).toMatchObject({ status: 200, revision: 'blue' });
    expect(slowAnswer.doneAt).toBeGreaterThan(switchedAt);
    expect(results.filter((r) => r.answer.status !== 200)).toEqual([]);
    // Started after the switch => arrived after it; answered before the switch => arrived before it.
    const after = results.filter((r) => r.startedAt > switchedAt);
    const before = results.filter((r) => r.doneAt < switchedAt);
    expect(before.length).toBeGreaterThanOrEqual(40);
    expect(after.every((r) => r.answer.revision === 'green' && r.answer.endpoint === green.name)).toBe(true);
    expect(before.every((r) => r.answer.revision === 'blue')).toBe(true);
    expect(router.stats()).toMatchObject({ noEndpoints: 0, upstreamErrors: 0, retries: 0 });
  });

  it('sends no new request to an endpoint that stops being ready or starts terminating; in-flight ones finish', async () => {
    const table = new EndpointTable();
    table.set(endpoint(blue1, 'blue'));
    table.set(endpoint(blue2, 'blue'));
    const { url } = await serve(table, { selector: 'blue' });
    const inFlight = call(`${url}/slow?ms=300`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const firstEndpoint = (await call(`${url}/whoami`)).endpoint === blue1.name ? blue2 : blue1; // the slow one went to the other
    table.set(endpoint(firstEndpoint, 'blue', { ready: false, terminating: true }));
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(`${url}/whoami`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.endpoint === firstEndpoint.name)).toEqual([]);
    expect(await inFlight).toMatchObject({ status: 200, endpoint: firstEndpoint.name });

    const other = firstEndpoint === blue1 ? blue2 : blue1;
    table.set(endpoint(firstEndpoint, 'blue'));
    table.set(endpoint(other, 'blue', { ready: false }));
    const later = await Promise.all(Array.from({ length: 6 }, () => call(`${url}/whoami`)));
    expect(later.every((a) => a.status === 200 && a.endpoint === firstEndpoint.name)).toBe(true);
  });

  it('does not retry a POST without Idempotency-Key once it was sent', async () => {
    const table = new EndpointTable();
    table.set(endpoint(dropper, 'x'));
    table.set(endpoint(green, 'x'));
    const { router, url } = await serve(table, { selector: 'x' });
    const bodies = Array.from({ length: 6 }, (_, i) => `no-key-${i}`);
    const answers = await Promise.all(bodies.map((body) => call(`${url}/echo`, { method: 'POST', body })));
    const failed = answers.filter((a) => a.status === 502);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 502, 502, 502]); // round-robin: every other request reached the dropper
    for (const a of failed)
      expect(JSON.parse(a.body)).toMatchObject({ error: { type: 'api_error', code: 'upstream_connection_error' } });
    const dropped = bodies.filter((body) => dropper.output().includes(`drop POST ${body} `));
    expect(dropped).toHaveLength(3);
    const served = answers.filter((a) => a.status === 200).map((a) => (JSON.parse(a.body) as { body: string }).body);
    expect(served.some((body) => dropped.includes(body))).toBe(false);
    expect(router.stats().retries).toBe(0);
  });

  it('retries a POST with Idempotency-Key, and a GET, on another endpoint', async () => {
    const table = new EndpointTable();
    table.set(endpoint(dropper, 'x'));
    table.set(endpoint(green, 'x'));
    const { router, url } = await serve(table, { selector: 'x' });
    const keyed = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(`${url}/echo`, { method: 'POST', body: `keyed-${i}`, headers: { 'Idempotency-Key': `key-${i}` } }),
      ),
    );
    expect(keyed.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const [i, a] of keyed.entries())
      expect(JSON.parse(a.body)).toMatchObject({ body: `keyed-${i}`, key: `key-${i}`, name: green.name });
    const gets = await Promise.all(Array.from({ length: 4 }, () => call(`${url}/echo`)));
    expect(gets.map((a) => [a.status, a.endpoint])).toEqual(Array.from({ length: 4 }, () => [200, green.name]));
    expect(dropper.output()).toContain('drop GET');
    // The dropper did receive some of them first: those were replayed, body included.
    expect(dropper.output()).toMatch(/drop POST keyed-\d/);
    expect(router.stats().retries).toBeGreaterThanOrEqual(3);
  });

  it('retries any request, POST without key included, when the connection was refused before sending', async () => {
    const table = new EndpointTable();
    table.set({
      name: 'svc-gone-1',
      host: '127.0.0.1',
      port: await freePort(),
      podTemplateHash: 'x',
      ready: true,
      terminating: false,
    });
    table.set(endpoint(green, 'x'));
    const { router, url } = await serve(table, { selector: 'x' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call(`${url}/echo`, { method: 'POST', body: `refused-${i}` })),
    );
    expect(answers.map((a) => [a.status, a.endpoint])).toEqual(Array.from({ length: 6 }, () => [200, green.name]));
    expect(router.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it('answers 503 no_ready_endpoints after a short wait, and serves an endpoint that appears during the wait', async () => {
    const table = new EndpointTable();
    const { router, url } = await serve(table, { selector: 'green', emptyWaitMs: 300 });
    const t0 = Date.now();
    const none = await call(`${url}/whoami`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(none.status).toBe(503);
    expect(JSON.parse(none.body)).toMatchObject({ error: { type: 'api_error', code: 'no_ready_endpoints' } });
    expect(router.stats().noEndpoints).toBe(1);

    const { url: patientUrl } = await serve(table, { selector: 'green', emptyWaitMs: 2000 });
    const pending = call(`${patientUrl}/whoami`);
    setTimeout(() => table.set(endpoint(green, 'green')), 150);
    expect(await pending).toMatchObject({ status: 200, endpoint: green.name });
  });

  it('streams a body too large to buffer for replay', async () => {
    const table = new EndpointTable();
    table.set(endpoint(green, 'green'));
    const { url } = await serve(table, { selector: 'green', maxBufferedBodyBytes: 1024 });
    const body = 'x'.repeat(200_000);
    const answer = await call(`${url}/echo`, { method: 'POST', body, headers: { 'Idempotency-Key': 'big' } });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { body: string }).body).toBe(body);
  });

  it('streams responses and does not forward hop-by-hop headers', async () => {
    const table = new EndpointTable();
    table.set(endpoint(green, 'green'));
    const { url } = await serve(table, { selector: 'green' });
    const res = await fetch(`${url}/stream`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    // The endpoint holds the response open after its first chunk: that chunk must arrive on its own.
    const first = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error('the first chunk was not forwarded while the response was still open')),
          5000,
        ),
      ),
    ]);
    expect(Buffer.from(first.value!).toString()).toBe('chunk 0\n');
    expect((await call(`${url}/stream/release`)).status).toBe(200);
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read())
      rest += Buffer.from(next.value).toString();
    expect(rest).toBe('chunk 1\nchunk 2\n');
    const headers = await new Promise<Record<string, string>>((resolve, reject) => {
      httpRequest(
        `${url}/headers`,
        { headers: { Connection: 'keep-alive, X-Hop', 'X-Hop': 'secret', 'X-End': 'kept', TE: 'trailers' } },
        (r) => {
          let body = '';
          r.on('data', (chunk: Buffer) => (body += chunk.toString()));
          r.on('end', () => resolve((JSON.parse(body) as { headers: Record<string, string> }).headers));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(headers['x-end']).toBe('kept');
    expect(headers['x-hop']).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});
