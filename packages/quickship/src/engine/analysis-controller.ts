// The Rollout's AnalysisRuns on one machine (thin shell). The blue/green core decides which run
// to create or terminate (core/bluegreen/analysis.ts); this builds it from the Rollout's templates
// as the Rollouts controller does (analysis/new-run.ts), writes it to the live store as an
// `argoproj.io/v1alpha1 AnalysisRun` owned by the Rollout (manager `argo-rollouts`), runs it with
// AnalysisRunner (prometheus → the engine's Prometheus, web and job → cluster DNS names mapped to
// the local Service ports) and writes every new status as measurements arrive.
//
// Without a Prometheus (`prometheusUrl` absent: `quickship up --no-analysis`), nothing is
// measured: each run is written at once with phase Inconclusive and the message below, so status,
// API and console show it as skipped and never Successful. Inconclusive pauses the Rollout
// (InconclusiveAnalysis); only `promote --full` (which skips analysis upstream too) releases it.
import type { AnalysisRunSummary, RolloutSpec } from '../model.ts';
import {
  AnalysisRunner,
  JobProvider,
  containerLauncher,
  newAnalysisRunForRollout,
  providerMeasure,
  serviceAddressMapper,
  isCompleted,
  type AnalysisRun,
  type AnalysisTemplate,
  type RolloutAnalysis,
  type SecretLookup,
} from '../analysis/index.ts';
import type { ImageResolver } from '../runtime/registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { KubeObject } from '../store/object.ts';
import { ROLLOUT_CONTROLLER_MANAGER } from './fields-managers.ts';

/** AnalysisRuns are written by the Rollouts controller, as upstream's are (engine/fields-managers.ts). */
export const ANALYSIS_MANAGER = ROLLOUT_CONTROLLER_MANAGER;
export const SKIPPED_MESSAGE =
  'analysis skipped: the engine runs without Prometheus (--no-analysis); nothing was measured. Promote with `quickship promote --full` to release without analysis';

export interface AnalysisControllerOptions {
  /** GitOps mode: AnalysisRuns are written here (and re-adopted from here after a restart). */
  readonly store?: ObjectStore;
  /** The AnalysisTemplates and ClusterAnalysisTemplates deploy/ declares (as synced). */
  readonly templates: () => readonly AnalysisTemplate[];
  /** The engine's Prometheus; absent: every run is skipped (see above). */
  readonly prometheusUrl?: string;
  readonly images: ImageResolver;
  readonly logDir: string;
  /** "<service>.<namespace>" → the loopback port the engine serves it on. */
  readonly servicePorts: () => ReadonlyMap<string, number>;
  readonly secrets: SecretLookup;
  /** A run changed: reconcile the Rollout. */
  readonly onChange: () => void;
  readonly log: (line: string) => void;
}

/** What the Rollout controller knows when the core asks for a run. */
export interface RunRequest {
  readonly type: 'pre' | 'post';
  readonly name: string;
  readonly spec: RolloutSpec;
  /** The Rollout object (metadata.uid for the owner reference; fieldRef args read it). */
  readonly rolloutObject: unknown;
  readonly podTemplateHash: string;
  readonly revision: number;
  readonly stablePodHash?: string;
}

export class AnalysisController {
  private readonly runner: AnalysisRunner | undefined;
  private readonly jobs: JobProvider | undefined;
  /** Every run of this engine by name (skipped ones never enter the runner). */
  private readonly runs = new Map<string, AnalysisRun>();

  constructor(private readonly options: AnalysisControllerOptions) {
    if (options.prometheusUrl !== undefined) {
      const mapAddress = (text: string): string => serviceAddressMapper(options.servicePorts(), 'default')(text);
      this.jobs = new JobProvider({
        launch: containerLauncher(options.images, options.logDir),
        mapAddress,
        secrets: options.secrets,
        onUpdate: () => this.runner?.poke(),
      });
      this.runner = new AnalysisRunner({
        measure: providerMeasure({
          prometheus: { localUrl: options.prometheusUrl },
          web: { mapUrl: mapAddress },
          job: this.jobs,
        }),
        secrets: options.secrets,
        onChange: (run) => this.write(run),
      });
    }
    // A restarted engine resumes the runs its store still holds unfinished.
    for (const object of options.store?.list({ kind: 'AnalysisRun', group: 'argoproj.io' }) ?? []) {
      const run = object as unknown as AnalysisRun;
      this.runs.set(run.metadata.name, run);
      if (!isCompleted(run.status?.phase)) {
        if (this.runner) this.runner.start(run);
        else this.write(skipped(run));
      }
    }
  }

