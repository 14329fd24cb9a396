// AnalysisTemplates and AnalysisRuns as Argo Rollouts runs them (README.md beside this file).
// How the engine uses it:
//
//   const prometheus = await startPrometheus({ dir: '.quickship/prometheus' });      // runtime/prometheus.ts
//   await prometheus.setTargets(scrapeTargets(serviceMonitor.spec, services));       // on every instance change
//   await prometheus.setRules(new Map([[rule.metadata.name, rule.spec]]));          // PrometheusRule objects
//   const jobs = new JobProvider({ launch: containerLauncher(registry, logDir), mapAddress, secrets, onUpdate: () => runner.poke() });
//   const runner = new AnalysisRunner({ measure: providerMeasure({ prometheus: { localUrl: prometheus.url }, web: { mapUrl }, job: jobs }),
//                                       secrets, onChange: (run) => store.apply(run) });
//   runner.start(newAnalysisRunForRollout({ rollout, rolloutObject, analysis: spec.strategy.blueGreen.prePromotionAnalysis,
//                                           type: 'pre', latestPodHash, stablePodHash, templates: templatesFor(refs, lookup) }));
//   runner.get(name)?.status?.phase;   runner.terminate(name);   await runner.close(); await jobs.stopAll(); await prometheus.stop();
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
