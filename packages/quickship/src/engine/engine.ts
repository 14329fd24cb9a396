// The local engine: runs the Rollout with a RolloutController, serves the active and preview
// Services on loopback ports, persists what it observed, and answers the API.
// Two sources of the Rollout:
//   GitOps (default): Argo CD's way. The root Application (deploy/argocd/root.yaml at HEAD, as
//     Terraform creates it in the cluster) is put in the live object store; the application
//     controller (gitops/) syncs the Applications from Git commits into the store, a local Job
//     controller runs hook Jobs (the PreSync migration), and the Rollout controller works from the
//     Rollout object in the store and writes its status back there.
//   --dir (development and the older tests): deploy/ read from the working tree, re-read on
//     change; a change that does not parse keeps the last good spec running.
import { join, resolve } from 'node:path';
import type { EngineApi, EngineInfo, RolloutEntry } from '../model.ts';
import { PortInUseError, RolloutNotFoundError, UserError, VerbNotApplicableError } from '../errors.ts';
import { runResourceAction } from '../gitops/actions/actions.ts';
import { actionPatch, type ActionPatch } from '../gitops/actions/patch.ts';
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
import { PLUGIN_MANAGER, ROLLOUT_CONTROLLER_MANAGER } from './fields-managers.ts';
import { ObjectStore, type WatchEvent } from '../store/object-store.ts';
import type { KubeObject } from '../store/object.ts';
import { loadSnapshot, SnapshotWriter } from '../store/persist.ts';
import { APP_CONTROLLER_MANAGER, AppController, type HealthAssessor } from '../gitops/app-controller.ts';
import { EventRecorder } from '../store/events.ts';
import { RepoResolver } from '../gitops/repos.ts';
import { GitSource } from '../gitops/git-source.ts';
import { deployFromStore } from './deploy.ts';
import { JobController } from './job-controller.ts';
import { imageJobLauncher } from './job-launcher.ts';
import { migrationGate } from './migration-gate.ts';
import type { LocalPrometheus } from '../runtime/prometheus.ts';
import type { MonitoredPod } from '../runtime/prometheus-config.ts';
import { Monitoring } from '../monitoring/monitoring.ts';
import { monitoringKinds, type AnalysisMode } from '../monitoring/mode.ts';
import type { AlertsResponse } from '../monitoring/alerts.ts';
import { PrometheusNotRunningError } from '../monitoring/errors.ts';
import { readDeployDir } from './deploy-source.ts';
import { splitManifests } from '../core/manifests.ts';
import { revertLastRelease } from '../release/revert.ts';
import { AnalysisController } from './analysis-controller.ts';
import type { AnalysisRun } from '../analysis/index.ts';

/** Reasons Argo Rollouts records as Warning events (the rest are Normal). */
const WARNING_REASONS: ReadonlySet<string> = new Set([
  'RolloutAborted',
  'ProgressDeadlineExceeded',
  'RolloutNotCompleted',
  'Failed',
  'InvalidSpec',
]);

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
  /** GitOps mode settings (used when deployDir is not given). */
  readonly gitops?: GitOpsOptions;
  /**
   * The local Prometheus (the stack starts and stops it): its file_sd targets follow every
   * instance and ServiceMonitor, its rule files the PrometheusRules (monitoring/).
   */
  readonly prometheus?: LocalPrometheus;
  /**
   * That Prometheus' URL, which AnalysisRuns' prometheus metrics query. Absent (`--no-analysis`):
   * every AnalysisRun is written as skipped (Inconclusive, never Successful) and a release needs
   * `promote --full` (engine/analysis-controller.ts).
   */
  readonly prometheusUrl?: string;
  /**
   * 'skipped' (`up --no-analysis`): no Prometheus runs; every analysis shows as Skipped, never
   * Successful. Default 'enabled'.
   */
  readonly analysis?: AnalysisMode;
}

