// AnalysisTemplates and AnalysisRuns as Argo Rollouts runs them (README.md beside this file).
// Wired into the engine by engine/analysis-controller.ts: the blue/green core decides which run
// to create or terminate (core/bluegreen/analysis.ts), the controller builds it here
// (newAnalysisRunForRollout), runs it with AnalysisRunner over providerMeasure({ prometheus:
// { localUrl: EngineOptions.prometheusUrl }, web: { mapUrl }, job: JobProvider }) and writes each
// version to the live store. Prometheus itself (runtime/prometheus.ts: startPrometheus,
// setTargets from the ServiceMonitor, setRules from PrometheusRules) is started by `quickship up`.
export { evalCondition, evaluateResult } from './expr/index.ts';
export {
  buildRolloutAnalysisArgs,
  mergeArgs,
  resolveMetricArgs,
  resolveSecretArgs,
  valueAtFieldPath,
  type SecretLookup,
} from './args.ts';
export { parseGoDuration } from './duration.ts';
export {
  AnalysisRunBuildError,
  AnalysisTemplateNotFoundError,
  InvalidAnalysisTemplateError,
  InvalidDurationError,
} from './errors.ts';
export {
  analysisRunName,
  mergeTemplates,
  newAnalysisRunForRollout,
  templatesFor,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLLOUT_TYPE_LABEL,
  type AnalysisRunType,
  type AnalysisTemplateRef,
  type RolloutAnalysis,
  type RolloutRef,
} from './new-run.ts';
export { reconcileAnalysisRun, type Measure } from './reconcile.ts';
export {
  assessMetricStatus,
  isTerminating,
  nextReconcileAt,
  planAnalysisRun,
  recordMeasurements,
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  DEFAULT_MEASUREMENT_HISTORY_LIMIT,
  type MetricTask,
  type Plan,
  type Recorded,
  type TakenMeasurement,
} from './run.ts';
export { AnalysisRunner, type AnalysisRunnerOptions } from './runner.ts';
export {
  isAnalysisTemplate,
  parseAnalysisTemplate,
  providerOf,
  unsupportedProviders,
  LOCAL_PROVIDERS,
  type UnsupportedProvider,
} from './template.ts';
export * from './types.ts';
export { metricsProblem, effectiveCount } from './validate.ts';
export {
  containerLauncher,
  JobProvider,
  measurePrometheus,
  measureWeb,
  type JobProviderOptions,
  type LaunchContainer,
  type PrometheusProviderOptions,
  type WebProviderOptions,
} from './providers/index.ts';
export { providerMeasure, serviceAddressMapper, type Providers } from './providers/index.ts';
