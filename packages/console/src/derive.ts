// What the page decides, pure (no DOM, no fetch): which actions apply and why not (the CLI's verb
// rules from quickship's core, plus Argo's "promotion waits for pre-promotion analysis"), the
// AnalysisRuns of a Rollout, a metric's thresholds and measurement values, Grafana's
// $__rate_interval, and the timeline of events read from the live objects.
import {
  abortPatches,
  promotePatches,
  restartPatches,
  retryPatches,
  verbStateOf,
} from '../../quickship/src/core/verb-rules.ts';

export type Obj = {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly creationTimestamp?: string;
    readonly ownerReferences?: readonly { kind?: string; name?: string }[];
  };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
};

export type ActionName = 'promote' | 'promote-full' | 'abort' | 'retry' | 'restart' | 'undo' | 'sync' | 'rollback';

export interface ActionState {
  readonly name: ActionName;
  readonly label: string;
  /** Undefined: the action applies. */
  readonly disabledReason?: string;
  /** Shown in the confirmation. */
  readonly confirm: string;
  /** A note beside the button (e.g. self-heal reverts an undo). */
  readonly note?: string;
}

export interface RunMeasurement {
  readonly phase: string;
  readonly value?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly message?: string;
}

export interface RunMetric {
  readonly name: string;
  readonly phase: string;
  readonly message?: string;
  readonly count?: number;
  readonly successful?: number;
  readonly failed?: number;
  readonly inconclusive?: number;
  readonly error?: number;
  readonly measurements: readonly RunMeasurement[];
}

/** Argo Rollouts labels a Rollout's runs with the revision and the kind of analysis (rollout-type). */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const ROLLOUT_TYPE_LABEL = 'rollout-type';
const RUNNING = new Set(['Pending', 'Running', '']);

/** The AnalysisRuns owned by (or labelled for) the rollout, newest first. */
export function runsOf(rollout: string, runs: readonly Obj[]): Obj[] {
  return runs
    .filter(
      (r) =>
        r.metadata?.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === rollout) ||
        r.metadata?.name?.startsWith(`${rollout}-`),
    )
    .sort((a, b) => started(b).localeCompare(started(a)));
}

function started(run: Obj): string {
  return String(run.status?.startedAt ?? run.metadata?.creationTimestamp ?? '');
}

export function runPhase(run: Obj): string {
  return String(run.status?.phase ?? 'Pending');
}

/** A running pre-promotion analysis of the current revision: promotion waits for it. */
export function pendingPrePromotion(rollout: Obj, runs: readonly Obj[]): Obj | undefined {
  const hash = rollout.status?.currentPodHash;
  return runs.find(
    (r) =>
      r.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash &&
      (r.metadata?.labels?.[ROLLOUT_TYPE_LABEL] ?? 'PrePromotion') === 'PrePromotion' &&
      RUNNING.has(runPhase(r)),
  );
}

function reasonOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface ActionInputs {
  readonly rollout?: Obj;
  readonly revisions: number;
  readonly runs: readonly Obj[];
  readonly app?: Obj;
}

/** Every action, with why it does not apply right now (the CLI's rules decide). */
/** Whether the Application syncs automatically (then Rollback is a revert commit, as Argo CD refuses a history rollback). */
export function autoSync(app: Obj | undefined): boolean {
  const automated = (app?.spec?.syncPolicy as { automated?: unknown } | undefined)?.automated;
  return automated !== undefined && automated !== null;
}