export interface GitOpsOptions {
  /** The root Application's file in the repository (default deploy/argocd/root.yaml), read at HEAD. */
  readonly rootApp?: string;
  /** repoURL → local clone or path (default: every repoURL is this repository). */
  readonly repoMap?: ReadonlyMap<string, string>;
  /** How often Git is polled (default 500 ms; Argo CD polls every 120 s + jitter, or on a webhook). */
  readonly pollMs?: number;
  /** How long start-up waits for the first sync to create the Rollout (default 300 s). */
  readonly firstSyncTimeoutMs?: number;
  /** Argo CD's health assessment (gitops/health). */
  readonly health: HealthAssessor;
}

export class FirstSyncError extends UserError {
  constructor(message: string) {
    super(
      message,
      'fix what the Application status says in Git and commit (`quickship app get payments` once up)',
      'Conflict',
    );
  }
}

export class Engine implements EngineApi {
  readonly deployDir: string;
  readonly stateDir: string;
  private readonly startedAt = new Date().toISOString();
  private readonly endpoints = new EndpointTable();
  private readonly listeners = new Set<(entry: RolloutEntry) => void>();
  private readonly registry: ImageResolver;
  private readonly state: StateStore;
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
  /** GitOps mode: the live objects, the application controller and the Job controller. */
  readonly store: ObjectStore | undefined;
  private apps: AppController | undefined;
  private repos: RepoResolver | undefined;
  private rolloutEvents: EventRecorder | undefined;
  private jobs: JobController | undefined;
  private snapshots: SnapshotWriter | undefined;
  private unwatchStore: (() => void) | undefined;
  private statusTimer: NodeJS.Immediate | undefined;
  private writingVerb = false;
  /** The local Prometheus' targets and rules (when the stack started one). */
  private monitoring: Monitoring | undefined;
  /** --dir mode: the deploy/ objects monitoring reads (GitOps mode reads the live store). */
  private dirObjects: readonly KubeObject[] = [];
  private analysis: AnalysisController | undefined;

