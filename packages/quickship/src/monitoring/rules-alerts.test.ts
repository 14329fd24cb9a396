// Rule files from PrometheusRule objects, and the alert rows and table of `quickship alerts` (pure).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store/object.ts';
import { alertRows, formatAlerts } from './alerts.ts';
import { prometheusRuleFiles, ruleCount } from './rules.ts';

const rule = (name: string, namespace: string, spec: unknown, apiVersion = 'monitoring.coreos.com/v1'): KubeObject => ({
  apiVersion,
  kind: 'PrometheusRule',
  metadata: { name, namespace },
  spec,
});

describe('prometheusRuleFiles', () => {
  it('one file per PrometheusRule, named <namespace>-<name>, its groups as they are', () => {
    const groups = [
      {
        name: 'g',
        rules: [
          { alert: 'A', expr: 'vector(1)' },
          { record: 'r', expr: 'up' },
        ],
      },
    ];
    const files = prometheusRuleFiles([
      rule('b', 'payments', { groups }),
      rule('a', 'payments', {}),
      rule('other', 'payments', { groups }, 'example.com/v1'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'payments' } },
    ]);
    expect([...files.keys()]).toEqual(['payments-a', 'payments-b']);
    expect(files.get('payments-b')).toEqual({ groups });
    expect(files.get('payments-a')).toEqual({ groups: [] });
    expect(ruleCount({ groups })).toBe(2);
    expect(ruleCount({ groups: [{ name: 'x' }] })).toBe(0);
  });
});

describe('alerts', () => {
  const now = new Date('2026-12-03T01:00:00Z');
  const rows = alertRows([
    {
      labels: { alertname: 'B', severity: 'page' },
      annotations: { summary: 'b pending' },
      state: 'pending',
      activeAt: '2026-12-03T00:59:30Z',
      value: '2e-01',
    },
    { labels: { alertname: 'Gone' }, annotations: {}, state: 'inactive' },
    { labels: { alertname: 'A', pod: 'p-1' }, annotations: {}, state: 'firing', activeAt: '2026-12-03T00:58:00Z' },
  ]);

  it('firing before pending, inactive left out, alertname and summary lifted out', () => {
    expect(rows).toEqual([
      { name: 'A', state: 'firing', labels: { pod: 'p-1' }, activeAt: '2026-12-03T00:58:00Z' },
      {
        name: 'B',
        state: 'pending',
        labels: { severity: 'page' },
        activeAt: '2026-12-03T00:59:30Z',
        value: '2e-01',
        summary: 'b pending',
      },
    ]);
  });

  it('prints a table, or says nothing fires', () => {
    expect(formatAlerts({ prometheus: 'http://127.0.0.1:9', alerts: rows }, now).split('\n')).toEqual([
      'ALERT  STATE    ACTIVE  VALUE  SUMMARY    LABELS',
      'A      firing   120s    -                 pod=p-1',
      'B      pending  30s     2e-01  b pending  severity=page',
    ]);
    expect(formatAlerts({ prometheus: 'http://127.0.0.1:9', alerts: [] })).toBe(
      'no alert pending or firing (Prometheus http://127.0.0.1:9/alerts)',
    );
  });
});
