// One reconcile of an AnalysisRun: plan (pure), take the due measurements through the providers
// (the only I/O, passed in, run concurrently as upstream's goroutines), record (pure). A provider
// that throws gives an Error measurement, never a crashed reconcile.
import type { SecretLookup } from './args.ts';
import { errorMeasurement } from './measurement.ts';
import { planAnalysisRun, recordMeasurements, type MetricTask, type Recorded, type TakenMeasurement } from './run.ts';
import type { AnalysisRun } from './types.ts';

export type Measure = (task: MetricTask, run: AnalysisRun) => Promise<TakenMeasurement>;

export async function reconcileAnalysisRun(
  run: AnalysisRun,
  options: { readonly now: () => number; readonly measure: Measure; readonly secrets?: SecretLookup },
): Promise<Recorded> {
  const startedAt = options.now();
  const plan = planAnalysisRun(run, startedAt, options.secrets);
  const taken = await Promise.all(
    plan.tasks.map(async (task) => {
      try {
        return await options.measure(task, plan.run);
      } catch (error) {
        const measurement = {
          ...(task.incompleteMeasurement ?? {}),
          ...errorMeasurement((error as Error).message, startedAt, options.now()),
        };
        return { metricName: task.metric.name, measurement };
      }
    }),
  );
  return recordMeasurements(plan.run, taken, options.now(), plan.secrets);
}
