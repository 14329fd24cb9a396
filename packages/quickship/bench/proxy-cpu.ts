// A short proxy-only measurement (no engine, no PostgreSQL): the router alone in its own process
// (router-host.ts) and HAProxy (nbthread 1) in front of the same upstream — the runtime's fixture
// server, a plain Node http server — with wrk as the client; prints req/s and each process's CPU
// µs per request (/proc/<pid>/stat utime+stime). For profiling work on the router; the figures
// of record come from `npm run bench:cutover`. Run it under the shared lock:
//   flock /tmp/bench.lock npx tsx packages/quickship/bench/proxy-cpu.ts
// Env: SECONDS_EACH (5), CONNECTIONS (16), ROUNDS (2), PROXY_PATH (/healthz; `payments`: the cutover bench's POST
// /v1/payments requests, which the fixture answers 404 after reading them), ROUTER_HOST (router-host.ts: another
// host script, e.g. one importing an older router, to compare under the same conditions).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@quickship/pglocal';
import { startHaproxy } from './haproxy.ts';
import { cpuMicros } from './proc-cpu.ts';
import { runWrk } from './wrk.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS_EACH = Number(process.env.SECONDS_EACH ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const PATH = process.env.PROXY_PATH ?? '/healthz';
const WORKLOAD =
  PATH === 'payments'
    ? ({ kind: 'payments', apiKey: 'sk_test_bench' } as const)
    : ({ kind: 'get', path: PATH } as const);

async function startChild(args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ready)) resolve();
    });
    child.once('exit', () => reject(new Error(`${args.join(' ')} exited`)));
  });
  return child;
}

const upstreamPort = await freePort();
const upstream = await startChild(
  [join(here, '../src/runtime/test-fixtures/server.mjs')],
  { PORT: String(upstreamPort), HOSTNAME: 'bench-1' },
  'event listening',
);
const routerPort = await freePort();
const router = await startChild(
  ['--import', 'tsx', join(here, process.env.ROUTER_HOST ?? 'router-host.ts')],
  { PORT: String(routerPort), UPSTREAM_PORT: String(upstreamPort) },
  'listening',
);
const haproxy = await startHaproxy({ listenPort: await freePort(), targetPort: upstreamPort, threads: 1 });
const targets = {
  direct: { url: `http://127.0.0.1:${upstreamPort}`, pid: upstream.pid },
  router: { url: `http://127.0.0.1:${routerPort}`, pid: router.pid },
  haproxy: { url: haproxy.url, pid: haproxy.pid },
};
const perRequest = (us: number | undefined, requests: number): string =>
  us === undefined ? 'n/a' : (us / requests).toFixed(0).padStart(4);
try {
  for (const t of Object.values(targets))
    await runWrk({ url: t.url, connections: CONNECTIONS, seconds: 1, workload: WORKLOAD }); // warm-up
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const proxyBefore = cpuMicros(t.pid) ?? 0;
      const upstreamBefore = cpuMicros(upstream.pid) ?? 0;
      const result = await runWrk({ url: t.url, connections: CONNECTIONS, seconds: SECONDS_EACH, workload: WORKLOAD });
      const proxy = name === 'direct' ? undefined : (cpuMicros(t.pid) ?? 0) - proxyBefore;
      const up = (cpuMicros(upstream.pid) ?? 0) - upstreamBefore;
      console.log(
        `round ${round} ${name.padEnd(8)} ${result.rps.toFixed(0).padStart(7)} req/s  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}  proxy CPU ${perRequest(proxy, result.requests)} µs/req  upstream CPU ${perRequest(up, result.requests)} µs/req`,
      );
    }
  }
} finally {
  await haproxy.stop();
  router.kill('SIGTERM');
  upstream.kill('SIGKILL');
}
