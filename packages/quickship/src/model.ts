// The shared vocabulary of the local engine, in Argo Rollouts' own words.
// core/ (pure: parsing, lint, hashing, blue/green decisions, phase, rendering) and runtime/
// (processes, router, registry, persistence) both speak these types; engine/ wires them.
// Field names follow the Argo Rollouts CRD (argoproj.io/v1alpha1) so that `status --json`
// prints the same shape a cluster would.

/** A probe, as in the Kubernetes pod spec; only httpGet is supported locally. */
export interface HttpProbe {
  readonly path: string;
  /** Container port number (a named port is resolved by the parser). */
  readonly port: number;
  readonly initialDelaySeconds: number; // default 0
  readonly periodSeconds: number; // default 10
  readonly timeoutSeconds: number; // default 1
  readonly successThreshold: number; // default 1
  readonly failureThreshold: number; // default 3
}

export type PreStopHook =
  | { readonly kind: 'sleep'; readonly seconds: number } // exec ["sleep","N"] or lifecycle.preStop.sleep
  | { readonly kind: 'httpGet'; readonly path: string; readonly port: number };

/** An env var after parsing; secretKeyRef/configMapKeyRef are resolved by the engine from local stand-ins. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly secretKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean };
    }
  | {
      readonly name: string;
      readonly configMapKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean };
    };

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly readinessProbe?: HttpProbe;
  readonly livenessProbe?: HttpProbe;
  readonly startupProbe?: HttpProbe;
  readonly preStop?: PreStopHook;
}

export interface BlueGreenStrategy {
  readonly activeService: string;
  readonly previewService?: string;
  readonly autoPromotionEnabled: boolean; // default true
  readonly autoPromotionSeconds?: number;
  readonly scaleDownDelaySeconds: number; // default 30
  readonly scaleDownDelayRevisionLimit?: number;
  readonly abortScaleDownDelaySeconds: number; // default 30
  readonly previewReplicaCount?: number;
  /**
   * `prePromotionAnalysis` / `postPromotionAnalysis` (RolloutAnalysis: templates, args, dryRun,
   * measurementRetention, analysisRunMetadata) exactly as written; the pure core only needs to know
   * they are present, the engine builds the AnalysisRun from them (analysis/new-run.ts).
   */
  readonly prePromotionAnalysis?: Readonly<Record<string, unknown>>;
  readonly postPromotionAnalysis?: Readonly<Record<string, unknown>>;
}

/** A parsed Rollout: the subset the local engine runs, plus what it ignores (never silently). */
export interface RolloutSpec {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number; // default 1
  readonly revisionHistoryLimit: number; // default 10
  readonly progressDeadlineSeconds: number; // default 600
  /** `spec.progressDeadlineAbort`: abort the update when progressDeadlineSeconds is exceeded (default false). */
  readonly progressDeadlineAbort?: boolean;
  readonly selector: Readonly<Record<string, string>>;
  readonly strategy: { readonly blueGreen: BlueGreenStrategy };
  /** The pod template exactly as written; its hash is the revision (rollouts-pod-template-hash). */
  readonly template: unknown;
  readonly templateLabels: Readonly<Record<string, string>>;
  readonly container: ContainerSpec;
  readonly terminationGracePeriodSeconds: number; // default 30
  /** `spec.paused` as a user sets it (`kubectl argo rollouts pause`). */
  readonly paused: boolean;
  /** `spec.restartAt` (RFC 3339), as `kubectl argo rollouts restart` sets it: instances created before it are restarted. */
  readonly restartAt?: string;
  /** `spec.rollbackWindow.revisions`: a rollback to one of the last N revisions is fast-tracked (core/bluegreen/rollback-window.ts). */
  readonly rollbackWindow?: { readonly revisions: number };
  /** Field paths present in the manifest that the local engine does not run, with why. */
  readonly ignored: readonly IgnoredField[];
}

export interface IgnoredField {
  readonly path: string; // e.g. "spec.template.spec.containers[0].resources"
  readonly reason: string; // e.g. "cluster only: resource requests/limits are not enforced locally"
}

export interface ServiceSpec {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly targetPort: number | string }[];
}

/** Any other object found in deploy/: listed by the engine as "cluster only". */
export interface OtherObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly file: string;
}

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export interface PauseCondition {
  readonly reason: 'BlueGreenPause' | 'PausedByUser' | 'InconclusiveAnalysis';
  readonly startTime: string; // RFC 3339
}

/** One `α` node of the tree: info.AnalysisRunInfo (status, age, measurement counts). */
export interface AnalysisRunView {
  readonly name: string;
  readonly status: string;
  readonly age?: string;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
}

