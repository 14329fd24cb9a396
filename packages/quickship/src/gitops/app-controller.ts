// The local Argo CD application controller: for every Application in the store it resolves the
// targetRevision, reads the manifests at that commit, compares them with the live objects
// (server-side diff), writes the Application status, and runs sync operations — automated per
// syncPolicy (prune, selfHeal with Argo CD's back-off, retry with its back-off; a commit whose
// sync failed is not retried unless retry says so) or on request. A sync is a plan advanced one
// step per reconcile (sync-plan.ts): PreSync hooks, then each wave, waiting for the wave's health
// before the next, then PostSync hooks; SyncFail hooks when it fails. Git and the clock come in
// through deps; all decisions are in the pure modules beside this one.
import type { HealthStatus, KubeObject } from '../store/object.ts';
import { objectKey } from '../store/object.ts';
import type { ObjectStore, WatchEvent } from '../store/object-store.ts';
import type { ManagedResource } from './health/aggregate.ts';

export type { ManagedResource };
import { UserError } from '../errors.ts';
import { getPath, setPath, decodePath } from '../store/fields.ts';
import {
  DEFAULT_PROJECT,
  isApplication,
  parseApplication,
  parseProject,
  type AppSpec,
  type ProjectRules,
} from './application.ts';
import {
  appSyncStatus,
  comparedTo,
  imagesOf,
  resourceRef,
  type AppCondition,
  type ApplicationStatus,
  type HistoryEntry,
  type OperationPhase,
  type OperationState,
  type ResourceResult,
  type ResourceStatus,
} from './app-status.ts';
import { ARGOCD_MANAGER, diffResource, ignoredFor, renderDiff, type ResourceDiff } from './diff.ts';
import type { RepoResolver } from './repos.ts';
import { desiredResources, sourcePermitted, TRACKING_ANNOTATION, type DesiredResource } from './resources.ts';
import { retryDelayMs, selfHealDelayMs } from './self-heal.ts';
import type { EventInfo, EventRecorder } from '../store/events.ts';
import { nextStep, planSync, type SyncPlan, type SyncTask } from './sync-plan.ts';
import { clusterOnlyNote } from './cluster-only.ts';

export const APP_CONTROLLER_MANAGER = 'argocd-application-controller';

export interface HealthAssessor {
  /** Argo CD's health of one object; undefined when the kind has no health check. */
  resource(object: KubeObject): HealthStatus | undefined;
  /** The app's health from its resources (Argo CD's controller/health.go: worst counted resource wins). */
  aggregate(resources: readonly ManagedResource[], app: KubeObject): HealthStatus;
}

export interface AppControllerDeps {
  readonly store: ObjectStore;
  readonly repos: RepoResolver;
  readonly health: HealthAssessor;
  /** "group/Kind" of the kinds a local controller runs (their health counts; others show "no local controller"). */
  readonly localKinds: ReadonlySet<string>;
  /** The namespace Applications live in (argocd). */
  readonly appNamespace?: string;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  /** Called after every change of an Application's status (the API's event stream). */
  readonly onChange?: (app: string) => void;
  /** Records Argo CD's Events on the Application (store/events.ts); none without it. */
  readonly events?: EventRecorder;
  /**
   * A policy consulted before a hook object is created (the engine's migration gate,
   * engine/migration-gate.ts). Resolves: the hook is created; rejects: the hook is never created,
   * the hook's result is Failed with the error's message and the sync fails without retry (a
   * verdict on the revision's content, which a retry cannot change).
   */
  readonly beforeHook?: (hook: KubeObject, context: HookContext) => Promise<void>;
}

export interface HookContext {
  readonly app: string;
  /** The commit being synced. */
  readonly revision: string;
  readonly phase: SyncTask['phase'];
}

export class OperationInProgressError extends UserError {
  constructor(app: string) {
    super(
      `another operation is already in progress on Application ${app}`,
      `wait for it (quickship app get ${app}) or terminate it`,
      'Conflict',
    );
  }
}

export class RollbackRefusedError extends UserError {
  constructor(app: string) {
    super(
      `rollback cannot be initiated when auto-sync is enabled (Application ${app})`,
      'roll back the GitOps way: `quickship rollback` commits a revert of the last release (or `git revert <commit>`), and auto-sync deploys it',
      'VerbNotApplicable',
    );
  }
}

