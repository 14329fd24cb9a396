// What `quickship alerts` and GET /api/v1/alerts show: Prometheus' active alerts (its own
// /api/v1/alerts: pending while `for:` runs, then firing), one row each (pure).
import type { AlertRow, AlertsResponse } from '../model.ts';
import type { PrometheusAlert } from '../runtime/prometheus.ts';

export type { AlertRow, AlertsResponse };

/** Firing first, then pending; by name, then labels. Inactive alerts are not listed (Prometheus does not either). */
export function alertRows(alerts: readonly PrometheusAlert[]): AlertRow[] {
  return alerts
    .filter(
      (a): a is PrometheusAlert & { state: 'pending' | 'firing' } => a.state === 'pending' || a.state === 'firing',
    )
    .map((a) => {
      const { alertname = '', ...labels } = a.labels;
      return {
        name: alertname,
        state: a.state,
        labels,
        ...(a.activeAt ? { activeAt: a.activeAt } : {}),
        ...(a.value !== undefined ? { value: a.value } : {}),
        ...(a.annotations['summary'] ? { summary: a.annotations['summary'] } : {}),
      };
    })
    .sort(
      (a, b) =>
        (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) ||
        a.name.localeCompare(b.name) ||
        JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)),
    );
}

/** The table `quickship alerts` prints. */
export function formatAlerts(response: AlertsResponse, now: Date = new Date()): string {
  if (response.alerts.length === 0) return `no alert pending or firing (Prometheus ${response.prometheus}/alerts)`;
  const lines = response.alerts.map((a) => {
    const since = a.activeAt ? `${Math.max(0, Math.round((now.getTime() - Date.parse(a.activeAt)) / 1000))}s` : '-';
    const labels = Object.entries(a.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return [a.name, a.state, since, a.value ?? '-', a.summary ?? '', labels];
  });
  const header = ['ALERT', 'STATE', 'ACTIVE', 'VALUE', 'SUMMARY', 'LABELS'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [row(header), ...lines.map(row)].join('\n');
}