/** Argo's RolloutAnalysisRunStatus: which run is current for a type, its phase and message. */
export interface RolloutAnalysisRunStatus {
  readonly name: string;
  /** The run's status.phase ('' until the AnalysisRun controller first reconciled it). */
  readonly status: string;
  readonly message?: string;
}

/** What the blue/green core needs to know of one AnalysisRun the Rollout owns. */
export interface AnalysisRunSummary {
  readonly name: string;
  readonly type: 'pre' | 'post';
  readonly podTemplateHash: string;
  readonly phase: string;
  readonly message?: string;
  /** spec.terminate is set (cancelled). */
  readonly terminate: boolean;
}

export interface RolloutCondition {
  readonly type: 'Available' | 'Progressing' | 'Paused' | 'Healthy' | 'Completed' | 'InvalidSpec';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly lastUpdateTime: string;
}

/**
 * The controller-written facts the engine persists (Argo keeps these in `.status` too).
 * The phase and message are never stored: core/phase computes them from spec + these facts.
 */
export interface ControllerStatus {
  readonly currentPodHash?: string;
  readonly stableRS?: string;
  readonly blueGreen: {
    readonly activeSelector?: string;
    readonly previewSelector?: string;
    readonly scaleUpPreviewCheckPoint?: boolean;
    /** RolloutAnalysisRunStatus of the current pre-promotion AnalysisRun (name, phase, message). */
    readonly prePromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
    readonly postPromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
  };
  readonly pauseConditions: readonly PauseCondition[];
  readonly controllerPause: boolean;
  readonly abort: boolean;
  readonly abortedAt?: string;
  /** Set by `promote --full`: skip remaining pauses/analysis for the current revision. */
  readonly promoteFull: boolean;
  /** When the current revision started progressing; for progressDeadlineSeconds. */
  readonly progressStartedAt?: string;
  readonly conditions: readonly RolloutCondition[];
  /** Fingerprint of the spec this status was computed from (Argo v0.9 also stored a hash here). */
  readonly observedGeneration?: string;
  /** Bumped when two different templates hash alike, as Argo's status.collisionCount. */
  readonly collisionCount?: number;
  /** The spec.restartAt that has been fully applied (every instance is newer). */
  readonly restartedAt?: string;
  /** Counts of the last reconcile, Argo's status.replicas/updatedReplicas/readyReplicas/availableReplicas: progress is a change in them. */
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
}

/** A ReplicaSet the engine owns: one revision of the pod template. */
export interface ReplicaSetState {
  readonly podTemplateHash: string;
  /** `rollout.argoproj.io/revision`: 1, 2, 3… increasing with each new template. */
  readonly revision: number;
  readonly template: unknown;
  readonly container: ContainerSpec;
  readonly terminationGracePeriodSeconds: number;
  /** Desired replica count. */
  readonly replicas: number;
  /** `scale-down-deadline` annotation: when a replaced ReplicaSet is scaled to zero (RFC 3339). */
  readonly scaleDownDeadline?: string;
  readonly createdAt: string;
}

export type InstanceState =
  | 'Pending' // starting, not yet Ready
  | 'Running' // started; Ready is separate
  | 'Terminating' // removed from endpoints, preStop / SIGTERM under way
  | 'CrashLoopBackOff'
  | 'ErrImagePull'
  | 'InvalidImageName'
  | 'Error';

/** A running (or failing) replica: the local stand-in for a pod. */
export interface InstanceStatus {
  readonly name: string; // "<rollout>-<hash>-<suffix>", like a pod name
  readonly podTemplateHash: string;
  readonly port?: number;
  readonly pid?: number;
  readonly state: InstanceState;
  readonly ready: boolean;
  readonly restarts: number;
  readonly startedAt: string;
  readonly message?: string; // why it is not ready / why it failed
}

/** What the runtime observes per ReplicaSet, fed to the pure reconcile and phase functions. */
export interface ReplicaSetObservation {
  readonly podTemplateHash: string;
  readonly replicas: number; // instances that exist (not terminating)
  readonly readyReplicas: number;
  readonly availableReplicas: number; // ready (minReadySeconds is 0 locally)
}

/** The Rollout object printed by `status --json`: metadata + spec as read, status in Argo's shape. */
export interface RolloutObject {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Rollout';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: unknown;
  readonly status: ControllerStatus & {
    readonly phase: RolloutPhase;
    readonly message: string;
    readonly replicas: number;
    readonly updatedReplicas: number;
    readonly readyReplicas: number;
    readonly availableReplicas: number;
    readonly selector: string;
  };
}

/**
 * What `quickship status` draws, produced by both targets (local engine and Kubernetes) and
 * rendered by one pure function, like `kubectl argo rollouts get rollout`.
 */
