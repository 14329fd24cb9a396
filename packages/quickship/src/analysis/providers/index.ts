// The providers behind one `Measure` for reconcileAnalysisRun: a metric's provider key picks
// prometheus, web or job; any other provider is an Error measurement naming it (never skipped).
import type { Measure } from '../reconcile.ts';
import type { MetricTask, TakenMeasurement } from '../run.ts';
import { LOCAL_PROVIDERS, providerOf } from '../template.ts';
import type { AnalysisRun, Measurement } from '../types.ts';
import { errorMeasurement } from '../measurement.ts';
import type { JobProvider } from './job.ts';
import { measurePrometheus, type PrometheusProviderOptions } from './prometheus.ts';
import { measureWeb, type WebProviderOptions } from './web.ts';

export interface Providers {
  readonly prometheus?: PrometheusProviderOptions;
  readonly web?: WebProviderOptions;
  readonly job?: JobProvider;
  readonly now?: () => number;
}

async function measureOnce(task: MetricTask, run: AnalysisRun, providers: Providers): Promise<Measurement> {
  const now = providers.now ?? Date.now;
  const provider = providerOf(task.metric);
  const unavailable = (why: string) => errorMeasurement(why, now(), now());
  switch (provider) {
    case 'prometheus':
      if (!providers.prometheus) return unavailable('no local Prometheus: the engine was started without analysis');
      return measurePrometheus(task.metric, providers.prometheus);
    case 'web':
      return measureWeb(task.metric, providers.web);
    case 'job': {
      const job = providers.job;
      if (!job) return unavailable('no local job runner configured');
      if (task.action === 'run') return job.run(run, task.metric);
      if (task.action === 'resume') return job.resume(run, task.metric, task.incompleteMeasurement as Measurement);
      return job.terminate(run, task.metric, task.incompleteMeasurement as Measurement);
    }
    default:
      return unavailable(
        `provider "${provider}" is not run by the local engine (only ${LOCAL_PROVIDERS.join(', ')}); run this analysis on a cluster`,
      );
  }
}

export function providerMeasure(providers: Providers): Measure {
  return async (task, run): Promise<TakenMeasurement> => {
    let measurement = await measureOnce(task, run, providers);
    // runMeasurements: a terminated measurement that did not fail says so.
    if (task.action === 'terminate' && (measurement.phase === 'Successful' || measurement.phase === 'Inconclusive')) {
      measurement = { ...measurement, message: 'Metric Terminated' };
    }
    const jobName = measurement.metadata?.['job-name'];
    return {
      metricName: task.metric.name,
      measurement,
      ...(jobName !== undefined ? { metadata: { 'job-name': jobName } } : {}),
    };
  };
}

export { JobProvider, type JobProviderOptions } from './job.ts';
export { containerLauncher, type JobContainer, type LaunchContainer } from './launch.ts';
export { measurePrometheus, type PrometheusProviderOptions } from './prometheus.ts';
export { measureWeb, type WebProviderOptions } from './web.ts';
export { serviceAddressMapper } from './addresses.ts';
