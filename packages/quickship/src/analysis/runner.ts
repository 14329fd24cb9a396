// The engine's handle on AnalysisRuns (thin shell): keeps each run, reconciles it when its
// requeue time comes or a Job finishes, reports every new version through `onChange` (the store
// write), and terminates runs the Rollout no longer wants. All decisions are in run.ts.
import type { SecretLookup } from './args.ts';
import type { Measure } from './reconcile.ts';
import { reconcileAnalysisRun } from './reconcile.ts';
import { isCompleted, type AnalysisRun } from './types.ts';

export interface AnalysisRunnerOptions {
  readonly measure: Measure;
  readonly secrets?: SecretLookup;
  /** Called with every new version of a run (write it to the store). */
  readonly onChange: (run: AnalysisRun) => void;
  readonly now?: () => number;
}

interface Tracked {
  run: AnalysisRun;
  timer?: NodeJS.Timeout;
  busy?: Promise<void>;
  again: boolean;
}

export class AnalysisRunner {
  private readonly runs = new Map<string, Tracked>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: AnalysisRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts reconciling a run (created by newAnalysisRunForRollout); an existing name is kept as is. */
  start(run: AnalysisRun): void {
    if (this.closed || this.runs.has(run.metadata.name)) return;
    this.runs.set(run.metadata.name, { run, again: false });
    this.reconcileSoon(run.metadata.name, 0);
  }

  get(name: string): AnalysisRun | undefined {
    return this.runs.get(name)?.run;
  }

  list(): AnalysisRun[] {
    return [...this.runs.values()].map((t) => t.run);
  }

  /** spec.terminate = true (the Rollout's cancelAnalysisRun patch), then one reconcile. */
  terminate(name: string): void {
    const tracked = this.runs.get(name);
    if (!tracked || isCompleted(tracked.run.status?.phase) || tracked.run.spec.terminate) return;
    tracked.run = { ...tracked.run, spec: { ...tracked.run.spec, terminate: true } };
    this.options.onChange(tracked.run);
    this.reconcileSoon(name, 0);
  }

  /** Reconciles every unfinished run now (a Job finished: upstream's informer event). */
  poke(): void {
    for (const [name, t] of this.runs) if (!isCompleted(t.run.status?.phase)) this.reconcileSoon(name, 0);
  }

  /** Waits until a run completes (tests, benches). */
  async completed(name: string, timeoutMs: number): Promise<AnalysisRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = this.get(name);
      if (run && isCompleted(run.status?.phase)) return run;
      if (Date.now() > deadline) throw new Error(`AnalysisRun ${name} did not complete within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops every timer; in-flight reconciles finish. Job processes are the JobProvider's (stopAll). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.runs.values()) clearTimeout(t.timer);
    await Promise.all([...this.runs.values()].map((t) => t.busy));
  }

  private reconcileSoon(name: string, delayMs: number): void {
    const tracked = this.runs.get(name);
    if (!tracked || this.closed) return;
    clearTimeout(tracked.timer);
    tracked.timer = setTimeout(() => this.reconcile(name), Math.max(0, delayMs));
  }

  private reconcile(name: string): void {
    const tracked = this.runs.get(name);
    if (!tracked || this.closed) return;
    if (tracked.busy) {
      tracked.again = true;
      return;
    }
    tracked.busy = (async () => {
      const out = await reconcileAnalysisRun(tracked.run, {
        now: this.now,
        measure: this.options.measure,
        ...(this.options.secrets ? { secrets: this.options.secrets } : {}),
      });
      if (out.run !== tracked.run) {
        tracked.run = out.run;
        this.options.onChange(out.run);
      }
      tracked.busy = undefined;
      if (tracked.again) {
        tracked.again = false;
        this.reconcileSoon(name, 0);
      } else if (out.requeueAt !== undefined) this.reconcileSoon(name, out.requeueAt - this.now());
    })();
  }
}
