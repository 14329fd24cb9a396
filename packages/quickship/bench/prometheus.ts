// npm run bench:prometheus — what the local Prometheus costs `quickship up` and how fast it follows
// the engine, each beside a baseline measured in the same run:
//   1. start → ready (/-/ready) of a fresh Prometheus, beside the bare binary's own start
//      (`prometheus --version`): the TSDB and web start-up on top of loading the binary;
//   2. a new instance → its first `up == 1` sample queryable (file_sd rewrite, inotify pickup, first
//      scrape), beside its floor: Prometheus 2.42's discovery manager hands target updates on at
//      most every 5 s (a fixed ticker, no flag in 2.42) and the first scrape comes within one
//      scrape interval (1 s here; deploy/'s ServiceMonitor says 15 s) — 6 s at worst;
//   3. deploy/'s PrometheusRule → loaded (promtool check rules + POST /-/reload), beside
//      `promtool check rules` alone.
// BENCH_REPS repetitions (default 10); prints medians and maxima.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { splitManifests } from '../src/core/manifests.ts';
import { scrapeTargets } from '../src/runtime/prometheus-config.ts';
import { PROMETHEUS_BINARY, startPrometheus } from '../src/runtime/prometheus.ts';
import type { KubeObject } from '../src/store/object.ts';
import { median } from './report.ts';

const REPS = Number(process.env.BENCH_REPS ?? 10);
if (!Number.isInteger(REPS) || REPS < 1) {
  console.error(`BENCH_REPS=${process.env.BENCH_REPS} is not a positive integer (e.g. BENCH_REPS=10)`);
  process.exit(2);
}
const binary = process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY;
const promtool = join(dirname(binary), 'promtool');
const DEPLOY = resolve(import.meta.dirname, '../../../deploy/apps/payments');
const rule = splitManifests(readFileSync(join(DEPLOY, 'prometheusrule.yaml'), 'utf8'), 'prometheusrule.yaml')[0]!
  .object as unknown as KubeObject;

const time = async (fn: () => Promise<unknown> | unknown): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const row = (label: string, values: readonly number[], baseline: readonly number[], baselineLabel: string) =>
  `${label.padEnd(44)} median ${median(values).toFixed(0).padStart(5)} ms  max ${Math.max(...values)
    .toFixed(0)
    .padStart(
      5,
    )} ms   ${baselineLabel} ${median(baseline).toFixed(0).padStart(5)} ms   ratio ${(median(values) / median(baseline)).toFixed(2)}`;

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickship-bench-prom-'));
  dirs.push(dir);
  return dir;
};

// 1. start → ready
const startMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < REPS; i++) {
  bareMs.push(await time(() => execFileSync(binary, ['--version'], { stdio: 'ignore' })));
  let stop: () => Promise<void> = async () => undefined;
  startMs.push(
    await time(async () => {
      const p = await startPrometheus({ dir: tempDir() });
      stop = () => p.stop();
    }),
  );
  await stop();
}

// 2. a new target → its first up == 1
// One metrics server per instance (each on its own loopback port, as the engine's instances).
const servers = await Promise.all(
  Array.from({ length: REPS }, async () => {
    const server = createServer((_req, res) => res.end('# TYPE demo gauge\ndemo 1\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }),
);
const prometheus = await startPrometheus({ dir: tempDir(), scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 });
const followMs: number[] = [];
const pods: { name: string; hash: string; port: number }[] = [];
for (let i = 0; i < REPS; i++) {
  const hash = `bench${Date.now().toString(36)}${i}`;
  pods.push({ name: `payments-${hash}-0`, hash, port: (servers[i]!.address() as AddressInfo).port });
  followMs.push(
    await time(async () => {
      await prometheus.setTargets(
        scrapeTargets(
          { selector: {}, endpoints: [{ port: 'http' }], podTargetLabels: ['rollouts-pod-template-hash'] },
          [
            {
              service: { name: 'payments-metrics', namespace: 'payments', labels: {}, portNames: ['http'] },
              pods: pods.map((p) => ({
                name: p.name,
                namespace: 'payments',
                container: 'payments',
                address: `127.0.0.1:${p.port}`,
                labels: { 'rollouts-pod-template-hash': p.hash },
              })),
            },
          ],
        ),
      );
      const query = encodeURIComponent(`up{rollouts_pod_template_hash="${hash}"} == 1`);
      for (;;) {
        const res = await fetch(`${prometheus.url}/api/v1/query?query=${query}`);
        if (((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
}
const floorMs = followMs.map(() => 5000 + 1000);

// 3. PrometheusRule → loaded
const loadMs: number[] = [];
const checkMs: number[] = [];
const ruleDir = tempDir();
for (let i = 0; i < REPS; i++) {
  const rules = new Map([[`payments-${rule.metadata.name}-${i}`, rule.spec as { groups: unknown[] }]]);
  loadMs.push(await time(() => prometheus.loadRules(rules)));
  const file = join(ruleDir, 'r.yml');
  writeFileSync(file, JSON.stringify({ groups: (rule.spec as { groups: unknown[] }).groups }));
  checkMs.push(await time(() => execFileSync(promtool, ['check', 'rules', file], { stdio: 'ignore' })));
}

await prometheus.stop();
for (const server of servers) server.close();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

console.log(`local Prometheus (${binary}), ${REPS} repetitions`);
console.log(row('start → ready', startMs, bareMs, 'bare binary start'));
console.log(row('new instance → first up==1 sample', followMs, floorMs, 'floor (5 s + interval)'));
console.log(row("deploy/'s PrometheusRule → loaded", loadMs, checkMs, 'promtool check alone'));
