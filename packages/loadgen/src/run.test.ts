// runLoad and verifyPayments against a small real HTTP server on loopback that behaves like the
// payments API's idempotency contract and misbehaves on purpose (503s, dropped connections).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@quickship/pglocal';
import { KEY_METADATA_FIELD } from './payment-request.ts';
import { runLoad, type AttemptEvent } from './run.ts';
import { settlePayments } from './settle.ts';
import { verifyPayments } from './verify.ts';

interface Stored {
  id: string;
  key: string;
  body: string;
}

function paymentsLikeServer(): {
  server: Server;
  stored: Stored[];
  bodyMismatches: string[];
  failFirst: (key: string) => '503' | 'drop' | 'none';
} {
  const stored: Stored[] = [];
  const byKey = new Map<string, Stored>();
  const seen = new Set<string>();
  const bodyMismatches: string[] = [];
  // Every 5th key is refused once with 503, every 7th has its first connection dropped unanswered.
  const failFirst = (key: string): '503' | 'drop' | 'none' => {
    const seq = Number(key.split('_').at(-1));
    return seq % 5 === 0 ? '503' : seq % 7 === 0 ? 'drop' : 'none';
  };
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
    if (req.headers.authorization !== 'Bearer sk_test')
      return send(res, 401, { error: { type: 'authentication_error' } });
    const url = new URL(req.url!, 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/payments') {
      const key = String(req.headers['idempotency-key']);
      if (!seen.has(key)) {
        seen.add(key);
        if (failFirst(key) === '503') return send(res, 503, { error: { type: 'api_error', code: 'unavailable' } });
        if (failFirst(key) === 'drop') return void req.socket.destroy();
      }
      const existing = byKey.get(key);
      if (existing) {
        if (existing.body !== body) bodyMismatches.push(key);
        res.setHeader('idempotent-replayed', 'true');
        return send(res, 201, { id: existing.id, metadata: { [KEY_METADATA_FIELD]: key } });
      }
      const payment = { id: `pay_${stored.length}`, key, body };
      stored.push(payment);
      byKey.set(key, payment);
      return send(res, 201, { id: payment.id, metadata: { [KEY_METADATA_FIELD]: key } });
    }
    if (req.method === 'GET' && url.pathname === '/v1/payments') {
      const newestFirst = [...stored].reverse();
      const after = url.searchParams.get('starting_after');
      const from = after ? newestFirst.findIndex((p) => p.id === after) + 1 : 0;
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const data = newestFirst
        .slice(from, from + limit)
        .map((p) => ({ id: p.id, metadata: { [KEY_METADATA_FIELD]: p.key } }));
      return send(res, 200, { object: 'list', data, has_more: from + limit < newestFirst.length });
    }
    const one = /^\/v1\/payments\/(.+)$/.exec(url.pathname);
    const found = one && stored.find((p) => p.id === one[1]);
    if (req.method === 'GET' && found)
      return send(res, 200, { id: found.id, metadata: { [KEY_METADATA_FIELD]: found.key } });
    return send(res, 404, { error: { type: 'invalid_request_error' } });
  };
  const server = createServer((req, res) => {
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (chunk: string) => (body += chunk))
      .on('end', () => handle(req, res, body));
  });
  return { server, stored, bodyMismatches, failFirst };
}