export function actions(inputs: ActionInputs): ActionState[] {
  const { rollout, app } = inputs;
  const noRollout = rollout ? undefined : 'no Rollout is running yet';
  const state = rollout ? verbStateOf(rollout) : undefined;
  const name = state?.name ?? 'payments';
  const waiting = rollout ? pendingPrePromotion(rollout, inputs.runs) : undefined;
  const automated = app?.spec?.syncPolicy as { automated?: { selfHeal?: boolean } } | undefined;
  const selfHeal = automated?.automated?.selfHeal === true;
  const appName = app?.metadata?.name;
  const operation = (app?.status?.operationState as { phase?: string } | undefined)?.phase;
  const history = (app?.status?.history as unknown[] | undefined)?.length ?? 0;
  return [
    {
      name: 'promote',
      label: 'Promote',
      confirm: `Promote rollout '${name}': resume the paused update (the preview becomes active).`,
      disabledReason:
        noRollout ??
        reasonOf(() => promotePatches(state!, { full: false })) ??
        (waiting
          ? `pre-promotion analysis ${waiting.metadata?.name} is ${runPhase(waiting)}: promotion waits for it`
          : undefined),
    },
    {
      name: 'promote-full',
      label: 'Promote full',
      confirm: `Promote rollout '${name}' fully: skip the remaining pauses and analysis and switch now.`,
      disabledReason: noRollout ?? reasonOf(() => promotePatches(state!, { full: true })),
    },
    {
      name: 'abort',
      label: 'Abort',
      confirm: `Abort rollout '${name}': scale the new revision down, the stable one keeps the traffic.`,
      disabledReason: noRollout ?? reasonOf(() => abortPatches(state!)),
    },
    {
      name: 'retry',
      label: 'Retry',
      confirm: `Retry rollout '${name}': clear the abort and run the update again.`,
      disabledReason: noRollout ?? reasonOf(() => retryPatches(state!)),
    },
    {
      name: 'restart',
      label: 'Restart',
      confirm: `Restart rollout '${name}': replace every instance, one at a time.`,
      disabledReason: noRollout ?? reasonOf(() => restartPatches(state!, new Date())),
    },
    {
      name: 'undo',
      label: selfHeal ? 'Undo (self-heal reverts it)' : 'Undo',
      confirm: `Undo rollout '${name}': roll the template back to the previous revision.${selfHeal ? ' Self-heal is on: the GitOps controller will put Git’s template back within seconds. Roll back in Git instead.' : ''}`,
      ...(selfHeal
        ? {
            note: 'Self-heal is on: the GitOps controller will revert an undo. Use Rollback (a revert commit) instead.',
          }
        : {}),
      disabledReason:
        noRollout ?? (inputs.revisions < 2 ? `rollout '${name}' has no earlier revision to go back to` : undefined),
    },
    {
      name: 'sync',
      label: 'Sync',
      confirm: `Sync Application '${appName}' to its target revision now.`,
      disabledReason: !app
        ? 'no Application: the engine runs a working-tree folder, not GitOps'
        : operation === 'Running'
          ? `another operation is already in progress on Application '${appName}'`
          : undefined,
    },
    {
      name: 'rollback',
      label: autoSync(app) ? 'Rollback (revert commit)' : 'Rollback',
      confirm: autoSync(app)
        ? `Roll Application '${appName}' back the GitOps way: commit a revert of the last release to Git; auto-sync deploys it (Argo CD refuses a history rollback while auto-sync is on).`
        : `Roll Application '${appName}' back to the previous history entry.`,
      disabledReason: !app
        ? 'no Application: the engine runs a working-tree folder, not GitOps'
        : autoSync(app)
          ? undefined
          : history < 2
            ? `Application '${appName}' has no earlier history entry`
            : undefined,
    },
  ];
}

/** A measurement's value as a number: Prometheus vectors are stored as "[0.0012]". */
export function measurementValue(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i.exec(value);
  if (!match) return undefined;
  const n = Number(match[0]);
  return Number.isFinite(n) ? n : undefined;
}

/** Numeric thresholds in an expr-lang condition ("result[0] <= 0.01", "result < 0.5 && …"). */
export function thresholds(condition: string | undefined): number[] {
  if (!condition) return [];
  const found: number[] = [];
  const re = /(?:<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/gi;
  for (let m = re.exec(condition); m; m = re.exec(condition)) found.push(Number(m[1]));
  return found;
}

/**
 * Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval), where
 * $__interval is the step of the range query (Grafana docs, "Prometheus template variables").
 */
export function rateInterval(stepSeconds: number, scrapeIntervalSeconds: number): number {
  return Math.max(stepSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
}

/** Substitutes Grafana's macros in a panel query for one range query. */
export function substituteGrafana(expr: string, stepSeconds: number, scrapeIntervalSeconds: number): string {
  const rate = `${rateInterval(stepSeconds, scrapeIntervalSeconds)}s`;
  return expr
    .replaceAll('$__rate_interval', rate)
    .replaceAll('${__rate_interval}', rate)
    .replaceAll('$__interval', `${stepSeconds}s`)
    .replaceAll('$__range', `${stepSeconds}s`);
}

export interface TimelineEvent {
  readonly at: string;
  readonly what: string;
  readonly detail?: string;
  /** A Warning event (aborted, sync failed, deadline exceeded). */
  readonly warning?: boolean;
}

/** What a core/v1 Event's reason means on the timeline (Argo CD's and Argo Rollouts' reasons). */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  NewReplicaSetCreated: 'ReplicaSet created',
  RolloutUpdated: 'Rollout updated',
  ScalingReplicaSet: 'scaled',
  RolloutPaused: 'paused',
  RolloutResumed: 'promoted',
  SwitchService: 'switched',
  RolloutAborted: 'aborted',
  RolloutRetry: 'retried',
  RolloutCompleted: 'completed',
  RolloutNotCompleted: 'not completed',
  ProgressDeadlineExceeded: 'progress deadline exceeded',
  AnalysisRunCreated: 'analysis started',
  RestartingPod: 'restarting',
  Verb: 'action',
  OperationCompleted: 'sync finished',
};

interface EventFields {
  reason?: string;
  message?: string;
  action?: string;
  type?: string;
  lastTimestamp?: string;
  firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string };
}

