// Malformed and hostile request heads and bodies, table-driven, sent with raw sockets to the
// payments service directly and through the router (real service process, real PostgreSQL).
// Both must give the same status class; the router never forwards what it cannot parse (its
// request counter does not move); the service's malformed-request answers use the API's error
// envelope; and a victim client on another connection always gets its own correct answer.
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

let databaseUrl = '';
let server: ServerProcess;
let router: ServiceRouter;
let routerPort = 0;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('edge_hostile');
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
  routerPort = (await router.listen()).port;
});

afterAll(async () => {
  await router?.close(500);
  await server?.kill();
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

const AUTH = `Authorization: Bearer ${MERCHANTS.acme.key}\r\n`;
const JSON_TYPE = 'Content-Type: application/json\r\n';
const MIB2 = 2 * 1024 * 1024;

interface Case {
  readonly name: string;
  /** What is written, in pieces (the later ones 50 ms apart). */
  readonly pieces: readonly (string | Buffer)[];
  /** Expected status of each response, in order (only the class is compared between the two targets). */
  readonly statuses: readonly number[];
  /** The router must not forward it (answer from its own parser). */
  readonly unforwarded?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'Content-Length and Transfer-Encoding together',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'two different Content-Lengths',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x`,
    ],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'obfuscated Transfer-Encoding (space before the colon)',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Transfer-Encoding : chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    ],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'obs-fold',
    pieces: [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n`],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'a CR inside a header value',
    pieces: [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Cr: a\rb\r\n\r\n`],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'a 0x chunk size',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n`,
    ],
    statuses: [400],
    unforwarded: true,
  },
  { name: 'bare LF line endings', pieces: ['GET /healthz HTTP/1.1\nHost: x\n\n'], statuses: [400], unforwarded: true },
  {
    name: 'a NUL in a header',
    pieces: ['GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n'],
    statuses: [400],
    unforwarded: true,
  },
  {
    name: 'an over-long header (20 KiB)',
    pieces: [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20 * 1024)}\r\n\r\n`],
    statuses: [431],
    unforwarded: true,
  },
  {
    name: 'bad chunk framing (data longer than its size)',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX\r\n0\r\n\r\n`,
    ],
    statuses: [400],
    unforwarded: true, // the router reads a body (up to 1 MiB) whole before sending it
  },
  {
    name: 'pipelining (two requests in one write)',
    pieces: ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    statuses: [200, 200],
  },
  { name: 'HTTP/1.0', pieces: ['GET /healthz HTTP/1.0\r\n\r\n'], statuses: [200] },
  {
    name: 'an absolute-form target',
    pieces: ['GET http://x/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    statuses: [200],
  },
  {
    name: 'an early 413 with the body still coming',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\n${AUTH}${JSON_TYPE}Content-Length: ${MIB2}\r\n\r\n`,
      Buffer.alloc(1200 * 1024, 0x20),
    ],
    statuses: [413],
  },
  {
    name: 'an early 401 with the body still coming',
    pieces: [
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_wrong_0000000000000000\r\n${JSON_TYPE}Content-Length: ${MIB2}\r\n\r\n`,
      Buffer.alloc(1200 * 1024, 0x20),
    ],
    statuses: [401],
  },
];

/** Writes the pieces on a fresh connection; resolves with the statuses of the responses read until close or 4 s. */
function exchange(port: number, pieces: readonly (string | Buffer)[]): Promise<{ statuses: number[]; text: string }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    const done = () => {
      socket.destroy();
      resolve({ statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1])), text });
    };
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('end', done);
    socket.on('close', done);
    const timer = setTimeout(done, 4_000);
    socket.on('close', () => clearTimeout(timer));
    void (async () => {
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        if (!socket.destroyed) socket.write(piece);
      }
    })();
  });
}

async function victim(port: number): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/payments?limit=1`, {
    headers: { authorization: `Bearer ${MERCHANTS.acme.key}` },
  });
  return { status: response.status, body: await response.text() };
}

const klass = (status: number | undefined) => (status === undefined ? 'none' : `${Math.floor(status / 100)}xx`);

describe.each(CASES)('$name', (c) => {
  it('gets the same status class directly and through the router; a victim is unaffected', async () => {
    const [direct, directVictim] = await Promise.all([exchange(server.port, c.pieces), victim(server.port)]);
    const sentUpstream = () => router.stats().byEndpoint['payments-0']?.requests ?? 0;
    const forwardedBefore = sentUpstream();
    const [routed, routedVictim] = await Promise.all([exchange(routerPort, c.pieces), victim(routerPort)]);
    const forwarded = sentUpstream() - forwardedBefore - 1; // less the victim's own request

    expect(direct.statuses.map(klass), direct.text.slice(0, 300)).toEqual(c.statuses.map(klass));
    expect(routed.statuses.map(klass), routed.text.slice(0, 300)).toEqual(c.statuses.map(klass));
    expect(direct.statuses[0]).toBe(c.statuses[0]);
    if (c.unforwarded) expect(forwarded).toBe(0);
    if (c.statuses[0] !== undefined && c.statuses[0] >= 400) {
      // The service answers in the API's envelope, parser errors included.
      const body = direct.text.slice(direct.text.indexOf('\r\n\r\n') + 4);
      expect(JSON.parse(body.slice(0, body.lastIndexOf('}') + 1))).toMatchObject({
        error: { type: expect.any(String), code: expect.any(String), message: expect.any(String) },
      });
    }
    for (const v of [directVictim, routedVictim]) {
      expect(v.status).toBe(200);
      expect(JSON.parse(v.body)).toMatchObject({ object: 'list' });
    }
  });
});