export interface RolloutView {
  readonly name: string;
  readonly namespace: string;
  readonly phase: RolloutPhase;
  readonly message: string;
  readonly strategy: 'BlueGreen';
  /** Age of the Rollout, e.g. "7d" (Kubernetes HumanDuration). */
  readonly age?: string;
  readonly images: readonly {
    readonly image: string;
    readonly markers: readonly ('stable' | 'active' | 'preview')[];
  }[];
  readonly replicas: {
    readonly desired: number;
    readonly current: number;
    readonly updated: number;
    readonly ready: number;
    readonly available: number;
  };
  readonly revisions: readonly {
    readonly revision: number;
    readonly podTemplateHash: string;
    /** The ReplicaSet name, "<rollout>-<hash>". */
    readonly name?: string;
    readonly age?: string;
    readonly image: string;
    readonly markers: readonly ('stable' | 'active' | 'preview')[];
    readonly status: 'Healthy' | 'Progressing' | 'ScaledDown' | 'Degraded';
    readonly scaleDownDeadline?: string;
    readonly pods: readonly {
      readonly name: string;
      readonly state: string;
      readonly ready: boolean;
      /** Ready containers of all, e.g. "1/1" (default: 1/1 when ready, else 0/1). */
      readonly readyContainers?: string;
      readonly restarts: number;
      readonly age: string;
      readonly endpoint?: string;
      readonly message?: string;
    }[];
    /** AnalysisRuns of this revision (annotation rollout.argoproj.io/revision), as the plugin lists them. */
    readonly analysisRuns?: readonly AnalysisRunView[];
  }[];
  /** Local-only notes (ports instead of pod IPs, ignored fields, cluster-only objects). */
  readonly notes: readonly string[];
}

/** The error a verb raises when it does not apply (e.g. promote on a Healthy rollout); a UserError. */
export { VerbNotApplicableError } from './errors.ts';

/**
 * Where the CLI's verbs act: the local engine (over its loopback API) or a Kubernetes cluster
 * (patching exactly what the kubectl Argo Rollouts plugin patches). One interface, two targets.
 */
export interface RolloutTarget {
  /** The Rollout with its status in Argo's shape, and the tree `status` draws. */
  get(name: string): Promise<{ readonly rollout: RolloutObject | Record<string, unknown>; readonly view: RolloutView }>;
  promote(name: string, options: { readonly full: boolean }): Promise<string>;
  abort(name: string): Promise<string>;
  retry(name: string): Promise<string>;
  undo(name: string, options: { readonly toRevision?: number }): Promise<string>;
  restart(name: string): Promise<string>;
}

/** A rollout as a target serves it: the Rollout object in Argo's shape and the tree `status` draws. */
export interface RolloutEntry {
  readonly rollout: RolloutObject | Record<string, unknown>;
  readonly view: RolloutView;
}

/** What a running local engine says about itself. */
export interface EngineInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly deployDir: string;
  readonly stateDir: string;
  /** Router URL per Service name, e.g. { "payments-active": "http://127.0.0.1:8080" }. */
  readonly services: Readonly<Record<string, string>>;
  /** Objects found in deploy/ that only mean something in a cluster. */
  readonly clusterOnly: readonly string[];
  /** 'skipped' when started with --no-analysis (no Prometheus): every analysis shows as Skipped. */
  readonly analysis?: 'enabled' | 'skipped';
  /** The local Prometheus (absent when analysis is skipped). */
  readonly prometheus?: string;
}

/** One active alert of the local Prometheus (GET /api/v1/alerts, `quickship alerts`). */
export interface AlertRow {
  /** The `alertname` label. */
  readonly name: string;
  /** pending while the rule's `for:` runs, then firing. */
  readonly state: 'pending' | 'firing';
  /** Every label but alertname (the rule's labels and the series' labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly activeAt?: string;
  /** The expression's value when last evaluated, as Prometheus formats it. */
  readonly value?: string;
  /** The `summary` annotation, templated by Prometheus. */
  readonly summary?: string;
}

export interface AlertsResponse {
  /** The Prometheus they come from. */
  readonly prometheus: string;
  readonly alerts: readonly AlertRow[];
}

/** What the local engine offers the API server (api/server.ts) and the console. */
export interface EngineApi extends RolloutTarget {
  list(): Promise<readonly RolloutEntry[]>;
  info(): EngineInfo;
  /** Calls `listener` with the rollout's entry after each change; returns the unsubscribe function. */
  subscribe(listener: (entry: RolloutEntry) => void): () => void;
  /** The local Prometheus' pending and firing alerts (rejects when it does not run). */
  alerts?(): Promise<AlertsResponse>;
}
