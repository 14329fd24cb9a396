// The CLI's engine clients over real loopback HTTP (node:http, api/loopback-http.ts): answers,
// the engine's JSON errors, a missing engine, a bad --api, and the SSE watch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { LocalEngineClient } from './client.ts';
import { EngineApiError, EngineInternalError, EngineNotRunningError, RolloutNotFoundError } from './errors.ts';
import { GitOpsClient } from './gitops-client.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

describe('LocalEngineClient', () => {
  it('sends the verb with its JSON body and returns the answer', async () => {
    const seen: string[] = [];
    const url = await serve((req, body, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
      json(res, 200, { message: 'promoted' });
    });
    await expect(new LocalEngineClient(url).promote('payments', { full: true })).resolves.toBe('promoted');
    expect(seen).toEqual(['POST /api/v1/rollouts/payments/promote application/json {"full":true}']);
  });

  it("turns the engine's JSON errors into errors with their fix", async () => {
    const url = await serve((req, _body, res) =>
      req.url!.endsWith('/missing')
        ? json(res, 404, { error: { code: 'NotFound', message: 'no Rollout "missing"', fix: 'list them' } })
        : res.writeHead(500).end('boom'),
    );
    const client = new LocalEngineClient(url);
    const notFound = await client.get('missing').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(RolloutNotFoundError);
    expect(notFound).toMatchObject({ message: 'no Rollout "missing"', fix: 'list them' });
    const internal = await client.get('other').catch((e: unknown) => e);
    expect(internal).toBeInstanceOf(EngineInternalError);
    expect((internal as Error).message).toContain('engine API answered 500');
  });

  it('says the engine is not running when nothing listens, naming the URL', async () => {
    const url = await serve(() => undefined);
    server!.close();
    await new Promise((r) => setTimeout(r, 20));
    const error = await new LocalEngineClient(url).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineNotRunningError);
    expect((error as Error).message).toContain(url);
  });

  it('refuses an --api that is not plain HTTP, with the fix', async () => {
    for (const api of ['https://127.0.0.1:7070', 'not a url']) {
      const error = await new LocalEngineClient(api).list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).fix).toContain('--api http://127.0.0.1:7070');
    }
  });

  it('watch yields the rollout events of the stream, split across writes, and stops on abort', async () => {
    const url = await serve((req, _body, res) => {
      expect(req.url).toBe('/api/v1/events?rollout=payments');
      expect(req.headers.accept).toBe('text/event-stream');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': keep-alive\n\nevent: rollout\ndata: {"name":"pay');
      setTimeout(() => res.write('ments","phase":"Healthy"}\n\nevent: other\ndata: 1\n\n'), 10);
      setTimeout(() => res.write('event: rollout\ndata: {"name":"payments","phase":"Paused"}\n\n'), 20);
    });
    const stop = new AbortController();
    const seen: unknown[] = [];
    for await (const entry of new LocalEngineClient(url).watch('payments', stop.signal)) {
      seen.push(entry);
      if (seen.length === 2) stop.abort();
    }
    expect(seen).toEqual([
      { name: 'payments', phase: 'Healthy' },
      { name: 'payments', phase: 'Paused' },
    ]);
  });
});

describe('GitOpsClient', () => {
  it('sends a merge patch with its field manager and maps an error code', async () => {
    const url = await serve((req, body, res) => {
      if (req.method === 'PATCH') {
        expect(req.url).toBe('/api/v1/objects/argoproj.io/Rollout/payments/payments?fieldManager=quickship-cli');
        expect(req.headers['content-type']).toBe('application/merge-patch+json');
        json(res, 200, { kind: 'Rollout', patched: JSON.parse(body) });
      } else json(res, 409, { error: { code: 'Conflict', message: 'sync running', fix: 'wait' } });
    });
    const client = new GitOpsClient(url);
    const ref = { group: 'argoproj.io', kind: 'Rollout', namespace: 'payments', name: 'payments' };
    await expect(client.patch(ref, { spec: { replicas: 3 } }, 'quickship-cli')).resolves.toEqual({
      kind: 'Rollout',
      patched: { spec: { replicas: 3 } },
    });
    const error = await client.sync('payments', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineApiError);
    expect(error).toMatchObject({ code: 'Conflict', message: 'sync running', fix: 'wait' });
  });
});
