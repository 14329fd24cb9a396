// The engine's monitoring: keeps the local Prometheus' file_sd targets and rule files equal to
// what the live objects (ServiceMonitors, Services, PrometheusRules) and the running instances
// say. Called on every instance change and every store change; coalesced, one write at a time,
// a file rewritten only when its content changes (Prometheus reloads file_sd by itself; rule
// changes go through /-/reload after `promtool check rules`).
import type { KubeObject } from '../store/object.ts';
import type { LocalPrometheus } from '../runtime/prometheus.ts';
import type { MonitoredPod } from '../runtime/prometheus-config.ts';
import { alertRows, type AlertsResponse } from './alerts.ts';
import { PrometheusNotRunningError } from './errors.ts';
import { prometheusRuleFiles, ruleCount } from './rules.ts';
import { serviceMonitorTargets } from './targets.ts';

export interface MonitoringOptions {
  readonly prometheus: LocalPrometheus;
  /** The objects to read ServiceMonitors, Services and PrometheusRules from (the live store). */
  readonly objects: () => readonly KubeObject[];
  /** The running instances as pods (labels include rollouts-pod-template-hash). */
  readonly pods: () => readonly MonitoredPod[];
  readonly log: (line: string) => void;
  /** The notes changed (the number of targets, a rule file loaded or refused). */
  readonly onChange?: () => void;
}

interface RuleState {
  readonly name: string;
  readonly rules: number;
  readonly error?: string;
}

export class Monitoring {
  private lastTargets = '';
  private lastRules = '';
  private targetCount = 0;
  private rules: readonly RuleState[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: MonitoringOptions) {}

  get url(): string {
    return this.options.prometheus.url;
  }

  /** Something changed: targets and rules follow soon (coalesced). */
  refresh(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.queue = this.queue.then(
        () => this.sync(),
        () => this.sync(),
      );
    });
  }

  /** Resolves once every refresh asked for so far is written (tests). */
  async settled(): Promise<void> {
    while (this.scheduled) await new Promise((r) => setImmediate(r));
    await this.queue;
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    try {
      const objects = this.options.objects();
      const targets = serviceMonitorTargets(objects, this.options.pods());
      const text = JSON.stringify(targets);
      if (text !== this.lastTargets) {
        await this.options.prometheus.setTargets(targets);
        this.lastTargets = text;
        if (this.targetCount !== targets.length) {
          this.targetCount = targets.length;
          this.options.onChange?.();
        }
      }
      const files = prometheusRuleFiles(objects);
      const rulesText = JSON.stringify([...files]);
      if (rulesText !== this.lastRules) {
        const result = await this.options.prometheus.loadRules(files);
        this.lastRules = rulesText;
        const errors = new Map(result.rejected.map((r) => [r.name, r.error]));
        this.rules = [...files].map(([name, spec]) => ({
          name,
          rules: ruleCount(spec),
          ...(errors.has(name) ? { error: errors.get(name)! } : {}),
        }));
        for (const rule of this.rules)
          this.options.log(
            rule.error === undefined
              ? `prometheus: loaded rule file ${rule.name} (${rule.rules} rules)`
              : `prometheus: PrometheusRule ${rule.name} not loaded: ${rule.error}`,
          );
        this.options.onChange?.();
      }
    } catch (error) {
      // Prometheus went away or a file could not be written: said once per failure, retried at the next change.
      this.lastTargets = '';
      this.lastRules = '';
      this.options.log(`prometheus: targets/rules not updated: ${(error as Error).message}`);
    }
  }

  /** Lines for `quickship status`: where Prometheus is, what it scrapes, which rule files it runs. */
  notes(): string[] {
    return [
      `local: Prometheus ${this.url} scrapes ${this.targetCount} target${this.targetCount === 1 ? '' : 's'} from the ServiceMonitors (labels as the operator sets them); \`quickship alerts\` lists what fires`,
      ...this.rules.map((rule) =>
        rule.error === undefined
          ? `local: PrometheusRule ${rule.name} loaded as a rule file (${rule.rules} rules)`
          : `PrometheusRule ${rule.name} is not loaded (promtool check rules: ${rule.error})`,
      ),
    ];
  }

  async alerts(): Promise<AlertsResponse> {
    let alerts;
    try {
      alerts = await this.options.prometheus.alerts();
    } catch (error) {
      throw new PrometheusNotRunningError(`Prometheus at ${this.url} did not answer: ${(error as Error).message}`);
    }
    return { prometheus: this.url, alerts: alertRows(alerts) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    await this.queue.catch(() => undefined);
  }
}
