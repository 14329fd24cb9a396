// The scrape targets the engine writes for Prometheus' file_sd, from deploy/'s own ServiceMonitor
// and Services (read from the rendered files, as GitOps syncs them) and instances as pods.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitManifests } from '../core/manifests.ts';
import type { KubeObject } from '../store/object.ts';
import type { MonitoredPod } from '../runtime/prometheus-config.ts';
import { prometheusDurationSeconds, sanitizeLabelName } from '../runtime/prometheus-config.ts';
import { matchesSelector, serviceMonitorTargets } from './targets.ts';

const DEPLOY = resolve(import.meta.dirname, '../../../../deploy/apps/payments');
const read = (file: string): KubeObject =>
  splitManifests(readFileSync(join(DEPLOY, file), 'utf8'), file)[0]!.object as unknown as KubeObject;
const deployObjects = (): KubeObject[] =>
  ['servicemonitor.yaml', 'service-active.yaml', 'service-preview.yaml', 'service-metrics.yaml'].map(read);

const pod = (hash: string, suffix: string, port: number, extra: Partial<MonitoredPod> = {}): MonitoredPod => ({
  name: `payments-${hash}-${suffix}`,
  namespace: 'payments',
  container: 'payments',
  address: `127.0.0.1:${port}`,
  labels: { 'app.kubernetes.io/name': 'payments', 'rollouts-pod-template-hash': hash },
  ...extra,
});

const monitor = (spec: Record<string, unknown>, namespace = 'payments'): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'm', namespace },
  spec,
});
const service = (
  name: string,
  labels: Record<string, string>,
  ports: { name?: string }[] = [{ name: 'http' }],
  namespace = 'payments',
  selector: Record<string, string> | null = { 'app.kubernetes.io/name': 'payments' },
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: { ...(selector ? { selector } : {}), ports },
});

describe("deploy/'s ServiceMonitor over the engine's instances", () => {
  it('labels every instance of every ReplicaSet as the operator does, once (only the metrics Service is selected)', () => {
    const groups = serviceMonitorTargets(deployObjects(), [
      pod('5d8f7c', 'a1', 40001),
      pod('5d8f7c', 'b2', 40002),
      pod('77b9d4', 'c3', 40003),
    ]);
    expect(groups).toEqual([
      {
        targets: ['127.0.0.1:40001'],
        labels: {
          namespace: 'payments',
          service: 'payments-metrics',
          pod: 'payments-5d8f7c-a1',
          container: 'payments',
          job: 'payments-metrics',
          endpoint: 'http',
          __scrape_interval__: '15s',
          __scrape_timeout__: '10s',
          rollouts_pod_template_hash: '5d8f7c',
        },
      },
      expect.objectContaining({ targets: ['127.0.0.1:40002'] }),
      expect.objectContaining({
        targets: ['127.0.0.1:40003'],
        labels: expect.objectContaining({ pod: 'payments-77b9d4-c3', rollouts_pod_template_hash: '77b9d4' }) as unknown,
      }),
    ]);
  });

  it('no instance, no ServiceMonitor or no selected Service: no target', () => {
    expect(serviceMonitorTargets(deployObjects(), [])).toEqual([]);
    expect(serviceMonitorTargets(deployObjects().slice(1), [pod('h', 'a', 1)])).toEqual([]);
    expect(
      serviceMonitorTargets([read('servicemonitor.yaml'), read('service-active.yaml')], [pod('h', 'a', 1)]),
    ).toEqual([]);
  });

  it("pods outside the Service's selector or namespace are not its endpoints", () => {
    const other = pod('h', 'x', 2, { labels: { 'app.kubernetes.io/name': 'ledger' } });
    const elsewhere = pod('h', 'y', 3, { namespace: 'staging' });
    expect(
      serviceMonitorTargets(deployObjects(), [pod('h', 'a', 1), other, elsewhere]).map((g) => g.targets[0]),
    ).toEqual(['127.0.0.1:1']);
  });
});

