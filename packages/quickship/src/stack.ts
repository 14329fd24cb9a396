// Everything `quickship up` starts, in order, and stops in reverse: the private PostgreSQL
// (.quickship/pg), the dev API key, a build of the current commit when the Rollout's tag has
// none, the local Prometheus (.quickship/prometheus; unless analysis is skipped), the engine
// (Rollout + Service routers; migrations run before the first instance of a build; Prometheus'
// targets and rules), and the loopback API. Tests and the benchmark start the same stack.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort, startPostgres, type PostgresCluster } from '@quickship/pglocal';
import { PortInUseError } from './errors.ts';
import { startApiServer, type ApiServer } from './api/server.ts';
import type { ConsoleServer } from './console/server.ts';
import { DEFAULT_API_PORT } from './api/protocol.ts';
import { LocalRegistry } from './runtime/registry.ts';
import { parseImageReference } from './core/image-ref.ts';
import type { BackoffPolicy } from './runtime/backoff.ts';
import { ImagePullError, OutdatedBuildError } from './runtime/errors.ts';
import { loadDeploy } from './engine/deploy.ts';
import { Engine } from './engine/engine.ts';
import { apiKeys, type ApiKeys } from './engine/secrets.ts';
import { GitSource } from './gitops/git-source.ts';
import type { HealthAssessor } from './gitops/app-controller.ts';
import { argoHealth } from './gitops/health-assessor.ts';
import { splitManifests } from './core/manifests.ts';
import { isRollout, parseRollout } from './core/spec.ts';
import {
  PROMETHEUS_BINARY,
  PrometheusNotInstalledError,
  startPrometheus,
  type LocalPrometheus,
} from './runtime/prometheus.ts';
import type { AnalysisMode } from './monitoring/mode.ts';

export interface StackOptions {
  readonly repoDir: string;
  readonly deployDir?: string;
  /** Default <repoDir>/.quickship. */
  readonly stateDir?: string;
  readonly activePort?: number;
  readonly previewPort?: number;
  readonly apiPort?: number;
  /** Use this database instead of starting the private PostgreSQL. */
  readonly databaseUrl?: string;
  /** Build HEAD under the Rollout's tag when that tag has no build (default true). */
  readonly build?: boolean;
  readonly tickMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly minimumGracePeriodSeconds?: number;
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** GitOps mode: repoURL → local path (`--repo-map`). */
  readonly repoMap?: ReadonlyMap<string, string>;
  readonly pollMs?: number;
  readonly health?: HealthAssessor;
  /**
   * 'skipped' (`--no-analysis`): no Prometheus is started; every analysis shows as Skipped.
   * Default 'enabled': a missing Prometheus binary stops the start with how to install it.
   */
  readonly analysis?: AnalysisMode;
  /** Prometheus' loopback port (`--prometheus-port`; default 0: a free one). */
  readonly prometheusPort?: number;
  /** Scrape every target at this interval instead of its ServiceMonitor's (tests, benches). */
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  /** Default $QUICKSHIP_PROMETHEUS or /usr/bin/prometheus. */
  readonly prometheusBinary?: string;
  /** Serve the web console on this port (0: a free one); undefined: no console (tests). */
  readonly consolePort?: number;
  /** A Prometheus the console queries when the stack runs none of its own (--no-analysis). */
  readonly prometheusUrl?: string;
}

/** The image of the Rollout under deploy/apps/payments at HEAD (undefined when there is none). */
async function rolloutImageAtHead(repoDir: string): Promise<string | undefined> {
  const git = new GitSource(repoDir);
  const commit = await git.resolve('HEAD');
  for (const file of await git.files(commit, 'deploy/apps/payments', true)) {
    for (const doc of splitManifests(file.text, file.path)) {
      if (isRollout(doc.object)) return parseRollout(doc.object).container.image;
    }
  }
  return undefined;
}