/** One Event's line: Argo CD's sync events say "commit seen", "healed" and "synced" in the domain's words. */
export function eventLine(event: Obj): TimelineEvent | undefined {
  const e = event as Obj & EventFields;
  const at = e.lastTimestamp ?? e.firstTimestamp;
  if (!at || !e.reason) return undefined;
  const on = `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`;
  let what = EVENT_LABELS[e.reason] ?? e.reason;
  if (e.reason === 'OperationStarted') what = e.action === 'self-heal' ? 'healed (self-heal sync)' : 'sync started';
  else if (e.reason === 'OperationCompleted') what = /succeeded$/.test(e.message ?? '') ? 'synced' : 'sync failed';
  else if (e.reason === 'ResourceUpdated' && /sync status: Synced -> OutOfSync/.test(e.message ?? ''))
    what = 'commit seen or drift (OutOfSync)';
  else if (e.reason === 'ResourceUpdated') what = 'status';
  return { at, what, detail: `${on}: ${e.message ?? ''}`, ...(e.type === 'Warning' ? { warning: true } : {}) };
}

/**
 * The timeline: the Events the controllers record (GitOps mode: the application controller's and
 * the Rollouts controller's, store/events.ts), plus what the live objects record that no Event
 * says (analysis finished). Without Events (the engine runs a working-tree folder) it is built
 * from the objects alone: syncs, conditions, pauses, aborts, ReplicaSets and analysis runs.
 */
export function timeline(objects: {
  rollout?: Obj;
  app?: Obj;
  runs: readonly Obj[];
  replicaSets: readonly Obj[];
  events?: readonly Obj[];
}): TimelineEvent[] {
  if (objects.events && objects.events.length > 0) {
    const lines = objects.events.map(eventLine).filter((l): l is TimelineEvent => l !== undefined);
    for (const run of objects.runs) {
      const s = run.status as { completedAt?: string; phase?: string; message?: string } | undefined;
      if (s?.completedAt)
        lines.push({
          at: s.completedAt,
          what: `analysis ${s.phase ?? 'finished'}`,
          detail: [run.metadata?.name, s.message].filter(Boolean).join(': '),
        });
    }
    return lines.sort((a, b) => b.at.localeCompare(a.at));
  }
  const events: TimelineEvent[] = [];
  const app = objects.app?.status as
    | {
        operationState?: {
          startedAt?: string;
          finishedAt?: string;
          phase?: string;
          message?: string;
          operation?: { sync?: { revision?: string } };
        };
        history?: { deployedAt?: string; revision?: string; id?: number }[];
        revisionSubject?: string;
      }
    | undefined;
  for (const h of app?.history ?? [])
    if (h.deployedAt)
      events.push({ at: h.deployedAt, what: 'synced', detail: `${h.revision?.slice(0, 7) ?? '?'} (history ${h.id})` });
  const op = app?.operationState;
  if (op?.startedAt)
    events.push({
      at: op.startedAt,
      what: 'sync started',
      detail: `${op.operation?.sync?.revision?.slice(0, 7) ?? ''} ${op.message ?? ''}`.trim(),
    });
  const status = objects.rollout?.status as
    | {
        conditions?: {
          type?: string;
          reason?: string;
          message?: string;
          lastTransitionTime?: string;
          status?: string;
        }[];
        pauseConditions?: { reason?: string; startTime?: string }[];
        abortedAt?: string;
      }
    | undefined;
  for (const c of status?.conditions ?? [])
    if (c.lastTransitionTime)
      events.push({ at: c.lastTransitionTime, what: `${c.type}: ${c.reason ?? c.status}`, detail: c.message });
  for (const p of status?.pauseConditions ?? [])
    if (p.startTime) events.push({ at: p.startTime, what: 'paused', detail: p.reason });
  if (status?.abortedAt) events.push({ at: status.abortedAt, what: 'aborted' });
  for (const rs of objects.replicaSets)
    if (rs.metadata?.creationTimestamp)
      events.push({ at: rs.metadata.creationTimestamp, what: 'ReplicaSet created', detail: rs.metadata.name });
  for (const run of objects.runs) {
    const s = run.status as { startedAt?: string; completedAt?: string; phase?: string; message?: string } | undefined;
    const at = s?.startedAt ?? run.metadata?.creationTimestamp;
    if (at) events.push({ at, what: 'analysis started', detail: run.metadata?.name });
    if (s?.completedAt)
      events.push({
        at: s.completedAt,
        what: `analysis ${s.phase ?? 'finished'}`,
        detail: [run.metadata?.name, s.message].filter(Boolean).join(': '),
      });
  }
  return events.sort((a, b) => b.at.localeCompare(a.at));
}
