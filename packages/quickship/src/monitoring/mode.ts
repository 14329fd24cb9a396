// Whether analysis runs (pure constants shared by the stack, the engine, the API and the CLI).

/**
 * 'enabled': a real Prometheus runs, AnalysisRuns measure against it. 'skipped' (`up
 * --no-analysis`, for a machine without Prometheus): nothing is measured and every analysis shows
 * as Skipped — never Successful, so a skipped check is never mistaken for a passed one.
 */
export type AnalysisMode = 'enabled' | 'skipped';

/** The prometheus-operator kinds the local Prometheus runs (when analysis is enabled). */
export const monitoringKinds: ReadonlySet<string> = new Set(['ServiceMonitor', 'PrometheusRule']);