export interface LocalStack {
  readonly engine: Engine;
  readonly api: ApiServer;
  /** The web console, when consolePort was given. */
  readonly console?: ConsoleServer;
  readonly apiKeys: ApiKeys;
  readonly databaseUrl: string;
  /** What was built at start, if anything. */
  readonly built?: { readonly tag: string; readonly commit: string };
  /** The local Prometheus (its URL also went to the engine as `prometheusUrl`); absent when skipped. */
  readonly prometheus?: LocalPrometheus;
  readonly prometheusUrl?: string;
  readonly analysis: AnalysisMode;
  /** Drains and stops everything (instances, routers, API, Prometheus, PostgreSQL). */
  stop(): Promise<void>;
  /** Second Ctrl-C: SIGKILL every instance and stop PostgreSQL at once. */
  kill(): Promise<void>;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const repoDir = resolve(options.repoDir);
  const stateDir = resolve(options.stateDir ?? join(repoDir, '.quickship'));
  const log = options.log ?? ((line: string) => console.log(line));
  const deployDir = options.deployDir === undefined ? undefined : resolve(options.deployDir);
  // Fail on a bad deploy/ or a taken port before starting anything. GitOps mode reads the
  // Rollout's image from HEAD only to know which tag `npm start` builds when it has no build.
  const image = deployDir ? loadDeploy(deployDir).rollout.container.image : await rolloutImageAtHead(repoDir);
  const analysis = options.analysis ?? 'enabled';
  const prometheusBinary =
    options.prometheusBinary ?? (options.env ?? process.env).QUICKSHIP_PROMETHEUS ?? PROMETHEUS_BINARY;
  if (analysis === 'enabled' && !existsSync(prometheusBinary)) throw new PrometheusNotInstalledError(prometheusBinary);
  for (const [flag, port] of [
    ['--active-port', options.activePort ?? 8080],
    ['--preview-port', options.previewPort ?? 8081],
    ['--api-port', options.apiPort ?? DEFAULT_API_PORT],
    ['--prometheus-port', analysis === 'enabled' ? (options.prometheusPort ?? 0) : 0],
    ['--console-port', options.consolePort ?? 0],
  ] as const) {
    if (port !== 0 && !(await portIsFree(port))) {
      throw new PortInUseError(`127.0.0.1:${port}`, flag);
    }
  }

  const built =
    options.build === false || image === undefined ? undefined : await buildIfMissing(repoDir, stateDir, image, log);
  const keys = apiKeys(join(stateDir, 'state'), options.env ?? process.env);