describe('runLoad against a real loopback server', () => {
  const fake = paymentsLikeServer();
  let origin = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('creates each payment once, retrying 503s and dropped connections with the same key and body', async () => {
    const events: AttemptEvent[] = [];
    const result = await runLoad({
      targets: origin,
      connections: 8,
      maxRequests: 200,
      workload: { kind: 'payments', apiKey: 'sk_test', runId: 'once' },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onAttempt: (e) => events.push(e),
    });
    const { report, payments } = result;
    expect(report.logical).toEqual({ started: 200, succeeded: 200, failed: 0 });
    const refusedOnce = 40; // seq % 5 === 0
    const droppedOnce = [...Array(200).keys()].filter((s) => s % 5 !== 0 && s % 7 === 0).length;
    expect(report.attempts.nonOkByStatus).toEqual({ '503': refusedOnce });
    expect(report.attempts.transportByPhase.socket).toBe(droppedOnce);
    expect(report.attempts.retried).toBe(refusedOnce + droppedOnce);
    expect(report.attempts.sent).toBe(200 + refusedOnce + droppedOnce);
    expect(report.attempts.ok).toBe(200);
    expect(report.latency.count).toBe(200 + refusedOnce);
    expect(report.latency.p99Ms).toBeGreaterThan(0);
    expect(fake.stored).toHaveLength(200);
    expect(fake.bodyMismatches).toEqual([]);
    // Retries carry the key of their first attempt, never a new one.
    expect(new Set(events.map((e) => e.idempotencyKey)).size).toBe(200);
    expect(events.filter((e) => e.attempt === 2)).toHaveLength(refusedOnce + droppedOnce);

    const verified = await verifyPayments({ target: origin, apiKey: 'sk_test', outcome: payments, fetchEach: 50 });
    expect(verified).toMatchObject({
      ok: true,
      succeededKeys: 200,
      storedPayments: 200,
      fetched: 50,
      fetchFailures: [],
      missing: [],
      duplicated: [],
    });
  });

  it('settles failed payments later with their original keys, replaying without duplicates', async () => {
    const first = await runLoad({
      targets: origin,
      connections: 4,
      maxRequests: 30,
      workload: { kind: 'payments', apiKey: 'sk_test', runId: 'settle' },
      retry: { maxAttempts: 1 }, // the first 503 or dropped connection ends the logical payment
    });
    const expectedFailed = [...Array(30).keys()].filter((s) => fake.failFirst(`x_${s}`) !== 'none').length;
    expect(first.payments.failed).toHaveLength(expectedFailed);
    const dropped = first.payments.failed.filter((p) => fake.failFirst(p.idempotencyKey) === 'drop').length;

    const settled = await settlePayments({
      targets: origin,
      apiKey: 'sk_test',
      payments: first.payments.failed,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    expect(settled.report.logical).toMatchObject({ succeeded: expectedFailed, failed: 0 });
    // A dropped connection had stored nothing here, a 503 neither: so every settle attempt creates one payment.
    expect(dropped).toBeGreaterThan(0);
    const outcome = {
      ...first.payments,
      succeeded: new Map([...first.payments.succeeded, ...settled.payments.succeeded]),
    };
    const verified = await verifyPayments({
      target: origin,
      apiKey: 'sk_test',
      outcome,
      fetchEach: 0,
      allowForeign: true,
    });
    expect(verified).toMatchObject({ ok: true, succeededKeys: 30, missing: [], duplicated: [], unacknowledged: [] });
    expect(fake.bodyMismatches).toEqual([]);
  });

  it('verifies from a database callback without touching the API', async () => {
    const run = await runLoad({
      targets: origin,
      connections: 2,
      maxRequests: 4,
      workload: { kind: 'payments', apiKey: 'sk_test', runId: 'db' },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const rows = fake.stored
      .filter((p) => p.key.startsWith('lg_db_'))
      .map((p) => ({ id: p.id, idempotencyKey: p.key }));
    await expect(verifyPayments({ outcome: run.payments, stored: async () => rows })).rejects.toThrow(
      /pass target and apiKey/,
    );
    expect(await verifyPayments({ outcome: run.payments, stored: async () => rows, fetchEach: 0 })).toMatchObject({
      ok: true,
      succeededKeys: 4,
      storedPayments: 4,
      fetched: 0,
    });
    const lost = await verifyPayments({ outcome: run.payments, stored: async () => rows.slice(1), fetchEach: 0 });
    expect(lost).toMatchObject({ ok: false, missing: [rows[0]!.idempotencyKey] });
  });

  it('detects a duplicate the server created', async () => {
    const run = await runLoad({
      targets: origin,
      connections: 2,
      maxRequests: 3,
      workload: { kind: 'payments', apiKey: 'sk_test', runId: 'dup' },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const [key] = [...run.payments.succeeded.keys()];
    fake.stored.push({ id: 'pay_double', key: key!, body: '' });
    const verified = await verifyPayments({
      target: origin,
      apiKey: 'sk_test',
      outcome: run.payments,
      fetchEach: 0,
      allowForeign: true,
    });
    expect(verified.ok).toBe(false);
    expect(verified.duplicated).toEqual([{ key, ids: expect.arrayContaining(['pay_double']) as string[] }]);
  });

  it('runs plain GETs for a fixed duration over keep-alive connections', async () => {
    const started = Date.now();
    const { report } = await runLoad({
      targets: [origin, origin],
      connections: 4,
      durationMs: 300,
      workload: { kind: 'get', path: '/healthz' },
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);
    expect(report.attempts.ok).toBeGreaterThan(10);
    expect(report.attempts.sent).toBe(report.attempts.ok);
    expect(report.attempts.retried).toBe(0);
    expect(report.throughput.responsesPerSec).toBeGreaterThan(0);
  });

  it('counts refused connections as connect errors, retried and then failed', async () => {
    const closed = await freePort();
    const { report, payments } = await runLoad({
      targets: `http://127.0.0.1:${closed}`,
      connections: 2,
      maxRequests: 4,
      workload: { kind: 'payments', apiKey: 'sk_test' },
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(report.attempts).toMatchObject({
      sent: 12,
      ok: 0,
      retried: 8,
      transportErrors: { ECONNREFUSED: 12 },
      transportByPhase: { connect: 12, socket: 0, timeout: 0 },
    });
    expect(report.logical).toEqual({ started: 4, succeeded: 0, failed: 4 });
    expect(payments.failed).toHaveLength(4);
  });

  it('refuses unbounded runs and non-loopback targets before sending anything', async () => {
    await expect(runLoad({ targets: origin, connections: 1, workload: { kind: 'get', path: '/' } })).rejects.toThrow(
      /always bounded/,
    );
    await expect(
      runLoad({ targets: 'http://8.8.8.8', connections: 1, maxRequests: 1, workload: { kind: 'get', path: '/' } }),
    ).rejects.toThrow(/not loopback/);
    await expect(
      runLoad({ targets: origin, connections: 0, maxRequests: 1, workload: { kind: 'get', path: '/' } }),
    ).rejects.toThrow(/connections=0/);
  });
});
