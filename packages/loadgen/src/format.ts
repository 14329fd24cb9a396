// Human-readable tables of a load report (CLI, benchmarks), pure.
import type { LoadReport } from './stats.ts';

const num = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number): string => `${num(n, 2)} ms`;
const pairs = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}×${v}`)
    .join(' ') || '-';

/** Two aligned columns: label and value. */
export function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

export function formatReport(report: LoadReport): string {
  const { attempts, logical, latency, throughput } = report;
  return table([
    ['duration', `${num(report.elapsedMs / 1000, 2)} s, ${report.connections} connections`],
    ['requests sent', `${num(attempts.sent)} (${num(attempts.retried)} retries)`],
    ['2xx', num(attempts.ok)],
    ['non-2xx', pairs(attempts.nonOkByStatus)],
    [
      'transport errors',
      `${pairs(attempts.transportErrors)} (connect ${attempts.transportByPhase.connect}, socket ${attempts.transportByPhase.socket}, timeout ${attempts.transportByPhase.timeout})`,
    ],
    ['logical', `${num(logical.started)} started, ${num(logical.succeeded)} succeeded, ${num(logical.failed)} failed`],
    [
      'throughput',
      `${num(throughput.responsesPerSec, 1)} responses/s, ${num(throughput.succeededPerSec, 1)} succeeded/s`,
    ],
    [
      'latency',
      `p50 ${ms(latency.p50Ms)}  p90 ${ms(latency.p90Ms)}  p99 ${ms(latency.p99Ms)}  max ${ms(latency.maxMs)}`,
    ],
  ]);
}
