// The runner drives a run to its end on real time against a real HTTP endpoint (web provider).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerMeasure } from './providers/index.ts';
import { AnalysisRunner } from './runner.ts';
import type { AnalysisRun } from './types.ts';

let server: Server;
let url = '';
let ratio = 0;

beforeAll(async () => {
  server = createServer((_req, res) => res.end(JSON.stringify({ ratio })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const run = (name: string): AnalysisRun => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name },
  spec: {
    metrics: [
      {
        name: 'ratio',
        interval: '1s',
        count: 3,
        failureLimit: 0,
        successCondition: 'result < 0.1',
        provider: { web: { url, jsonPath: '{$.ratio}' } },
      },
    ],
  },
});

describe('AnalysisRunner', () => {
  it('measures every interval until count, reporting each version; a failure ends the run at once', async () => {
    const versions: AnalysisRun[] = [];
    const runner = new AnalysisRunner({ measure: providerMeasure({}), onChange: (r) => versions.push(r) });
    ratio = 0;
    runner.start(run('ok'));
    const done = await runner.completed('ok', 10_000);
    expect(done.status?.phase).toBe('Successful');
    expect(done.status?.metricResults?.[0]?.measurements).toHaveLength(3);
    expect(versions.length).toBeGreaterThanOrEqual(3);

    ratio = 0.5;
    const t0 = Date.now();
    runner.start(run('bad'));
    const bad = await runner.completed('bad', 10_000);
    expect(bad.status?.phase).toBe('Failed');
    expect(Date.now() - t0).toBeLessThan(1000);
    await runner.close();
  });

  it('terminate ends a run that would go on forever', async () => {
    const runner = new AnalysisRunner({ measure: providerMeasure({}), onChange: () => undefined });
    ratio = 0;
    const forever = run('forever');
    runner.start({ ...forever, spec: { metrics: [{ ...forever.spec.metrics[0]!, count: undefined }] } } as AnalysisRun);
    await new Promise((r) => setTimeout(r, 300));
    runner.terminate('forever');
    const ended = await runner.completed('forever', 5000);
    expect(ended.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    await runner.close();
  });
});
