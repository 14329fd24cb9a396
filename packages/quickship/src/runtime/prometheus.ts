// A real Prometheus (Debian's `prometheus` binary) for the local engine: config, file_sd targets
// and rule files under a state dir, listening on a loopback port, reloaded through its lifecycle
// API when rules change, stopped (SIGTERM, then SIGKILL) on exit. What it scrapes and which rules
// it loads come from prometheus-config.ts; this file only runs it.
import { UserError } from '../errors.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@quickship/pglocal';
import { prometheusConfig, ruleFile, type TargetGroup } from './prometheus-config.ts';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** The binary is not installed: the message says how to install it (or run without analysis). */
export class PrometheusNotInstalledError extends UserError {
  constructor(readonly binary: string) {
    super(
      `Prometheus is not installed (${binary} not found): install it with \`sudo apt-get install -y prometheus\` ` +
        `(Debian/Ubuntu), or set QUICKSHIP_PROMETHEUS to its path.`,
    );
    this.name = 'PrometheusNotInstalledError';
  }
}

export class PrometheusStartError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusStartError';
  }
}

export interface LocalPrometheusOptions {
  /** State folder, e.g. `.quickship/prometheus` (config, targets, rules, tsdb, log). */
  readonly dir: string;
  readonly port?: number;
  readonly binary?: string;
  /** Default 15 (the ServiceMonitor's interval); tests and benches use 1. */
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  readonly startTimeoutMs?: number;
}

export interface LocalPrometheus {
  /** e.g. http://127.0.0.1:9093 */
  readonly url: string;
  readonly port: number;
  /** Replaces every scrape target (file_sd: picked up within a second through inotify). */
  setTargets(groups: readonly TargetGroup[]): Promise<void>;
  /** Replaces every rule file (name → PrometheusRule spec) and reloads. */
  setRules(rules: ReadonlyMap<string, { readonly groups?: readonly unknown[] }>): Promise<void>;
  /** Firing and pending alerts, as GET /api/v1/alerts gives them. */
  alerts(): Promise<readonly PrometheusAlert[]>;
  stop(): Promise<void>;
}

export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
  readonly value?: string;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new PrometheusStartError(`prometheus exited with code ${child.exitCode} while starting; see ${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(500) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new PrometheusStartError(`prometheus did not become ready within ${timeoutMs} ms; see ${log}`);
}

export async function startPrometheus(options: LocalPrometheusOptions): Promise<LocalPrometheus> {
  const binary = options.binary ?? process.env.QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY;
  if (!existsSync(binary)) throw new PrometheusNotInstalledError(binary);
  const dir = options.dir;
  const rulesDir = join(dir, 'rules');
  await mkdir(rulesDir, { recursive: true });
  const targetsFile = join(dir, 'targets.json');
  await writeAtomic(targetsFile, '[]');
  const configFile = join(dir, 'prometheus.yml');
  const scrape = options.scrapeIntervalSeconds ?? 15;
  await writeAtomic(
    configFile,
    prometheusConfig({
      scrapeIntervalSeconds: scrape,
      evaluationIntervalSeconds: options.evaluationIntervalSeconds ?? scrape,
      targetsFile,
      ruleFilesGlob: join(rulesDir, '*.yml'),
    }),
  );
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const log = join(dir, 'prometheus.log');
  const fd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=1d',
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--log.level=warn',
      ],
      { stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(url, child, options.startTimeoutMs ?? 15_000, log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    url,
    port,
    setTargets: (groups) => writeAtomic(targetsFile, JSON.stringify(groups, null, 2)),
    async setRules(rules) {
      const wanted = new Set<string>();
      for (const [name, spec] of rules) {
        const file = `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.yml`;
        wanted.add(file);
        await writeAtomic(join(rulesDir, file), ruleFile(spec));
      }
      for (const file of await readdir(rulesDir))
        if (!wanted.has(file)) await rm(join(rulesDir, file), { force: true });
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok) throw new PrometheusStartError(`prometheus refused the rule files: ${(await res.text()).trim()}`);
    },
    async alerts() {
      const res = await fetch(`${url}/api/v1/alerts`);
      const body = (await res.json()) as { data: { alerts: PrometheusAlert[] } };
      return body.data.alerts;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
