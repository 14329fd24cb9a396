// The local engine: reads deploy/, runs its Rollout with a RolloutController, serves the active
// and preview Services on loopback ports, persists what it observed, and answers the API.
// Until a Git reconciler exists, deploy/ is read from the working tree and re-read on change;
// a change that does not parse keeps the last good spec running and is shown in status.
import { join, resolve } from 'node:path';
import type { EngineApi, EngineInfo, RolloutEntry } from '../model.ts';
import { PortInUseError, RolloutNotFoundError } from '../errors.ts';
import { EndpointTable } from '../runtime/endpoints.ts';
import { adoptOrReplace, StateStore } from '../runtime/state-store.ts';
import { ServiceRouter } from '../runtime/router.ts';
import type { BackoffPolicy } from '../runtime/backoff.ts';
import { LocalRegistry, type ImageResolver } from '../runtime/registry.ts';
import { loadDeploy, type DeployState } from './deploy.ts';
import { watchDeployDir } from './deploy-source.ts';
import { MigratingImageResolver, runMigrations } from './migrations.ts';
import { RolloutController } from './rollout-controller.ts';
import { readSecretsFile } from './secrets.ts';
import type { PersistedRollout } from './persisted-rollout.ts';
import { localNotes } from './notes.ts';

export interface EngineOptions {
  /** The Git repository whose commits are built into images (the local registry's source). */
  readonly repoDir: string;
  /** Folder of the Rollout, Services, ConfigMaps (default <repoDir>/deploy/apps/payments). */
  readonly deployDir?: string;
  /** Git-ignored runtime state (default <repoDir>/.quickship): registry/, state/, logs/. */
  readonly stateDir?: string;
  /** DATABASE_URL given to every instance and to migrations (the engine's private PostgreSQL). */
  readonly databaseUrl: string;
  /** PAYMENTS_API_KEYS for every instance. */
  readonly apiKeys: string;
  /** Active Service port (default 8080; 0 = any free port). */
  readonly activePort?: number;
  /** Preview Service port (default 8081; 0 = any free port). */
  readonly previewPort?: number;
  /** Another image resolver than the local registry (and whether to migrate before a build runs). */
  readonly images?: ImageResolver;
  readonly migrate?: boolean;
  readonly tickMs?: number;
  /** Re-read deploy/ when it changes (default true). */
  readonly watch?: boolean;
  readonly backoff?: BackoffPolicy;
  readonly minimumGracePeriodSeconds?: number;
  /** Router: how long a request waits for a ready endpoint before 503 (default 2000). */
  readonly emptyWaitMs?: number;
  readonly log?: (line: string) => void;
}

