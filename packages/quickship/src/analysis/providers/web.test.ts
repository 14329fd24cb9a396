// The web provider against a real HTTP server on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../types.ts';
import { measureWeb } from './web.ts';

let server: Server;
let base = '';
const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ ...(req.method ? { method: req.method } : {}), headers: req.headers, body });
      if (req.url === '/ok') return res.end(JSON.stringify({ data: { ok: true, ratio: 0.02, items: [{ v: 3 }] } }));
      if (req.url === '/text') return res.end('healthy');
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 3000);
      res.statusCode = 503;
      res.end('down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const web = (web: Record<string, unknown>, conditions: Partial<Metric> = {}): Metric => ({
  name: 'w',
  provider: { web },
  ...conditions,
});

describe('web provider', () => {
  it('reads jsonPath from a JSON body and applies the conditions', async () => {
    const ok = await measureWeb(
      web({ url: `${base}/ok`, jsonPath: '{$.data.ok}' }, { successCondition: 'result == true' }),
    );
    expect(ok).toMatchObject({ phase: 'Successful', value: 'true' });
    const failed = await measureWeb(
      web({ url: `${base}/ok`, jsonPath: '{$.data.ratio}' }, { successCondition: 'result < 0.01' }),
    );
    expect(failed).toMatchObject({ phase: 'Failed', value: '0.02' });
    const nested = await measureWeb(
      web({ url: `${base}/ok`, jsonPath: '{$.data.items[0].v}' }, { successCondition: 'result == 3' }),
    );
    expect(nested.phase).toBe('Successful');
    const inconclusive = await measureWeb(
      web(
        { url: `${base}/ok`, jsonPath: '{$.data.ratio}' },
        { successCondition: 'result < 0.01', failureCondition: 'result > 0.05' },
      ),
    );
    expect(inconclusive.phase).toBe('Inconclusive');
  });

  it('hands a non-JSON body to the conditions as a string', async () => {
    const m = await measureWeb(web({ url: `${base}/text` }, { successCondition: 'result == "healthy"' }));
    expect(m).toMatchObject({ phase: 'Successful', value: 'healthy' });
  });

  it('sends method, headers and body; refuses a body on GET', async () => {
    seen.length = 0;
    await measureWeb(
      web({ url: `${base}/ok`, method: 'POST', headers: [{ key: 'X-Probe', value: 'yes' }], jsonBody: { a: 1 } }),
    );
    expect(seen[0]).toMatchObject({
      method: 'POST',
      headers: { 'x-probe': 'yes', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const refused = await measureWeb(web({ url: `${base}/ok`, body: 'x' }));
    expect(refused).toMatchObject({
      phase: 'Error',
      message: 'Body/JSONBody can only be used with POST or PUT WebMetric Method types',
    });
  });

  it('errors on a non-2xx answer, a missing path, a timeout and a refused connection; maps cluster URLs', async () => {
    expect(await measureWeb(web({ url: `${base}/down` }))).toMatchObject({
      phase: 'Error',
      message: 'received non 2xx response code: 503',
    });
    expect(await measureWeb(web({ url: `${base}/ok`, jsonPath: '{$.nope}' }))).toMatchObject({
      phase: 'Error',
      message: 'result of jsonPath not found',
    });
    const slow = await measureWeb(web({ url: `${base}/slow`, timeoutSeconds: 1 }));
    expect(slow.phase).toBe('Error');
    expect(slow.message).toContain('context deadline exceeded');
    const refused = await measureWeb(web({ url: 'http://127.0.0.1:1/x' }));
    expect(refused.phase).toBe('Error');
    const mapped = await measureWeb(
      web({ url: 'http://checks.payments.svc.cluster.local/ok', jsonPath: '{$.data.ok}' }),
      {
        mapUrl: (u) => u.replace('http://checks.payments.svc.cluster.local', base),
      },
    );
    expect(mapped.phase).toBe('Successful');
  });
});