  let pg: PostgresCluster | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    pg = await startPrivatePostgres(join(stateDir, 'pg'), join(stateDir, 'state'));
    databaseUrl = await pg.createDatabase('payments');
    log(`PostgreSQL ${pg.dataDir} on 127.0.0.1:${pg.port}`);
  }

  let prometheus: LocalPrometheus | undefined;
  let engine: Engine | undefined;
  let api: ApiServer | undefined;
  let consoleServer: ConsoleServer | undefined;
  const prometheusUrl = (): string | undefined => prometheus?.url ?? options.prometheusUrl;
  try {
    if (analysis === 'enabled') {
      prometheus = await startPrometheus({
        dir: join(stateDir, 'prometheus'),
        binary: prometheusBinary,
        ...(options.prometheusPort ? { port: options.prometheusPort } : {}),
        ...(options.scrapeIntervalSeconds === undefined
          ? {}
          : { scrapeIntervalSeconds: options.scrapeIntervalSeconds }),
        ...(options.evaluationIntervalSeconds === undefined
          ? {}
          : { evaluationIntervalSeconds: options.evaluationIntervalSeconds }),
      });
      log(`Prometheus ${join(stateDir, 'prometheus')} on ${prometheus.url}`);
    } else log('Prometheus not started (--no-analysis): every analysis shows as Skipped');
    engine = await Engine.start({
      repoDir,
      ...(deployDir
        ? { deployDir }
        : {
            gitops: {
              health: options.health ?? argoHealth,
              ...(options.repoMap ? { repoMap: options.repoMap } : {}),
              ...(options.pollMs ? { pollMs: options.pollMs } : {}),
            },
          }),
      stateDir,
      databaseUrl,
      apiKeys: keys.value,
      ...(options.activePort === undefined ? {} : { activePort: options.activePort }),
      ...(options.previewPort === undefined ? {} : { previewPort: options.previewPort }),
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.minimumGracePeriodSeconds === undefined
        ? {}
        : { minimumGracePeriodSeconds: options.minimumGracePeriodSeconds }),
      ...(prometheus ? { prometheus, prometheusUrl: prometheus.url } : {}),
      analysis,
      log,
    });
    if (deployDir) await engine.migrateCurrent();
    api = await startApiServer({ engine, port: options.apiPort ?? DEFAULT_API_PORT });
    if (options.consolePort !== undefined) {
      const { startConsole } = await import('./console/index.ts');
      consoleServer = await startConsole({ apiUrl: api.url, port: options.consolePort, prometheusUrl });
    }
  } catch (error) {
    await api?.close();
    await engine?.stop();
    await prometheus?.stop();
    await pg?.stop();
    throw error;
  }
  const running = { engine, api, ...(consoleServer ? { console: consoleServer } : {}) };
  let stopping: Promise<void> | undefined;
  return {
    ...running,
    apiKeys: keys,
    databaseUrl,
    ...(built ? { built } : {}),
    ...(prometheus ? { prometheus, prometheusUrl: prometheus.url } : {}),
    analysis,
    stop: () =>
      (stopping ??= (async () => {
        await running.console?.close();
        await running.api.close();
        await running.engine.stop();
        await prometheus?.stop();
        await pg?.stop();
      })()),
    kill: async () => {
      running.engine.killAll();
      prometheus?.kill();
      await pg?.halt('immediate');
    },
  };
}

/** `npm start` builds the current commit if the Rollout's image tag has no build yet. */
async function buildIfMissing(
  repoDir: string,
  stateDir: string,
  image: string,
  log: (line: string) => void,
): Promise<{ tag: string; commit: string } | undefined> {
  const registry = new LocalRegistry({ repoDir, registryDir: join(stateDir, 'registry') });
  let outdated: OutdatedBuildError | undefined;
  try {
    await registry.resolve(image);
    return undefined;
  } catch (error) {
    if (!(error instanceof ImagePullError)) return undefined; // InvalidImageName: status shows it
    if (error instanceof OutdatedBuildError) outdated = error;
  }
  const tag = parseImageReference(image).tag;
  if (tag === undefined) return undefined;
  // A build an older quickship made is rebuilt from its own commit (tags are immutable).
  const result = await registry.build({ tag, ...(outdated ? { commit: outdated.commit } : {}) });
  log(
    outdated
      ? `rebuilt ${registry.repository}:${tag} from ${result.manifest.commit.slice(0, 12)} in the image layout (it was built by an older quickship)`
      : `built ${registry.repository}:${tag} from HEAD ${result.manifest.commit.slice(0, 12)} (the Rollout's tag had no build)${result.uncommittedChanges ? '; uncommitted changes are not in it' : ''}`,
  );
  return { tag, commit: result.manifest.commit };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The private PostgreSQL keeps its port across runs, so re-adopted instances' DATABASE_URL stays
 * valid; when something else took that port meanwhile, it moves to a free one.
 */
async function startPrivatePostgres(dataDir: string, stateDir: string): Promise<PostgresCluster> {
  const file = join(stateDir, 'pg-port');
  const saved = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : Number.NaN;
  const remember = (port: number): void => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, `${port}\n`);
  };
  // A cluster left running by a killed `up` holds its own port (startPostgres stops it first).
  const ours = existsSync(join(dataDir, 'postmaster.pid'));
  if (Number.isInteger(saved) && saved > 0 && (ours || (await portIsFree(saved))))
    return startPostgres({ dataDir, port: saved });
  const port = await freePort();
  remember(port);
  return startPostgres({ dataDir, port });
}