export class AppNotFoundError extends UserError {
  constructor(app: string, known: readonly string[]) {
    super(
      `Application ${app} not found (known: ${known.join(', ') || 'none'})`,
      'list them with `quickship app list`',
      'NotFound',
    );
  }
}

interface Comparison {
  readonly commit: string;
  readonly subject: string;
  readonly desired: readonly DesiredResource[];
  readonly diffs: ReadonlyMap<string, ResourceDiff>;
  readonly orphans: readonly KubeObject[];
}

interface RunningOperation {
  readonly plan: SyncPlan;
  readonly revision: string;
  readonly prune: boolean;
  readonly initiatedBy: { readonly username?: string; readonly automated?: boolean };
  readonly startedAt: string;
  readonly done: Set<string>;
  readonly started: Set<string>;
  readonly results: Map<string, ResourceResult>;
  /** Hooks whose beforeHook policy is running, and those it let through. */
  readonly gating: Set<string>;
  readonly gated: Set<string>;
  /** A beforeHook refusal: the sync fails without retry. */
  refused?: boolean;
  phase: OperationPhase;
  message: string;
  retryCount: number;
  nextRetryAt?: number;
  failing?: string;
  syncFailStarted?: boolean;
  finishedAt?: string;
}

interface AppState {
  spec?: AppSpec;
  comparison?: Comparison;
  comparisonError?: string;
  operation?: RunningOperation;
  lastOperation?: RunningOperation;
  heals: number;
  requeue?: NodeJS.Timeout;
  busy: boolean;
  again: boolean;
  notes: string[];
  history: HistoryEntry[];
}