describe('ServiceMonitor fields', () => {
  const pods = [pod('h1', 'a', 1)];

  it('an endpoint port the Service does not name keeps nothing (the operator keeps by port name)', () => {
    const objects = [monitor({ selector: {}, endpoints: [{ port: 'metrics' }] }), service('s', {})];
    expect(serviceMonitorTargets(objects, pods)).toEqual([]);
  });

  it('targetPort names the endpoint; path, scheme, interval and scrapeTimeout ride on the target', () => {
    const objects = [
      monitor({
        selector: {},
        endpoints: [
          { targetPort: 3000, path: '/internal/metrics', scheme: 'https', interval: '5s' },
          { port: 'http', interval: '1m', scrapeTimeout: '20s' },
        ],
      }),
      service('s', {}),
    ];
    const groups = serviceMonitorTargets(objects, pods);
    expect(groups).toHaveLength(2);
    const first = groups.find((g) => g.labels['endpoint'] === 'http');
    const second = groups.find((g) => g.labels['endpoint'] === '3000');
    expect(first?.labels).toMatchObject({
      endpoint: 'http',
      __scrape_interval__: '1m',
      __scrape_timeout__: '20s',
    });
    expect(second?.labels).toMatchObject({
      endpoint: '3000',
      __metrics_path__: '/internal/metrics',
      __scheme__: 'https',
      __scrape_interval__: '5s',
      __scrape_timeout__: '5s', // the default 10s would exceed the interval
    });
    expect(second?.labels).not.toHaveProperty('__metrics_path__', '/metrics');
  });

  it('jobLabel, targetLabels and podTargetLabels (names sanitized; empty values not set)', () => {
    const objects = [
      monitor({
        selector: {},
        jobLabel: 'app.kubernetes.io/name',
        targetLabels: ['team.example/owner'],
        podTargetLabels: ['rollouts-pod-template-hash', 'app.kubernetes.io/version', 'empty'],
        endpoints: [{ port: 'http' }],
      }),
      service('s', { 'app.kubernetes.io/name': 'payments-api', 'team.example/owner': 'pay' }),
    ];
    const [group] = serviceMonitorTargets(objects, [
      pod('h1', 'a', 1, {
        labels: {
          'app.kubernetes.io/name': 'payments',
          'rollouts-pod-template-hash': 'h1',
          'app.kubernetes.io/version': '1.2.0',
          empty: '',
        },
      }),
    ]);
    expect(group?.labels).toMatchObject({
      job: 'payments-api',
      team_example_owner: 'pay',
      rollouts_pod_template_hash: 'h1',
      app_kubernetes_io_version: '1.2.0',
    });
    expect(group?.labels).not.toHaveProperty('empty');
  });

  it('namespaceSelector: its own namespace by default, matchNames, any', () => {
    const objects = (selector?: Record<string, unknown>) => [
      monitor(
        { selector: {}, endpoints: [{ port: 'http' }], ...(selector ? { namespaceSelector: selector } : {}) },
        'monitoring',
      ),
      service('s', {}),
    ];
    expect(serviceMonitorTargets(objects(), pods)).toEqual([]);
    expect(serviceMonitorTargets(objects({ matchNames: ['payments'] }), pods)).toHaveLength(1);
    expect(serviceMonitorTargets(objects({ any: true }), pods)).toHaveLength(1);
  });

  it('a Service without a selector has no local endpoints', () => {
    const objects = [
      monitor({ selector: {}, endpoints: [{ port: 'http' }] }),
      service('s', {}, [{ name: 'http' }], 'payments', null),
    ];
    expect(serviceMonitorTargets(objects, pods)).toEqual([]);
  });

  it('selector matchExpressions', () => {
    const labels = { tier: 'web', env: 'prod' };
    expect(
      matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels),
    ).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(
      false,
    );
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(matchesSelector(undefined, labels)).toBe(true);
  });
});

describe('helpers', () => {
  it("label names: anything outside [a-zA-Z0-9_] becomes '_'", () => {
    expect(sanitizeLabelName('rollouts-pod-template-hash')).toBe('rollouts_pod_template_hash');
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('app_kubernetes_io_name');
  });

  it('Prometheus durations', () => {
    expect(prometheusDurationSeconds('15s')).toBe(15);
    expect(prometheusDurationSeconds('1m30s')).toBe(90);
    expect(prometheusDurationSeconds('500ms')).toBe(0.5);
    expect(prometheusDurationSeconds('1.5s')).toBeUndefined();
    expect(prometheusDurationSeconds('')).toBeUndefined();
  });
});