  /** The run objects one Rollout owns. */
  objects(rollout: string): AnalysisRun[] {
    return [...this.runs.values()].filter((run) =>
      run.metadata.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === rollout),
    );
  }

  /** The runs of one Rollout, as the core reads them. */
  summaries(rollout: string): AnalysisRunSummary[] {
    return this.objects(rollout).map((run) => ({
      name: run.metadata.name,
      type: run.metadata.labels?.['rollout-type'] === 'PostPromotion' ? 'post' : 'pre',
      podTemplateHash: run.metadata.labels?.['rollouts-pod-template-hash'] ?? '',
      phase: run.status?.phase ?? '',
      ...(run.status?.message ? { message: run.status.message } : {}),
      terminate: run.spec.terminate === true,
    }));
  }

  list(): AnalysisRun[] {
    return [...this.runs.values()];
  }

  get(name: string): AnalysisRun | undefined {
    return this.runs.get(name);
  }

  /** createAnalysisRun: build, write, run (or mark skipped). A build error is an Error run (the Rollout aborts with it). */
  create(request: RunRequest): void {
    const bg = request.spec.strategy.blueGreen;
    const analysis = (request.type === 'pre' ? bg.prePromotionAnalysis : bg.postPromotionAnalysis) as
      RolloutAnalysis | undefined;
    if (analysis === undefined || this.runs.has(request.name)) return;
    let run: AnalysisRun;
    const uid = rolloutUid(request.rolloutObject);
    const templates = this.options.templates();
    try {
      const built = newAnalysisRunForRollout({
        rollout: {
          name: request.spec.name,
          namespace: request.spec.namespace,
          ...(uid ? { uid } : {}),
          revision: String(request.revision),
          selectorLabels: request.spec.selector,
        },
        rolloutObject: request.rolloutObject,
        analysis,
        type: request.type,
        latestPodHash: request.podTemplateHash,
        ...(request.stablePodHash ? { stablePodHash: request.stablePodHash } : {}),
        templates: (analysis.templates ?? []).map((ref) => {
          const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
          const found = templates.find(
            (t) =>
              t.kind === kind &&
              t.metadata.name === ref.templateName &&
              (ref.clusterScope === true ||
                (t.metadata.namespace ?? request.spec.namespace) === request.spec.namespace),
          );
          if (!found) throw new Error(`${kind} '${ref.templateName}' not found`);
          return found;
        }),
      });
      run = { ...built, metadata: { ...built.metadata, name: request.name } };
    } catch (error) {
      run = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: {
          name: request.name,
          namespace: request.spec.namespace,
          labels: { 'rollouts-pod-template-hash': request.podTemplateHash },
        },
        spec: { metrics: [] },
        status: { phase: 'Error', message: (error as Error).message },
      } as AnalysisRun;
      this.options.log(`AnalysisRun ${request.name}: ${(error as Error).message}`);
      this.write(withType(run, request));
      return;
    }
    this.options.log(
      `AnalysisRun ${request.name} created (${request.type === 'pre' ? 'PrePromotion' : 'PostPromotion'})`,
    );
    if (!this.runner) {
      this.write(skipped(run));
      return;
    }
    this.write(run);
    this.runner.start(run);
  }

  /** cancelAnalysisRun: spec.terminate = true; the runner finishes it ("Run Terminated"). */
  cancel(name: string): void {
    const run = this.runs.get(name);
    if (!run || isCompleted(run.status?.phase) || run.spec.terminate) return;
    this.options.log(`AnalysisRun ${name} terminated`);
    if (this.runner?.get(name)) this.runner.terminate(name);
    else this.write({ ...run, spec: { ...run.spec, terminate: true } });
  }

  async close(): Promise<void> {
    await this.runner?.close();
    await this.jobs?.stopAll();
  }

  private write(run: AnalysisRun): void {
    this.runs.set(run.metadata.name, run);
    const store = this.options.store;
    if (store) {
      const { status, ...object } = run;
      const ref = {
        group: 'argoproj.io',
        kind: 'AnalysisRun',
        namespace: run.metadata.namespace ?? '',
        name: run.metadata.name,
      };
      store.apply(object as unknown as KubeObject, ANALYSIS_MANAGER);
      if (status !== undefined) store.setStatus(ref, status, ANALYSIS_MANAGER);
    }
    this.options.onChange();
  }
}

function skipped(run: AnalysisRun): AnalysisRun {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { ...run, status: { phase: 'Inconclusive', message: SKIPPED_MESSAGE, startedAt: now, metricResults: [] } };
}

function withType(run: AnalysisRun, request: RunRequest): AnalysisRun {
  return {
    ...run,
    metadata: {
      ...run.metadata,
      labels: { ...run.metadata.labels, 'rollout-type': request.type === 'pre' ? 'PrePromotion' : 'PostPromotion' },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: request.spec.name,
          uid: rolloutUid(request.rolloutObject) ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
  };
}

function rolloutUid(rollout: unknown): string | undefined {
  const meta = (rollout as { metadata?: { uid?: unknown } } | undefined)?.metadata;
  return typeof meta?.uid === 'string' ? meta.uid : undefined;
}
