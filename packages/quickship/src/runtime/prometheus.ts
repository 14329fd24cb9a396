// A real Prometheus (Debian's `prometheus` binary) for the local engine: config, file_sd targets
// and rule files under a state dir, listening on a loopback port, reloaded through its lifecycle
// API when rules change, stopped (SIGTERM, then SIGKILL) on exit. What it scrapes and which rules
// it loads come from prometheus-config.ts; this file only runs it.
import { UserError } from '../errors.ts';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { freePort } from '@quickship/pglocal';
import { prometheusConfig, ruleFile, withoutOwnInterval, type TargetGroup } from './prometheus-config.ts';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** The binary is not installed: the message says how to install it (or run without analysis). */
export class PrometheusNotInstalledError extends UserError {
  constructor(readonly binary: string) {
    super(
      `Prometheus is not installed (${binary} not found): analysis and alerts need it`,
      'install it with `sudo apt-get install -y prometheus` (Debian/Ubuntu; or set QUICKSHIP_PROMETHEUS to its path), ' +
        'or start with `--no-analysis` (every analysis then shows as Skipped, never Successful)',
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
  /**
   * Every target scraped at this interval, whatever its ServiceMonitor endpoint says (tests and
   * benches use 1). Unset: each target at its endpoint's `interval`, others at the operator's
   * default 30s.
   */
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
  /** Replaces every rule file (name → PrometheusRule spec) and reloads; rejects when one is refused. */
  setRules(rules: ReadonlyMap<string, { readonly groups?: readonly unknown[] }>): Promise<void>;
  /**
   * Replaces the rule files with the ones `promtool check rules` accepts (the others are reported,
   * not loaded: a bad PrometheusRule never takes the good ones down) and reloads.
   */
  loadRules(rules: ReadonlyMap<string, { readonly groups?: readonly unknown[] }>): Promise<RuleLoad>;
  /** Firing and pending alerts, as GET /api/v1/alerts gives them. */
  alerts(): Promise<readonly PrometheusAlert[]>;
  stop(): Promise<void>;
  /** SIGKILL now (a second Ctrl-C). */
  kill(): void;
}

export interface RuleLoad {
  readonly loaded: readonly string[];
  readonly rejected: readonly { readonly name: string; readonly error: string }[];
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

/** Runs `promtool check rules` on a file: undefined when valid, else what promtool said. */
function checkRules(promtool: string, file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(promtool, ['check', 'rules', file], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (!error) return resolve(undefined);
      const said = `${stdout}\n${stderr}`
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('Checking ') && line !== 'FAILED:');
      resolve(said.join('; ') || error.message);
    });
  });
}

/**
 * A Prometheus left running by a killed `up` (SIGKILL leaves children behind) holds the TSDB lock
 * and maybe the port: it is stopped first, when its command line names this very config file.
 */
async function stopLeftover(pidFile: string, configFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const ours = (): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--config.file=${configFile}`);
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !ours()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (ours() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (ours()) process.kill(pid, 'SIGKILL');
  while (ours()) await new Promise((r) => setTimeout(r, 50));
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
  const pidFile = join(dir, 'prometheus.pid');
  await stopLeftover(pidFile, configFile);
  const promtool = join(dirname(binary), 'promtool');
  const forced = options.scrapeIntervalSeconds;
  const scrape = forced ?? 30;
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
  if (child.pid !== undefined) await writeFile(pidFile, `${child.pid}\n`);
  try {
    await waitReady(url, child, options.startTimeoutMs ?? 15_000, log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const prometheus: LocalPrometheus = {
    url,
    port,
    setTargets: (groups) =>
      writeAtomic(targetsFile, JSON.stringify(forced === undefined ? groups : groups.map(withoutOwnInterval), null, 2)),
    async loadRules(rules) {
      const checkDir = join(dir, 'rules-check');
      await mkdir(checkDir, { recursive: true });
      const wanted = new Set<string>();
      const loaded: string[] = [];
      const rejected: { name: string; error: string }[] = [];
      for (const [name, spec] of rules) {
        const file = `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.yml`;
        const candidate = join(checkDir, file);
        await writeAtomic(candidate, ruleFile(spec));
        const error = existsSync(promtool) ? await checkRules(promtool, candidate) : undefined;
        if (error !== undefined) {
          rejected.push({ name, error });
          continue;
        }
        wanted.add(file);
        loaded.push(name);
        await rename(candidate, join(rulesDir, file));
      }
      for (const file of await readdir(rulesDir))
        if (!wanted.has(file)) await rm(join(rulesDir, file), { force: true });
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok) {
        // Without promtool beside the binary, Prometheus itself is the check: it keeps the old rules.
        const error = (await res.text()).trim();
        return { loaded: [], rejected: [...rejected, ...loaded.map((name) => ({ name, error }))] };
      }
      return { loaded, rejected };
    },
    async setRules(rules) {
      const result = await prometheus.loadRules(rules);
      if (result.rejected.length > 0)
        throw new PrometheusStartError(
          `prometheus refused the rule files: ${result.rejected.map((r) => `${r.name}: ${r.error}`).join('; ')}`,
        );
    },
    async alerts() {
      const res = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { data: { alerts: PrometheusAlert[] } };
      return body.data.alerts;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(pidFile, { force: true });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  return prometheus;
}