export class Engine implements EngineApi {
  readonly deployDir: string;
  readonly stateDir: string;
  private readonly startedAt = new Date().toISOString();
  private readonly endpoints = new EndpointTable();
  private readonly listeners = new Set<(entry: RolloutEntry) => void>();
  private readonly registry: ImageResolver;
  private readonly store: StateStore;
  private readonly images: MigratingImageResolver | ImageResolver;
  private controller!: RolloutController;
  private deploy!: DeployState;
  private loadError: string | undefined;
  private active!: ServiceRouter;
  private preview!: ServiceRouter;
  private urls: Record<string, string> = {};
  private watcher: { close(): void } | undefined;
  private emitTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: EngineOptions) {
    this.deployDir = resolve(options.deployDir ?? join(options.repoDir, 'deploy', 'apps', 'payments'));
    this.stateDir = resolve(options.stateDir ?? join(options.repoDir, '.quickship'));
    this.store = new StateStore(join(this.stateDir, 'state'));
    this.registry =
      options.images ?? new LocalRegistry({ repoDir: options.repoDir, registryDir: join(this.stateDir, 'registry') });
    this.images =
      options.migrate === false
        ? this.registry
        : new MigratingImageResolver(this.registry, async (image) => {
            this.log(
              `PreSync: migrating ${options.databaseUrl.replace(/\/\/[^@]*@/, '//')} for ${image.image} (${image.manifest.commit.slice(0, 12)})`,
            );
            this.log(`PreSync: ${await runMigrations(image, options.databaseUrl)}`);
          });
  }

  /** Loads deploy/ and the persisted state, re-adopts live instances, opens the Service ports. */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.boot();
    return engine;
  }

  private async boot(): Promise<void> {
    this.deploy = loadDeploy(this.deployDir);
    const spec = this.deploy.rollout;
    const persisted = await this.adoptable((await this.store.load(spec.name)) as PersistedRollout | undefined);
    const bg = spec.strategy.blueGreen;
    const emptyWaitMs = this.options.emptyWaitMs ?? 2000;
    this.active = new ServiceRouter({
      name: bg.activeService,
      endpoints: this.endpoints,
      port: this.options.activePort ?? 8080,
      emptyWaitMs,
    });
    this.preview = new ServiceRouter({
      name: bg.previewService ?? `${spec.name}-preview`,
      endpoints: this.endpoints,
      port: this.options.previewPort ?? 8081,
      emptyWaitMs,
    });
    const activeAddress = await listenOrExplain(this.active, '--active-port');
    const previewAddress = await listenOrExplain(this.preview, '--preview-port').catch(async (error: unknown) => {
      await this.active.close(0);
      throw error;
    });
    this.urls = {
      [this.active.name]: `http://${activeAddress.host}:${activeAddress.port}`,
      [this.preview.name]: `http://${previewAddress.host}:${previewAddress.port}`,
    };
    try {
      this.controller = new RolloutController(
        {
          images: this.images,
          endpoints: this.endpoints,
          logDir: join(this.stateDir, 'logs'),
          envSources: () => ({
            namespace: this.deploy.rollout.namespace,
            configMaps: this.deploy.configMaps,
            secrets: readSecretsFile(join(this.stateDir, 'secrets.json')),
            builtIns: { DATABASE_URL: this.options.databaseUrl, PAYMENTS_API_KEYS: this.options.apiKeys },
          }),
          setSelectors: (services) => {
            this.active.setSelector(services.active);
            this.preview.setSelector(services.preview);
          },
          onChange: () => this.changed(),
          log: (line) => this.log(line),
          ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
          ...(this.options.minimumGracePeriodSeconds === undefined
            ? {}
            : { minimumGracePeriodSeconds: this.options.minimumGracePeriodSeconds }),
        },
        spec,
        this.deploy.manifest,
        persisted,
      );
    } catch (error) {
      await Promise.all([this.active.close(0), this.preview.close(0)]);
      throw error;
    }
    this.refreshNotes();
    this.controller.start(this.options.tickMs ?? 250);
    if (this.options.watch !== false) this.watcher = watchDeployDir(this.deployDir, () => this.reload());
  }

  /**
   * Keeps the recorded instances that are still the same process and healthy (runtime's
   * adoptOrReplace stops the unhealthy ones; a reused pid is left alone); scaling replaces the rest.
   */
  private async adoptable(state: PersistedRollout | undefined): Promise<PersistedRollout | undefined> {
    if (!state) return undefined;
    const plan = await adoptOrReplace(state.instances, { timeoutSeconds: 3 });
    for (const { instance, reason } of [...plan.replaced, ...plan.gone])
      this.log(`not re-adopting ${instance.name}: ${reason}`);
    return { ...state, instances: plan.adopt };
  }

  /** Runs the PreSync migrations for the Rollout's current image now, if that image has a build. */
  async migrateCurrent(): Promise<void> {
    if (!(this.images instanceof MigratingImageResolver)) return;
    const resolved = await this.registry.resolve(this.controller.spec.container.image).catch(() => undefined);
    if (resolved) await this.images.migrated(resolved);
  }

  /** Re-reads deploy/ (called on change; also usable directly). */
  reload(): void {
    if (this.stopping) return;
    try {
      const next = loadDeploy(this.deployDir);
      if (next.rollout.name !== this.controller.name) {
        throw new Error(
          `the Rollout was renamed from "${this.controller.name}" to "${next.rollout.name}"; restart the engine to run the new one`,
        );
      }
      this.deploy = next;
      this.loadError = undefined;
      this.refreshNotes();
      this.controller.setDeploySpec(next.rollout, next.manifest);
    } catch (error) {
      this.loadError = (error as Error).message;
      this.log(`deploy/ not applied, the last good spec keeps running: ${this.loadError}`);
      this.refreshNotes();
    }
    this.changed();
  }

  private refreshNotes(): void {
    this.controller.others = this.deploy.others;
    this.controller.notes = [
      ...(this.loadError
        ? [`ComparisonError: deploy/ could not be applied (the last good spec runs): ${this.loadError}`]
        : []),
      ...localNotes({ services: this.urls, deploy: this.deploy }),
    ];
  }

  // --- EngineApi ---

  info(): EngineInfo {
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      deployDir: this.deployDir,
      stateDir: this.stateDir,
      services: { ...this.urls },
      clusterOnly: this.deploy.others.map((o) => `${o.kind}/${o.name}`),
    };
  }

  list(): Promise<readonly RolloutEntry[]> {
    return Promise.resolve([this.controller.entry()]);
  }

  get(name: string): Promise<RolloutEntry> {
    return Promise.resolve(this.find(name).entry());
  }

  promote(name: string, options: { readonly full: boolean }): Promise<string> {
    return this.act(name, (c) => c.promote(options.full));
  }
  abort(name: string): Promise<string> {
    return this.act(name, (c) => c.abort());
  }
  retry(name: string): Promise<string> {
    return this.act(name, (c) => c.retry());
  }
  undo(name: string, options: { readonly toRevision?: number }): Promise<string> {
    return this.act(name, (c) => c.undo(options.toRevision));
  }
  restart(name: string): Promise<string> {
    return this.act(name, (c) => c.restart());
  }

  subscribe(listener: (entry: RolloutEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Instances with pids and ports (tests, and a later console). */
  instances(): ReturnType<RolloutController['instances']> {
    return this.controller.instances();
  }

  /** The Service routers (for tests and the benchmark: stats, selectors). */
  routers(): { readonly active: ServiceRouter; readonly preview: ServiceRouter } {
    return { active: this.active, preview: this.preview };
  }

  /** Service URLs by role. */
  serviceUrls(): { readonly active: string; readonly preview: string } {
    return { active: this.urls[this.active.name] ?? '', preview: this.urls[this.preview.name] ?? '' };
  }

  /**
   * Stops everything: no more reconciles, the Service ports close after in-flight requests,
   * every instance is terminated (preStop, SIGTERM, SIGKILL after its grace period), state saved.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.watcher?.close();
      clearTimeout(this.emitTimer);
      this.controller.halt();
      await Promise.all([this.active.close(), this.preview.close()]);
      await this.controller.shutdown();
      await this.persistNow();
    })();
    return this.stopping;
  }

  /** Leaves the processes running and saves their pids and ports (an engine crash, for re-adoption). */
  async detach(): Promise<void> {
    this.stopping ??= (async () => {
      this.watcher?.close();
      clearTimeout(this.emitTimer);
      this.controller.halt();
      await this.persistNow();
      await Promise.all([this.active.close(2000), this.preview.close(2000)]);
    })();
    return this.stopping;
  }

  /** Last resort (a second Ctrl-C): SIGKILL every instance's process group now. */
  killAll(): void {
    this.controller.halt();
    for (const instance of this.controller.persisted().instances) {
      try {
        process.kill(-instance.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private act(name: string, verb: (controller: RolloutController) => string): Promise<string> {
    try {
      return Promise.resolve(verb(this.find(name)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private find(name: string): RolloutController {
    if (name !== this.controller.name) {
      throw new RolloutNotFoundError(
        `rollout '${name}' not found; the engine runs '${this.controller.name}'`,
        `use \`quickship status ${this.controller.name}\``,
      );
    }
    return this.controller;
  }

  /** Persists soon and tells watchers, both coalesced (an instance change comes in bursts). */
  private changed(): void {
    if (this.stopping) return;
    this.store.saveSoon(() => this.controller.persisted());
    this.emitTimer ??= setTimeout(() => {
      this.emitTimer = undefined;
      if (this.listeners.size === 0) return;
      const entry = this.controller.entry();
      for (const listener of this.listeners) listener(entry);
    }, 50);
  }

  /** Writes the state now (after any coalesced save), e.g. before exiting. */
  private async persistNow(): Promise<void> {
    await this.store.flush();
    await this.store.save(this.controller.persisted());
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.log(l)))(line);
  }
}

async function listenOrExplain(router: ServiceRouter, flag: string): Promise<{ host: string; port: number }> {
  try {
    return await router.listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`the port of Service ${router.name}`, flag);
    }
    throw error;
  }
}