  private constructor(private readonly options: EngineOptions) {
    this.deployDir = resolve(options.deployDir ?? join(options.repoDir, 'deploy', 'apps', 'payments'));
    this.stateDir = resolve(options.stateDir ?? join(options.repoDir, '.quickship'));
    this.state = new StateStore(join(this.stateDir, 'state'));
    if (options.deployDir === undefined) {
      const file = join(this.stateDir, 'state', 'objects.json');
      this.store = new ObjectStore(loadSnapshot(file));
      this.snapshots = new SnapshotWriter(file, () => this.store!.snapshot());
    }
    this.registry =
      options.images ?? new LocalRegistry({ repoDir: options.repoDir, registryDir: join(this.stateDir, 'registry') });
    this.images =
      options.migrate === false || this.store
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
    const appsStarted = this.store ? await this.bootGitOps(this.store) : true;
    this.deploy = this.store ? deployFromStore(this.store, 'the live store') : loadDeploy(this.deployDir);
    const spec = this.deploy.rollout;
    const saved = (await this.state.load(spec.name)) as PersistedRollout | undefined;
    // GitOps: the live Rollout object is the spec; the persisted one is only for --dir mode.
    const persisted = await this.adoptable(
      saved && this.store ? { ...saved, spec: undefined, base: undefined } : saved,
    );
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
    const secretsFile = join(this.stateDir, 'secrets.json');
    this.analysis = new AnalysisController({
      ...(this.store ? { store: this.store } : {}),
      templates: () => this.deploy.analysisTemplates,
      ...(this.prometheusUrl === undefined ? {} : { prometheusUrl: this.prometheusUrl }),
      images: this.registry,
      logDir: join(this.stateDir, 'logs'),
      servicePorts: () => this.servicePorts(),
      // The same local secret store and built-ins as instances and Jobs get (engine/env.ts), so
      // the smoke Job's secretKeyRef PAYMENTS_API_KEYS resolves as the Rollout's pods' does.
      secrets: (name, key) => readSecretsFile(secretsFile).get(name)?.[key] ?? this.builtInSecrets()[key],
      onChange: () => {
        this.controller?.requestReconcile();
        this.changed();
      },
      log: (line) => this.log(line),
    });
    const analysis = this.analysis;
    try {
      this.controller = new RolloutController(
        {
          analysis: {
            summaries: (rollout) => analysis.summaries(rollout),
            objects: (rollout) => analysis.objects(rollout),
            cancel: (name) => analysis.cancel(name),
            // The owner reference names the live object's uid (GitOps mode: the store's Rollout).
            create: (request) =>
              analysis.create({ ...request, rolloutObject: this.liveRolloutObject(request.rolloutObject) }),
          },
          images: this.images,
          endpoints: this.endpoints,
          logDir: join(this.stateDir, 'logs'),
          envSources: () => ({
            namespace: this.deploy.rollout.namespace,
            configMaps: this.deploy.configMaps,
            secrets: readSecretsFile(join(this.stateDir, 'secrets.json')),
            builtIns: this.builtInSecrets(),
          }),
          setSelectors: (services) => {
            this.active.setSelector(services.active);
            this.preview.setSelector(services.preview);
          },
          onChange: () => this.changed(),
          log: (line) => this.log(line),
          onEvent: (reason, message) => this.recordRolloutEvent(reason, message),
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
    if (this.options.prometheus) {
      if (!this.store) this.dirObjects = readDirObjects(this.deployDir);
      this.monitoring = new Monitoring({
        prometheus: this.options.prometheus,
        objects: () => (this.store ? this.store.list({}) : this.dirObjects),
        pods: () => this.pods(),
        log: (line) => this.log(line),
        onChange: () => {
          this.refreshNotes();
          this.changed();
        },
      });
      this.monitoring.refresh();
    }
    this.refreshNotes();
    this.controller.start(this.options.tickMs ?? 250);
    if (!appsStarted) this.startApps();
    if (this.store) {
      const store = this.store;
      this.unwatchStore = store.watch((event) => this.onStoreEvent(event));
      this.writeRolloutStatus();
    } else if (this.options.watch !== false) this.watcher = watchDeployDir(this.deployDir, () => this.reload());
  }

  /**
   * GitOps start: the root Application (as Terraform creates it), the Job controller (hooks), the
   * application controller; then wait for the first sync to put the Rollout in the store.
   */
  /** Starts the GitOps controllers; false when the application controller is left to start after boot (a restart). */
  private async bootGitOps(store: ObjectStore): Promise<boolean> {
    const gitops = this.options.gitops;
    if (!gitops) throw new Error('GitOps mode needs options.gitops.health');
    store.watch(() => this.snapshots?.changed());
    const rootFile = gitops.rootApp ?? 'deploy/argocd/root.yaml';
    if (store.list({ kind: 'Application' }).length === 0) {
      const root = await readRootApplication(this.options.repoDir, rootFile);
      store.apply(root, 'terraform');
      this.log(
        `bootstrap: Application ${root.metadata.name} from ${rootFile} at HEAD (as Terraform's argocd_root creates it)`,
      );
    }
    this.jobs = new JobController(
      store,
      imageJobLauncher(this.registry, join(this.stateDir, 'logs')),
      (namespace) => ({
        namespace,
        configMaps: configMapsOf(store, namespace),
        secrets: readSecretsFile(join(this.stateDir, 'secrets.json')),
        builtIns: this.builtInSecrets(),
      }),
      (line) => this.log(line),
    );
    this.jobs.start();
    this.apps = new AppController({
      store,
      repos: (this.repos = new RepoResolver(this.options.repoDir, gitops.repoMap)),
      events: new EventRecorder(store, APP_CONTROLLER_MANAGER),
      health: gitops.health,
      // With Prometheus running, ServiceMonitors and PrometheusRules are run, not just stored.
      localKinds: this.options.prometheus ? new Set([...LOCAL_KINDS, ...MONITORING_KINDS]) : LOCAL_KINDS,
      log: (line) => this.log(`app ${line}`),
      onChange: () => this.changed(),
      beforeHook: migrationGate({
        repoDir: this.options.repoDir,
        databaseUrl: this.options.databaseUrl,
        images: this.registry,
        stableImage: () => this.stableImage(store),
        log: (line) => this.log(line),
      }),
    });
    // A restart (the live store already holds the Rollout): the Service ports reopen first, with
    // the adopted instances behind them, and the application controller starts after that (end of
    // boot), so reading Git and syncing do not compete with the data plane coming back.
    if (store.list({ kind: 'Rollout', group: 'argoproj.io' }).length > 0) return false;
    this.startApps();
    await this.firstSync(store, gitops.firstSyncTimeoutMs ?? 300_000);
    return true;
  }

  private startApps(): void {
    this.apps?.start(this.options.gitops?.pollMs ?? 500);
  }

  /**
   * The image of the Rollout's stable ReplicaSet, for the migration gate. Undefined only when no
   * Rollout exists yet (the first sync: nothing serves). After a restart the store already holds
   * the Rollout while the controller is still being built: the gate waits for it (at most 60 s),
   * so a commit made while the engine was down is not synced unchecked.
   */
  private async stableImage(store: ObjectStore): Promise<string | undefined> {
    const deadline = Date.now() + 60_000;
    while (!(this.controller as RolloutController | undefined) && !this.stopping && Date.now() < deadline) {
      if (store.list({ kind: 'Rollout', group: 'argoproj.io' }).length === 0) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
    const controller = this.controller as RolloutController | undefined;
    if (!controller)
      throw new UserError(
        'the Rollout controller did not start within 60 s, so the stable build the migrations must not break is unknown',
        'sync again once the engine is up: quickship app sync payments',
        'Conflict',
      );
    return controller.entry().view.revisions.find((r) => r.markers.includes('stable'))?.image;
  }

  private async firstSync(store: ObjectStore, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let said = '';
    while (store.list({ kind: 'Rollout', group: 'argoproj.io' }).length === 0) {
      const problems = store
        .list({ kind: 'Application' })
        .map((app) => {
          const status = app.status as
            | {
                operationState?: { phase?: string; message?: string };
                conditions?: { type: string; message: string }[];
              }
            | undefined;
          const condition = status?.conditions?.[0];
          if (condition) return `Application ${app.metadata.name}: ${condition.type}: ${condition.message}`;
          if (status?.operationState?.phase === 'Failed' || status?.operationState?.phase === 'Error')
            return `Application ${app.metadata.name}: sync ${status.operationState.phase}: ${status.operationState.message ?? ''}`;
          return '';
        })
        .filter(Boolean);
      if (problems.length > 0 && !problems.some((p) => p.includes('Retrying'))) {
        await this.stopGitOps();
        throw new FirstSyncError(`the first sync did not create the Rollout:\n  ${problems.join('\n  ')}`);
      }
      if (Date.now() > deadline) {
        await this.stopGitOps();
        throw new FirstSyncError(`no Rollout in the live store after ${Math.round(timeoutMs / 1000)} s of syncing`);
      }
      const progress = store
        .list({ kind: 'Application' })
        .map(
          (a) =>
            `${a.metadata.name}: ${(a.status as { operationState?: { message?: string } } | undefined)?.operationState?.message ?? 'comparing'}`,
        )
        .join('; ');
      if (progress !== said) this.log(`waiting for the first sync: ${(said = progress)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async stopGitOps(): Promise<void> {
    this.apps?.stop();
    this.jobs?.stop();
    this.unwatchStore?.();
    this.snapshots?.flush();
  }

  /** A change in the store: the Rollout's spec or a ConfigMap changed (a sync, a heal, a patch). */
  private onStoreEvent(event: WatchEvent): void {
    if (this.stopping) return;
    if (event.manager === ROLLOUT_CONTROLLER_MANAGER) return;
    const kind = event.object.kind;
    if (kind === 'Service' || monitoringKinds.has(kind)) this.monitoring?.refresh();
    if (kind !== 'Rollout' && kind !== 'ConfigMap' && kind !== 'Service') return;
    if (this.writingVerb) return; // our own verb's patch: the controller already runs that spec
    this.reload();
  }

  /** "<service>.<namespace>" → the loopback port of the active and preview Services. */
  private servicePorts(): Map<string, number> {
    const namespace = this.deploy.rollout.namespace;
    const ports = new Map<string, number>();
    for (const router of [this.active, this.preview]) {
      const port = Number(new URL(this.urls[router.name] ?? 'http://x:0').port);
      if (port > 0) ports.set(`${router.name}.${namespace}`, port);
    }
    return ports;
  }

  /** The Rollout object with the store's metadata (uid) when there is a store. */
  private liveRolloutObject(rollout: unknown): unknown {
    const spec = this.deploy.rollout;
    const live = this.store?.get({ group: 'argoproj.io', kind: 'Rollout', namespace: spec.namespace, name: spec.name });
    if (!live) return rollout;
    return { ...(rollout as Record<string, unknown>), metadata: live.metadata };
  }

  /** Values the engine itself provides by secret key (engine/env.ts `builtIns`). */
  private builtInSecrets(): Record<string, string> {
    return { DATABASE_URL: this.options.databaseUrl, PAYMENTS_API_KEYS: this.options.apiKeys };
  }

  /** The engine's AnalysisRuns (API, CLI, tests). */
  analysisRuns(): AnalysisController | undefined {
    return this.analysis;
  }

  /** Every AnalysisRun of this engine, in both modes (GET /api/v1/analysisruns). */
  listAnalysisRuns(): readonly AnalysisRun[] {
    return this.analysis?.list() ?? [];
  }

  /**
   * The Rollouts controller's events as core/v1 Events on the live Rollout (GitOps mode), as
   * `kubectl describe rollout` shows them; Warning for the reasons upstream records as warnings.
   */
  private recordRolloutEvent(reason: string, message: string): void {
    const store = this.store;
    if (!store || this.stopping) return;
    const spec = this.deploy.rollout;
    const live = store.get({ group: 'argoproj.io', kind: 'Rollout', namespace: spec.namespace, name: spec.name });
    if (!live) return;
    this.rolloutEvents ??= new EventRecorder(store, 'rollouts-controller');
    this.rolloutEvents.record(live, { reason, message, type: WARNING_REASONS.has(reason) ? 'Warning' : 'Normal' });
  }

  /** Writes the Rollout's status (Argo's shape) into the store: what Argo CD's health reads. */
  private writeRolloutStatus(): void {
    const store = this.store;
    if (!store || this.stopping) return;
    const entry = this.controller.entry();
    const rollout = entry.rollout as KubeObject;
    const ref = {
      group: 'argoproj.io',
      kind: 'Rollout',
      namespace: this.controller.spec.namespace,
      name: this.controller.name,
    };
    store.setStatus(
      ref,
      { ...(rollout.status as Record<string, unknown>), observedGeneration: this.observedGeneration(store.get(ref)) },
      ROLLOUT_CONTROLLER_MANAGER,
    );
  }

  /**
   * status.observedGeneration as Argo Rollouts v0.10+ writes it: the object's metadata.generation
   * (as a string) once the controller runs the spec of that generation. The controller's own status
   * keeps a spec fingerprint there (core/phase.ts); every store event reloads the spec at once, so
   * the controller runs the live generation unless that spec failed to load (then the last one
   * observed stays, and Argo CD's health reads "waiting for rollout spec update to be observed").
   */
  private observedGeneration(live: KubeObject | undefined): string | undefined {
    const observed = this.loadError === undefined && this.controller.observedSpec;
    const previous = (live?.status as Record<string, unknown> | undefined)?.observedGeneration;
    if (observed && live?.metadata.generation !== undefined) return String(live.metadata.generation);
    return typeof previous === 'string' && /^\d+$/.test(previous) ? previous : undefined;
  }

  /** After a verb: the live spec (paused, restartAt, template) patched into the store, as the plugin patches the object. */
  private writeVerbSpec(): void {
    const store = this.store;
    if (!store) return;
    const spec = this.controller.spec;
    this.writingVerb = true;
    try {
      store.patch(
        { group: 'argoproj.io', kind: 'Rollout', namespace: spec.namespace, name: spec.name },
        { spec: { paused: spec.paused ? true : null, restartAt: spec.restartAt ?? null, template: spec.template } },
        PLUGIN_MANAGER,
      );
    } finally {
      this.writingVerb = false;
    }
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
      const next = this.store ? deployFromStore(this.store, 'the live store') : loadDeploy(this.deployDir);
      if (next.rollout.name !== this.controller.name) {
        throw new Error(
          `the Rollout was renamed from "${this.controller.name}" to "${next.rollout.name}"; restart the engine to run the new one`,
        );
      }
      this.deploy = next;
      this.loadError = undefined;
      if (!this.store && this.monitoring) {
        this.dirObjects = readDirObjects(this.deployDir);
        this.monitoring.refresh();
      }
      this.refreshNotes();
      if (this.store) this.controller.setLiveSpec(next.rollout, next.manifest);
      else this.controller.setDeploySpec(next.rollout, next.manifest);
    } catch (error) {
      this.loadError = (error as Error).message;
      this.log(`deploy/ not applied, the last good spec keeps running: ${this.loadError}`);
      this.refreshNotes();
    }
    this.changed();
  }

  private refreshNotes(): void {
    // ServiceMonitors and PrometheusRules run locally when Prometheus does: no longer "cluster only".
    this.controller.others = this.monitoring
      ? this.deploy.others.filter((o) => !monitoringKinds.has(o.kind))
      : this.deploy.others;
    this.controller.notes = [
      ...(this.loadError
        ? [
            this.store
              ? `InvalidSpec: the live Rollout cannot run (the last good spec runs): ${this.loadError}`
              : `ComparisonError: deploy/ could not be applied (the last good spec runs): ${this.loadError}`,
          ]
        : []),
      ...this.appNotes(),
      ...(this.analysisMode() === 'skipped'
        ? [
            'local: analysis skipped (started with --no-analysis): no Prometheus runs, every AnalysisRun shows as Skipped (never Successful), ServiceMonitors and PrometheusRules are not run, `quickship alerts` has nothing to list',
          ]
        : []),
      ...(this.monitoring?.notes() ?? []),
      ...localNotes({ services: this.urls, deploy: this.deploy }),
    ];
  }

  /** 'skipped' when started with --no-analysis (no Prometheus): every analysis shows as Skipped. */
  analysisMode(): AnalysisMode {
    return this.options.analysis ?? 'enabled';
  }

  /** The local Prometheus' URL (undefined in skipped mode). */
  get prometheusUrl(): string | undefined {
    return this.options.prometheusUrl ?? this.options.prometheus?.url;
  }

  /** The running instances as Endpoints list pods: not terminating, with a port; labels as the ReplicaSet sets them. */
  private pods(): MonitoredPod[] {
    const spec = this.deploy.rollout;
    return this.controller
      .instances()
      .filter((i) => (i.state === 'Pending' || i.state === 'Running') && i.port !== undefined)
      .map((i) => ({
        name: i.name,
        namespace: spec.namespace,
        container: spec.container.name,
        address: `127.0.0.1:${i.port}`,
        labels: { ...spec.templateLabels, 'rollouts-pod-template-hash': i.podTemplateHash },
      }));
  }

  /** What Prometheus fires and has pending (GET /api/v1/alerts, `quickship alerts`). */
  async alerts(): Promise<AlertsResponse> {
    if (!this.monitoring)
      throw new PrometheusNotRunningError(
        this.analysisMode() === 'skipped'
          ? 'Prometheus is not running: the engine was started with --no-analysis'
          : 'Prometheus is not running in this engine',
      );
    return this.monitoring.alerts();
  }

  /** Sync status, revision and health of each Application, for `quickship status`. */
  private appNotes(): string[] {
    if (!this.store) return [];
    return this.store.list({ kind: 'Application' }).map((app) => {
      const status = app.status as
        | { sync?: { status?: string; revision?: string }; health?: { status?: string }; revisionSubject?: string }
        | undefined;
      return `Application ${app.metadata.name}: ${status?.sync?.status ?? 'Unknown'}, ${status?.health?.status ?? 'Unknown'} at ${status?.sync?.revision?.slice(0, 7) ?? '?'}${status?.revisionSubject ? ` (${status.revisionSubject})` : ''}`;
    });
  }

  /** The application controller (GitOps mode), for the API and the CLI's `app` commands. */
  applicationController(): AppController {
    if (!this.apps)
      throw new UserError(
        'this engine runs deploy/ from a folder (--dir), not from Git: there are no Applications',
        'start it without --dir',
        'NotFound',
      );
    return this.apps;
  }

  liveStore(): ObjectStore {
    if (!this.store)
      throw new UserError(
        'this engine runs deploy/ from a folder (--dir): there is no live object store',
        'start it without --dir',
        'NotFound',
      );
    return this.store;
  }

  // --- EngineApi ---

  info(): EngineInfo {
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      deployDir: this.deployDir,
      stateDir: this.stateDir,
      services: { ...this.urls },
      clusterOnly: this.controller.others.map((o) => `${o.kind}/${o.name}`),
      analysis: this.analysisMode(),
      ...(this.prometheusUrl ? { prometheus: this.prometheusUrl } : {}),
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

  /**
   * The GitOps rollback the console offers under auto-sync (where Argo CD refuses `app rollback`):
   * a revert commit of the last release in the working tree of the Application's repository
   * (release/revert.ts, as `quickship rollback`); the application controller then syncs it.
   */
  async revertLastRelease(appName: string): Promise<{ message: string }> {
    const app = this.applicationController().application(appName);
    const source = (app.spec as { source?: { repoURL?: string; path?: string } } | undefined)?.source;
    if (!this.repos || !source?.repoURL || source.path === undefined)
      throw new UserError(
        `Application ${appName} has no Git source (spec.source.repoURL and path) to revert in`,
        'roll back with `quickship app rollback <id>` after turning auto-sync off',
      );
    const { message } = await revertLastRelease(this.repos.source(source.repoURL).repoDir, source.path);
    this.log(`app ${appName}: ${message}`);
    return { message };
  }

  /**
   * Runs an Argo CD resource action on the live Rollout (what `argocd app actions run` and Argo
   * CD's UI do): the action's result computed from the live object in the store
   * (gitops/actions, Argo CD's Lua scripts), its merge patches applied as the verbs' are, after the
   * CLI verb of the same meaning accepted the state (core/verbs.ts `resourceAction`). Returns the
   * patches, which equal Argo CD's for the same live object.
   */
  runResourceAction(name: string, action: string): Promise<{ message: string; patch: ActionPatch }> {
    try {
      const controller = this.find(name);
      const spec = controller.spec;
      const live = this.store?.get({ group: 'argoproj.io', kind: 'Rollout', namespace: spec.namespace, name });
      if (!live)
        throw new VerbNotApplicableError(
          `Argo CD's resource actions act on the live Rollout object, which this engine (started with --dir) does not keep: use the plugin's verbs (promote --full, abort, retry, restart), or start the engine without --dir`,
        );
      const now = new Date();
      const patch = actionPatch(live, runResourceAction(live, action, now));
      const message = controller.resourceAction(
        action,
        {
          ...(patch.status ? { statusPatch: patch.status } : {}),
          ...(patch.object ? { objectPatch: patch.object } : {}),
        },
        now,
      );
      this.writeVerbSpec();
      return Promise.resolve({ message, patch });
    } catch (error) {
      return Promise.reject(error as Error);
    }
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
      await this.stopGitOps();
      await this.monitoring?.stop();
      this.watcher?.close();
      clearTimeout(this.emitTimer);
      this.controller.halt();
      await this.analysis?.close();
      await Promise.all([this.active.close(), this.preview.close()]);
      await this.controller.shutdown();
      await this.persistNow();
    })();
    return this.stopping;
  }

  /** Leaves the processes running and saves their pids and ports (an engine crash, for re-adoption). */
  async detach(): Promise<void> {
    this.stopping ??= (async () => {
      await this.stopGitOps();
      await this.monitoring?.stop();
      this.watcher?.close();
      clearTimeout(this.emitTimer);
      this.controller.halt();
      await this.analysis?.close();
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
      const message = verb(this.find(name));
      this.writeVerbSpec();
      return Promise.resolve(message);
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
    if (this.stopping || !this.controller) return; // GitOps start: apps change before the Rollout runs
    this.monitoring?.refresh(); // an instance started, became ready or stopped: the targets follow
    if (this.store)
      this.statusTimer ??= setImmediate(() => {
        this.statusTimer = undefined;
        this.writeRolloutStatus();
      });
    this.state.saveSoon(() => this.controller.persisted());
    this.emitTimer ??= setTimeout(() => {
      this.emitTimer = undefined;
      if (this.listeners.size === 0) return;
      const entry = this.controller.entry();
      for (const listener of this.listeners) listener(entry);
    }, 50);
  }

  /** Writes the state now (after any coalesced save), e.g. before exiting. */
  private async persistNow(): Promise<void> {
    await this.state.flush();
    await this.state.save(this.controller.persisted());
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

/** Kinds a local controller runs: their health counts for waves and the app (others: "no local controller"). */
export const LOCAL_KINDS: ReadonlySet<string> = new Set(['argoproj.io/Rollout', 'batch/Job', '/Service', '/ConfigMap']);

/** The prometheus-operator kinds the engine's Prometheus runs (as "group/Kind"). */
const MONITORING_KINDS = [...monitoringKinds].map((kind) => `monitoring.coreos.com/${kind}`);

async function readRootApplication(repoDir: string, file: string): Promise<KubeObject> {
  const git = new GitSource(repoDir);
  const commit = await git.resolve('HEAD');
  const slash = file.lastIndexOf('/');
  const files = await git.files(commit, slash < 0 ? '' : file.slice(0, slash), false);
  const found = files.find((f) => f.path === file);
  if (!found)
    throw new UserError(
      `the root Application ${file} is not in HEAD (${commit.slice(0, 7)})`,
      'render and commit deploy/ (`npm run render`, `git commit`), or pass --root-app <file>',
      'NotFound',
    );
  const [doc] = splitManifests(found.text, file);
  if (!doc)
    throw new UserError(`${file} holds no object`, 'render deploy/ again (`npm run render`) and commit', 'BadRequest');
  return doc.object as unknown as KubeObject;
}

/** --dir mode: the objects of the deploy folder (what monitoring reads instead of the live store). */
function readDirObjects(dir: string): KubeObject[] {
  return readDeployDir(dir)
    .flatMap((f) => splitManifests(f.text, f.file))
    .map((d) => d.object as unknown as KubeObject)
    .filter((o) => typeof o.kind === 'string' && typeof o.metadata?.name === 'string');
}

function configMapsOf(store: ObjectStore, namespace: string): Map<string, Record<string, string>> {
  const maps = new Map<string, Record<string, string>>();
  for (const cm of store.list({ kind: 'ConfigMap', namespace })) {
    const data = (cm as { data?: Record<string, unknown> }).data ?? {};
    maps.set(cm.metadata.name, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])));
  }
  return maps;
}