export class AppController {
  private readonly apps = new Map<string, AppState>();
  /**
   * The last diff of each desired object (the same object while its commit is the same), with the
   * live resourceVersion and ignore rules it was computed against: a poll or a live change to
   * one object re-diffs only what changed (diffing every resource at every 500 ms poll was the
   * application controller's largest CPU cost in a profile of bench:cutover).
   */
  private readonly diffs = new WeakMap<KubeObject, { live: string; ignore: string; diff: ResourceDiff }>();
  /** Apps a live change asked to reconcile, run together on the next turn of the event loop. */
  private readonly soon = new Map<string, boolean>();
  private soonScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly deps: AppControllerDeps) {}

  /** Polls Git every `pollMs` and reacts to live changes at once (a watch, as Argo CD has). */
  start(pollMs = 500): void {
    this.unwatch = this.deps.store.watch((event) => this.onEvent(event));
    this.timer = setInterval(() => void this.reconcileAll(), pollMs);
    void this.reconcileAll();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const state of this.apps.values()) clearTimeout(state.requeue);
    this.unwatch?.();
  }

  /** Reconciles every Application once (also what the poll does). */
  async reconcileAll(): Promise<void> {
    await Promise.all(this.applications().map((app) => this.reconcile(app.metadata.name)));
  }

  applications(): KubeObject[] {
    return this.deps.store.list({ kind: 'Application', namespace: this.namespace }).filter(isApplication);
  }

  application(name: string): KubeObject {
    const app = this.deps.store.get({ group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name });
    if (!app)
      throw new AppNotFoundError(
        name,
        this.applications().map((a) => a.metadata.name),
      );
    return app;
  }

  /** `argocd app diff`: the readable diff of every OutOfSync resource. */
  diff(name: string): string {
    this.application(name);
    const state = this.apps.get(name);
    if (state?.comparisonError) return `ComparisonError: ${state.comparisonError}`;
    const comparison = state?.comparison;
    if (!comparison) return '';
    const out: string[] = [];
    for (const resource of comparison.desired) {
      const diff = comparison.diffs.get(objectKey(resource.object));
      if (diff?.status === 'OutOfSync')
        out.push(
          renderDiff(
            {
              kind: resource.object.kind,
              name: resource.object.metadata.name,
              ...(resource.object.metadata.namespace ? { namespace: resource.object.metadata.namespace } : {}),
            },
            diff,
          ),
        );
    }
    for (const orphan of comparison.orphans)
      out.push(
        renderDiff(
          {
            kind: orphan.kind,
            name: orphan.metadata.name,
            ...(orphan.metadata.namespace ? { namespace: orphan.metadata.namespace } : {}),
          },
          { status: 'OutOfSync', reason: 'requires pruning', fields: [] },
        ),
      );
    return out.join('\n\n');
  }

  /** `argocd app sync`: starts a sync of the compared revision (or `revision`). */
  async sync(
    name: string,
    options: { readonly prune?: boolean; readonly revision?: string; readonly username?: string } = {},
  ): Promise<string> {
    this.application(name);
    const state = this.state(name);
    if (state.operation) throw new OperationInProgressError(name);
    await this.refresh(name, options.revision);
    if (state.comparisonError)
      throw new UserError(
        `Application ${name}: ComparisonError: ${state.comparisonError}`,
        'fix the manifests in Git and commit; nothing was applied',
        'BadRequest',
      );
    this.begin(
      name,
      { username: options.username ?? 'quickship' },
      options.prune ?? state.spec?.automated?.prune ?? false,
    );
    await this.reconcile(name);
    return `Application ${name}: sync of ${state.comparison?.commit.slice(0, 7)} started`;
  }

  /** `argocd app rollback <id>`: refused while auto-sync is on (Argo CD's rule). */
  async rollback(name: string, id: number): Promise<string> {
    const state = this.state(name);
    if (!state.spec) await this.reconcile(name);
    if (state.spec?.automated) throw new RollbackRefusedError(name);
    const entry = state.history.find((h) => h.id === id);
    if (!entry)
      throw new UserError(
        `Application ${name} has no history id ${id}`,
        `see \`quickship app history ${name}\``,
        'NotFound',
      );
    return this.sync(name, { revision: entry.revision, username: 'quickship (rollback)' });
  }

  history(name: string): readonly HistoryEntry[] {
    this.application(name);
    return this.state(name).history;
  }

  private get namespace(): string {
    return this.deps.appNamespace ?? 'argocd';
  }

  private state(name: string): AppState {
    let state = this.apps.get(name);
    if (!state) {
      const live = this.deps.store.get({ group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name });
      const history = ((live?.status as ApplicationStatus | undefined)?.history ?? []) as HistoryEntry[];
      state = { heals: 0, busy: false, again: false, notes: [], history: [...history] };
      this.apps.set(name, state);
    }
    return state;
  }

  private onEvent(event: WatchEvent): void {
    if (this.stopped || event.manager === APP_CONTROLLER_MANAGER) return;
    // A change to a tracked object or to an Application: compare again now (drift is seen at once).
    const tracking = event.object.metadata.annotations?.[TRACKING_ANNOTATION];
    if (tracking) this.reconcileSoon(tracking.split(':')[0] ?? '', false);
    else if (event.object.kind === 'Application' && event.object.metadata.namespace === this.namespace)
      this.reconcileSoon(event.object.metadata.name, true);
    else if (event.object.kind === 'Job' || event.object.kind === 'Rollout') {
      for (const [name, state] of this.apps) if (state.operation) this.reconcileSoon(name, false);
    }
  }

  /**
   * A reconcile after the write that caused it has returned (setImmediate), as the cluster's
   * controller reacts to a watch event, not inside the writer's call: a verb's answer and the
   * Service routers' pending requests are not held up by the comparison, and a burst of writes
   * (a verb writes spec, then status) is one reconcile.
   */
  private reconcileSoon(name: string, readGit: boolean): void {
    this.soon.set(name, (this.soon.get(name) ?? false) || readGit);
    if (this.soonScheduled) return;
    this.soonScheduled = true;
    setImmediate(() => {
      this.soonScheduled = false;
      const due = [...this.soon];
      this.soon.clear();
      for (const [app, git] of due) void this.reconcile(app, git);
    });
  }

  /** One reconcile of one app; concurrent calls coalesce into one more pass. */
  async reconcile(name: string, readGit = true): Promise<void> {
    if (this.stopped || name === '') return;
    const state = this.state(name);
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    try {
      do {
        state.again = false;
        if (!this.deps.store.get({ group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name })) {
          this.apps.delete(name);
          return;
        }
        if (readGit || !state.comparison) await this.refresh(name);
        else this.recompare(name);
        this.advance(name);
        this.autoSync(name);
        this.advance(name);
        this.writeStatus(name);
        readGit = false;
      } while (state.again && !this.stopped);
    } catch (error) {
      this.log(`${name}: reconcile failed, retrying on the next poll: ${(error as Error).stack ?? String(error)}`);
    } finally {
      state.busy = false;
    }
  }

  /** Resolves the revision, reads the manifests at that commit, compares. */
  private async refresh(name: string, revision?: string): Promise<void> {
    const state = this.state(name);
    const object = this.application(name);
    const notes: string[] = [];
    try {
      const app = parseApplication(object);
      state.spec = app;
      notes.push(...app.unsupported.map((u) => `not supported locally: ${u}`));
      const project = this.project(app.project);
      const forbidden = sourcePermitted(app, project);
      if (forbidden) throw new UserError(forbidden, `add the repository to the AppProject's sourceRepos`, 'Forbidden');
      const source = this.deps.repos.source(app.repoURL);
      notes.push(this.deps.repos.note(app.repoURL));
      const commit = await source.resolve(revision ?? app.targetRevision);
      const [files, info, uncommitted] = await Promise.all([
        state.comparison?.commit === commit && !revision ? undefined : source.files(commit, app.path, app.recurse),
        state.comparison?.commit === commit ? undefined : source.info(commit),
        source.uncommitted(app.path).catch(() => []),
      ]);
      if (uncommitted.length > 0) notes.push(`not deployed: uncommitted: ${uncommitted.join(', ')} (commit to deploy)`);
      const desired = files ? desiredResources(app, project, files) : (state.comparison?.desired ?? []);
      state.comparison = this.compare(app, commit, info?.subject ?? state.comparison?.subject ?? '', desired);
      state.comparisonError = undefined;
    } catch (error) {
      state.comparisonError = (error as Error).message;
      if (!(error instanceof UserError)) this.log(`${name}: ComparisonError: ${state.comparisonError}`);
    }
    for (const resource of state.comparison?.desired ?? []) {
      const note = clusterOnlyNote(resource.object);
      if (note) notes.push(note);
    }
    state.notes = notes;
  }

  /** Compares the same desired state with the store again (after a live change). */
  private recompare(name: string): void {
    const state = this.state(name);
    if (!state.spec || !state.comparison) return;
    state.comparison = this.compare(
      state.spec,
      state.comparison.commit,
      state.comparison.subject,
      state.comparison.desired,
    );
  }

  private compare(app: AppSpec, commit: string, subject: string, desired: readonly DesiredResource[]): Comparison {
    const now = this.now().toISOString();
    const diffs = new Map<string, ResourceDiff>();
    const wanted = new Set<string>();
    const ignore = JSON.stringify(app.ignoreDifferences);
    for (const resource of desired) {
      if (resource.hooks.length > 0) continue;
      const key = objectKey(resource.object);
      wanted.add(key);
      const live = this.deps.store.get(refOf(resource.object));
      const version = live ? `${live.metadata.uid ?? ''}/${live.metadata.resourceVersion ?? ''}` : '-';
      const known = this.diffs.get(resource.object);
      if (known && known.live === version && known.ignore === ignore) {
        diffs.set(key, known.diff);
        continue;
      }
      const diff = diffResource(resource.object, live, app.ignoreDifferences, now);
      this.diffs.set(resource.object, { live: version, ignore, diff });
      diffs.set(key, diff);
    }
    const orphans = this.tracked(app.name).filter((o) => !wanted.has(objectKey(o)));
    return { commit, subject, desired, diffs, orphans };
  }

  private tracked(app: string): KubeObject[] {
    return this.deps.store.list().filter((o) => o.metadata.annotations?.[TRACKING_ANNOTATION]?.startsWith(`${app}:`));
  }

  private project(name: string): ProjectRules {
    if (name === 'default') {
      const live = this.deps.store.get({ group: 'argoproj.io', kind: 'AppProject', namespace: this.namespace, name });
      return live ? parseProject(live) : DEFAULT_PROJECT;
    }
    const live = this.deps.store.get({ group: 'argoproj.io', kind: 'AppProject', namespace: this.namespace, name });
    if (!live)
      throw new UserError(
        `AppProject "${name}" does not exist`,
        'sync the Application that defines it first (the root app), or use project: default',
        'NotFound',
      );
    return parseProject(live);
  }

  // --- automated sync (appcontroller.go autoSync) ---

  private autoSync(name: string): void {
    const state = this.state(name);
    const app = state.spec;
    const comparison = state.comparison;
    if (!app?.automated || !comparison || state.operation || state.comparisonError) return;
    const synced =
      appSyncStatus([...comparison.diffs.values()]) === 'Synced' &&
      (comparison.orphans.length === 0 || !app.automated.prune);
    if (synced) return;
    const last = state.lastOperation;
    if (last && last.revision === comparison.commit) {
      // Argo CD: a revision already attempted is not synced again automatically — unless it
      // succeeded and selfHeal is on (drift). Heals of one revision back off from the previous
      // operation's end: 0 for the first, then 2 s × 3ⁿ⁻¹ capped at 300 s (selfHealRemainingBackoff).
      if (last.phase !== 'Succeeded') return;
      if (!app.automated.selfHeal) return;
      const due = Date.parse(last.finishedAt ?? last.startedAt) + selfHealDelayMs(state.heals);
      if (this.now().getTime() < due) {
        this.requeueAt(name, due);
        return;
      }
      state.heals++;
      this.log(`${name}: self-healing drift (heal #${state.heals} of ${comparison.commit.slice(0, 7)})`);
      this.begin(name, { automated: true }, app.automated.prune, 'self-heal');
      return;
    }
    state.heals = 0;
    if (!app.automated.allowEmpty && comparison.desired.length === 0 && comparison.orphans.length > 0) {
      this.log(`${name}: skipping auto-sync: it would wipe out all resources (allowEmpty is false)`);
      return;
    }
    this.begin(name, { automated: true }, app.automated.prune);
  }

  /** Reconcile again at `at` (a back-off ends), once. */
  private requeueAt(name: string, at: number): void {
    const state = this.state(name);
    if (state.requeue) return;
    state.requeue = setTimeout(
      () => {
        state.requeue = undefined;
        void this.reconcile(name, false);
      },
      Math.max(0, at - this.now().getTime()),
    );
  }

  private begin(name: string, initiatedBy: RunningOperation['initiatedBy'], prune: boolean, why = 'sync'): void {
    const state = this.state(name);
    const app = state.spec;
    const comparison = state.comparison;
    if (!app || !comparison) return;
    const plan = planSync({
      desired: comparison.desired,
      orphans: comparison.orphans,
      prune: prune && !app.syncOptions.has('Prune=false'),
      pruneLast: app.syncOptions.has('PruneLast=true'),
    });
    state.operation = {
      plan,
      revision: comparison.commit,
      prune,
      initiatedBy,
      startedAt: this.now().toISOString(),
      done: new Set(),
      started: new Set(),
      results: new Map(),
      gating: new Set(),
      gated: new Set(),
      phase: 'Running',
      message: `${why} of ${comparison.commit.slice(0, 7)} running`,
      retryCount: 0,
    };
    // Argo CD's event: appcontroller.go autoSync for automated syncs, server/application.go for a user's.
    this.event(name, {
      reason: 'OperationStarted',
      message: initiatedBy.automated
        ? `Initiated automated sync to '${comparison.commit}'`
        : `${initiatedBy.username ?? 'a user'} initiated sync to ${comparison.commit}`,
      action: why,
    });
    this.log(
      `${name}: ${why} of ${comparison.commit.slice(0, 7)} (${comparison.subject.length > 72 ? `${comparison.subject.slice(0, 71)}…` : comparison.subject}) started by ${initiatedBy.automated ? 'automated sync policy' : initiatedBy.username}`,
    );
  }

  // --- the sync operation, one step per call ---

  private advance(name: string): void {
    const state = this.state(name);
    const op = state.operation;
    if (!op || !state.spec) return;
    const now = this.now().getTime();
    if (op.nextRetryAt !== undefined) {
      if (now < op.nextRetryAt) return;
      op.nextRetryAt = undefined;
      op.done.clear();
      op.started.clear();
      op.results.clear();
      op.gating.clear();
      op.gated.clear();
      op.failing = undefined;
      op.message = `retrying attempt #${op.retryCount}`;
    }
    for (let guard = 0; guard < 64; guard++) {
      if (op.failing) return this.fail(name, op);
      const step = nextStep(op.plan, op.done);
      if (step.length === 0) return this.succeed(name, op);
      for (const task of step) if (!op.started.has(task.id)) this.startTask(state.spec, op, task);
      let complete = true;
      for (const task of step) {
        if (op.done.has(task.id)) continue;
        const outcome = this.taskOutcome(op, task);
        if (outcome === 'running') complete = false;
        else if (outcome === 'failed') {
          op.failing = op.results.get(task.id)?.message ?? `${task.id} failed`;
          complete = false;
          break;
        } else op.done.add(task.id);
      }
      if (op.failing) continue;
      if (!complete) return;
      // Between waves: the next step waits until this wave's resources are healthy.
      const later = nextStep(op.plan, op.done);
      if (later.length > 0) {
        const waiting = step.filter((t) => t.action === 'apply' && !this.healthyEnough(t.object));
        if (waiting.length > 0) {
          op.message = `waiting for healthy state of ${waiting.map((t) => `${t.object.kind}/${t.object.metadata.name}`).join(', ')}`;
          return;
        }
      }
    }
  }

  private startTask(app: AppSpec, op: RunningOperation, task: SyncTask): void {
    op.started.add(task.id);
    const { store } = this.deps;
    const ref = { ...resourceRef(task.object), syncPhase: task.phase };
    try {
      if (task.action === 'prune') {
        store.delete(refOf(task.object), ARGOCD_MANAGER);
        op.results.set(task.id, { ...ref, namespace: ref.namespace ?? '', status: 'Pruned', message: 'pruned' });
        op.done.add(task.id);
        return;
      }
      if (task.action === 'hook') {
        if (this.deps.beforeHook && !op.gated.has(task.id)) return this.gate(app, op, task);
        const existing = store.get(refOf(task.object));
        if (existing && task.deletePolicies.includes('BeforeHookCreation'))
          store.delete(refOf(task.object), ARGOCD_MANAGER);
        store.apply(task.object, ARGOCD_MANAGER);
        const local = this.deps.localKinds.has(kindKey(task.object));
        op.results.set(task.id, {
          ...ref,
          namespace: ref.namespace ?? '',
          status: 'Synced',
          message: local
            ? `${task.object.kind}/${task.object.metadata.name} created`
            : `applied; no local controller runs ${task.object.kind}, so the hook counts as done`,
          hookType: task.phase,
          hookPhase: local ? 'Running' : 'Succeeded',
        });
        if (!local) op.done.add(task.id);
        return;
      }
      store.apply(this.respectIgnored(app, task.object), ARGOCD_MANAGER);
      op.results.set(task.id, {
        ...ref,
        namespace: ref.namespace ?? '',
        status: 'Synced',
        message: `${task.object.kind.toLowerCase()}/${task.object.metadata.name} serverside-applied`,
      });
    } catch (error) {
      op.results.set(task.id, {
        ...ref,
        namespace: ref.namespace ?? '',
        status: 'SyncFailed',
        message: (error as Error).message,
      });
    }
  }

  /** Runs the beforeHook policy; the hook is started on a later pass once it resolves. */
  private gate(app: AppSpec, op: RunningOperation, task: SyncTask): void {
    const ref = { ...resourceRef(task.object), namespace: task.object.metadata.namespace ?? '', syncPhase: task.phase };
    const what = `${task.object.kind}/${task.object.metadata.name}`;
    op.gating.add(task.id);
    op.results.set(task.id, {
      ...ref,
      status: 'Synced',
      hookType: task.phase,
      hookPhase: 'Running',
      message: `checks before ${what} runs`,
    });
    this.deps.beforeHook!(task.object, { app: app.name, revision: op.revision, phase: task.phase }).then(
      () => {
        if (!op.gating.delete(task.id)) return; // the operation moved on (retry, terminate)
        op.gated.add(task.id);
        op.started.delete(task.id);
        void this.reconcile(app.name, false);
      },
      (error: Error) => {
        if (!op.gating.delete(task.id)) return;
        op.refused = true;
        op.results.set(task.id, {
          ...ref,
          status: 'SyncFailed',
          hookType: task.phase,
          hookPhase: 'Failed',
          message: `${what} not run: ${error.message}`,
        });
        void this.reconcile(app.name, false);
      },
    );
  }

  /** RespectIgnoreDifferences: ignored fields keep their live values (the HPA's spec.replicas). */
  private respectIgnored(app: AppSpec, desired: KubeObject): KubeObject {
    if (!app.syncOptions.has('RespectIgnoreDifferences=true')) return desired;
    const live = this.deps.store.get(refOf(desired));
    if (!live) return desired;
    let out = desired as unknown as Record<string, unknown>;
    for (const rule of ignoredFor(desired, app.ignoreDifferences)) {
      for (const pointer of rule.jsonPointers)
        out = setPath(out, decodePath(pointer), getPath(live, decodePath(pointer)));
    }
    return out as unknown as KubeObject;
  }

  private taskOutcome(op: RunningOperation, task: SyncTask): 'running' | 'succeeded' | 'failed' {
    const result = op.results.get(task.id);
    if (!result || op.gating.has(task.id)) return 'running';
    if (result.status === 'SyncFailed') return 'failed';
    if (task.action !== 'hook' || result.hookPhase === 'Succeeded') return 'succeeded';
    const live = this.deps.store.get(refOf(task.object));
    const health = live ? this.deps.health.resource(live) : undefined;
    if (health?.status === 'Healthy') {
      op.results.set(task.id, { ...result, hookPhase: 'Succeeded', message: health.message || 'hook succeeded' });
      if (task.deletePolicies.includes('HookSucceeded')) this.deps.store.delete(refOf(task.object), ARGOCD_MANAGER);
      return 'succeeded';
    }
    if (health?.status === 'Degraded') {
      op.results.set(task.id, {
        ...result,
        hookPhase: 'Failed',
        status: 'SyncFailed',
        message: `${task.object.kind}/${task.object.metadata.name} failed: ${health.message ?? ''}`.trim(),
      });
      if (task.deletePolicies.includes('HookFailed')) this.deps.store.delete(refOf(task.object), ARGOCD_MANAGER);
      return 'failed';
    }
    return 'running';
  }

  private healthyEnough(object: KubeObject): boolean {
    if (!this.deps.localKinds.has(kindKey(object))) return true; // nothing runs it here: nothing to wait for
    const live = this.deps.store.get(refOf(object));
    if (!live) return false;
    const health = this.deps.health.resource(live);
    return health === undefined || health.status === 'Healthy';
  }

  private fail(name: string, op: RunningOperation): void {
    const state = this.state(name);
    const app = state.spec;
    if (!op.syncFailStarted && op.plan.syncFail.length > 0) {
      op.syncFailStarted = true;
      for (const task of op.plan.syncFail) if (app) this.startTask(app, op, task);
    }
    const retry = app?.retry;
    if (retry && !op.refused && (retry.limit < 0 || op.retryCount < retry.limit)) {
      op.retryCount++;
      const delay = retryDelayMs(op.retryCount, retry.backoff);
      op.nextRetryAt = this.now().getTime() + delay;
      op.message = `${op.failing}. Retrying attempt #${op.retryCount} at ${new Date(op.nextRetryAt).toISOString()}`;
      this.log(`${name}: sync failed (${op.failing}); retry #${op.retryCount} in ${delay} ms`);
      return;
    }
    op.phase = 'Failed';
    op.message = `one or more objects failed to apply, reason: ${op.failing}${op.retryCount ? ` (retried ${op.retryCount} times).` : ''}`;
    this.finish(name, op);
    this.event(name, {
      reason: 'OperationCompleted',
      type: 'Warning',
      message: `Sync operation to ${op.revision} failed: ${op.message}`,
    });
    this.log(`${name}: sync of ${op.revision.slice(0, 7)} failed: ${op.failing}`);
  }

  private succeed(name: string, op: RunningOperation): void {
    const state = this.state(name);
    op.phase = 'Succeeded';
    op.message = 'successfully synced (all tasks run)';
    this.finish(name, op);
    this.event(name, { reason: 'OperationCompleted', message: `Sync operation to ${op.revision} succeeded` });
    const app = state.spec;
    if (app) {
      const id = (state.history.at(-1)?.id ?? -1) + 1;
      state.history.push({
        id,
        revision: op.revision,
        deployedAt: op.finishedAt ?? this.now().toISOString(),
        deployStartedAt: op.startedAt,
        source: { repoURL: app.repoURL, path: app.path, targetRevision: app.targetRevision },
        initiatedBy: op.initiatedBy,
      });
      if (state.history.length > app.revisionHistoryLimit)
        state.history.splice(0, state.history.length - app.revisionHistoryLimit);
    }
    this.log(`${name}: synced to ${op.revision.slice(0, 7)}`);
    this.recompare(name);
  }

  private finish(name: string, op: RunningOperation): void {
    const state = this.state(name);
    op.finishedAt = this.now().toISOString();
    state.lastOperation = op;
    state.operation = undefined;
  }

  // --- status ---

  private writeStatus(name: string): void {
    const state = this.state(name);
    const app = state.spec;
    const object = this.deps.store.get({ group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name });
    if (!object) return;
    const now = this.now().toISOString();
    const previous = object.status as ApplicationStatus | undefined;
    const conditions: AppCondition[] = [];
    if (state.comparisonError) {
      const since =
        previous?.conditions?.find((c) => c.type === 'ComparisonError' && c.message === state.comparisonError)
          ?.lastTransitionTime ?? now;
      conditions.push({ type: 'ComparisonError', message: state.comparisonError, lastTransitionTime: since });
    }
    const comparison = state.comparison;
    const resources: ResourceStatus[] = [];
    const managed: ManagedResource[] = [];
    for (const resource of comparison?.desired ?? []) {
      if (resource.hooks.length > 0) continue;
      const live = this.deps.store.get(refOf(resource.object));
      const diff = comparison?.diffs.get(objectKey(resource.object));
      const health = this.healthOf(live);
      // Kinds nothing runs here and that have no status count for nothing (shown "no local controller").
      if (!health?.local)
        managed.push({ ...resourceRef(resource.object), target: resource.object, ...(live ? { live } : {}) });
      resources.push({
        ...resourceRef(resource.object),
        status: diff?.status ?? 'Unknown',
        ...(health ? { health } : {}),
      });
    }
    for (const orphan of comparison?.orphans ?? [])
      resources.push({ ...resourceRef(orphan), status: 'OutOfSync', requiresPruning: true });
    const op = state.operation ?? state.lastOperation;
    const status: ApplicationStatus = {
      sync: {
        status: state.comparisonError
          ? 'Unknown'
          : appSyncStatus([...(comparison?.diffs.values() ?? [])]) === 'OutOfSync' ||
              (comparison?.orphans.length ?? 0) > 0
            ? 'OutOfSync'
            : 'Synced',
        ...(comparison ? { revision: comparison.commit } : {}),
        comparedTo: app ? comparedTo(app) : { source: {}, destination: {} },
      },
      health: this.deps.health.aggregate(managed, object),
      resources,
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(op ? { operationState: operationState(op, state.spec) } : {}),
      ...(state.history.length > 0 ? { history: state.history } : {}),
      reconciledAt:
        previous?.reconciledAt && JSON.stringify(previous.resources) === JSON.stringify(resources)
          ? previous.reconciledAt
          : now,
      sourceType: 'Directory',
      summary: { images: imagesOf((comparison?.desired ?? []).map((d) => d.object)) },
      ...(state.notes.length > 0 ? { localNotes: state.notes } : {}),
      ...(comparison?.subject ? { revisionSubject: comparison.subject } : {}),
    };
    if (JSON.stringify(previous) !== JSON.stringify(status)) {
      // Argo CD's ResourceUpdated events on the Application (appcontroller.go persistAppStatus).
      if ((previous?.sync?.status ?? '') !== status.sync.status)
        this.event(name, {
          reason: 'ResourceUpdated',
          message: `Updated sync status: ${previous?.sync?.status ?? ''} -> ${status.sync.status}`,
        });
      if ((previous?.health?.status ?? '') !== status.health.status)
        this.event(name, {
          reason: 'ResourceUpdated',
          message: `Updated health status: ${previous?.health?.status ?? ''} -> ${status.health.status}`,
        });
      this.deps.store.setStatus(
        { group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name },
        status,
        APP_CONTROLLER_MANAGER,
      );
      this.deps.onChange?.(name);
    }
  }

  private healthOf(live: KubeObject | undefined): (HealthStatus & { local?: string }) | undefined {
    if (!live) return { status: 'Missing' };
    const health = this.deps.health.resource(live);
    if (!this.deps.localKinds.has(kindKey(live)) && live.status === undefined)
      return {
        status: health?.status ?? 'Unknown',
        message: 'no local controller: stored and diffed, not run',
        local: 'no local controller',
      };
    return health;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private log(line: string): void {
    this.deps.log?.(line);
  }

  private event(name: string, info: EventInfo): void {
    const app = this.deps.store.get({ group: 'argoproj.io', kind: 'Application', namespace: this.namespace, name });
    if (app && this.deps.events) this.deps.events.record(app, info);
  }
}

function operationState(op: RunningOperation, app: AppSpec | undefined): OperationState {
  return {
    operation: {
      sync: { revision: op.revision, prune: op.prune, syncOptions: [...(app?.syncOptions ?? [])] },
      initiatedBy: op.initiatedBy,
      ...(app?.retry ? { retry: { limit: app.retry.limit } } : {}),
    },
    phase: op.phase,
    message: op.message,
    startedAt: op.startedAt,
    ...(op.finishedAt ? { finishedAt: op.finishedAt } : {}),
    ...(op.retryCount ? { retryCount: op.retryCount } : {}),
    syncResult: { revision: op.revision, resources: [...op.results.values()] },
  };
}

function refOf(object: KubeObject): { apiVersion: string; kind: string; namespace?: string; name: string } {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
  };
}

export function kindKey(object: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const slash = object.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${object.kind}`;
}
