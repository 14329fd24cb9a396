// AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun as Argo Rollouts defines them
// (pkg/apis/rollouts/v1alpha1/analysis_types.go), in the store's KubeObject shape. Field names,
// optionality and IntOrString fields are upstream's; only what the local engine reads is typed,
// the rest of a provider's block is kept as written.
import type { KubeObject, ObjectMeta } from '../store/object.ts';

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

/** Completed() in upstream: a phase nothing changes any more. */
export function isCompleted(phase: AnalysisPhase | undefined): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}

export type IntOrString = number | string;

export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

export interface ValueFrom {
  readonly secretKeyRef?: SecretKeySelector;
  readonly fieldRef?: { readonly fieldPath: string };
  /** Only in a Rollout's analysis args (AnalysisRunArgument). */
  readonly podTemplateHashValue?: 'Stable' | 'Latest';
}

/** An argument of a template or run (v1alpha1.Argument / AnalysisRunArgument). */
export interface Argument {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: ValueFrom;
}

export interface Metric {
  readonly name: string;
  readonly interval?: string;
  readonly initialDelay?: string;
  readonly count?: IntOrString;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly failureLimit?: IntOrString;
  readonly inconclusiveLimit?: IntOrString;
  readonly consecutiveErrorLimit?: IntOrString;
  readonly consecutiveSuccessLimit?: IntOrString;
  /** Exactly one provider key (prometheus, web, job, datadog, …) with its block as written. */
  readonly provider: Readonly<Record<string, unknown>>;
}

export interface DryRun {
  readonly metricName: string;
}

export interface MeasurementRetention {
  readonly metricName: string;
  readonly limit: number;
}

export interface AnalysisTemplateSpec {
  readonly metrics: readonly Metric[];
  readonly args?: readonly Argument[];
  readonly dryRun?: readonly DryRun[];
  readonly measurementRetention?: readonly MeasurementRetention[];
}

export interface AnalysisTemplate extends KubeObject {
  readonly kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  readonly spec: AnalysisTemplateSpec;
}

export interface Measurement {
  readonly phase: AnalysisPhase;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The provider's result as a string (upstream stores it so): "[0.0012]", "0.5", "{...}". */
  readonly value?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** When an in-flight measurement (a Job) should be looked at again. */
  readonly resumeAt?: string;
}

export interface MetricResult {
  readonly name: string;
  readonly phase: AnalysisPhase;
  readonly measurements: readonly Measurement[];
  readonly message?: string;
  readonly count?: number;
  readonly successful?: number;
  readonly failed?: number;
  readonly inconclusive?: number;
  readonly error?: number;
  readonly consecutiveError?: number;
  readonly consecutiveSuccess?: number;
  readonly dryRun?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface RunSummary {
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
}

export interface AnalysisRunSpec {
  readonly metrics: readonly Metric[];
  readonly args?: readonly Argument[];
  readonly terminate?: boolean;
  readonly dryRun?: readonly DryRun[];
  readonly measurementRetention?: readonly MeasurementRetention[];
}

export interface AnalysisRunStatus {
  readonly phase?: AnalysisPhase;
  readonly message?: string;
  readonly metricResults?: readonly MetricResult[];
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly runSummary?: RunSummary;
  readonly dryRunSummary?: RunSummary;
}

export interface AnalysisRun extends KubeObject {
  readonly kind: 'AnalysisRun';
  readonly metadata: ObjectMeta;
  readonly spec: AnalysisRunSpec;
  readonly status?: AnalysisRunStatus;
}

export const ANALYSIS_API_VERSION = 'argoproj.io/v1alpha1';
