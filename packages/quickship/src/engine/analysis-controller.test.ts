// The engine's AnalysisRuns in the live store without a Prometheus: each run is built from the
// templates as the controller builds it, written by `argo-rollouts`, and shown as skipped —
// Inconclusive, never Successful; a missing template is an Error run naming it.
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../store/object-store.ts';
import { LocalRegistry } from '../runtime/registry.ts';
import { parseAnalysisTemplate } from '../analysis/index.ts';
import { specOf, rolloutYaml } from '../core/testing/fake-cluster.ts';
import type { KubeObject } from '../store/object.ts';
import { AnalysisController, SKIPPED_MESSAGE } from './analysis-controller.ts';

const template = parseAnalysisTemplate({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'error-rate', namespace: 'default' },
  spec: {
    args: [{ name: 'pod-template-hash' }],
    metrics: [
      {
        name: 'error-rate',
        successCondition: 'result[0] <= 0.01',
        provider: { prometheus: { address: 'http://prometheus:9090', query: 'x{h="{{args.pod-template-hash}}"}' } },
      },
    ],
  },
} as KubeObject);

function setup(): { store: ObjectStore; analysis: AnalysisController; changes: number[] } {
  const store = new ObjectStore();
  const changes: number[] = [];
  const analysis = new AnalysisController({
    store,
    templates: () => [template],
    images: new LocalRegistry({ repoDir: '/nonexistent', registryDir: '/nonexistent/registry' }),
    logDir: '/tmp',
    servicePorts: () => new Map(),
    secrets: () => undefined,
    onChange: () => changes.push(1),
    log: () => undefined,
  });
  return { store, analysis, changes };
}

const spec = specOf(
  rolloutYaml({
    image: 'payments:v2',
    extra: `      autoPromotionEnabled: false
      prePromotionAnalysis:
        args: [{name: pod-template-hash, valueFrom: {podTemplateHashValue: Latest}}]
        templates: [{templateName: error-rate}]
      postPromotionAnalysis:
        templates: [{templateName: missing}]`,
  }),
);
const rolloutObject = { metadata: { name: 'payments', uid: 'uid-1' } };

describe('AnalysisController without Prometheus', () => {
  it('writes the run to the store as the controller would, skipped: Inconclusive, never Successful', () => {
    const { store, analysis, changes } = setup();
    analysis.create({
      type: 'pre',
      name: 'payments-abc-2-pre',
      spec,
      rolloutObject,
      podTemplateHash: 'abc',
      revision: 2,
    });
    const run = store.get({
      group: 'argoproj.io',
      kind: 'AnalysisRun',
      namespace: 'default',
      name: 'payments-abc-2-pre',
    });
    expect(run?.metadata.labels).toMatchObject({ 'rollouts-pod-template-hash': 'abc', 'rollout-type': 'PrePromotion' });
    expect(run?.metadata.annotations).toMatchObject({ 'rollout.argoproj.io/revision': '2' });
    expect(run?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Rollout', name: 'payments', uid: 'uid-1', controller: true }),
    ]);
    expect((run?.spec as { args: unknown[] }).args).toEqual([{ name: 'pod-template-hash', value: 'abc' }]);
    expect(run?.status).toMatchObject({ phase: 'Inconclusive', message: SKIPPED_MESSAGE });
    expect(JSON.stringify(run?.metadata.managedFields)).toContain('argo-rollouts');
    expect(analysis.summaries('payments')).toEqual([
      {
        name: 'payments-abc-2-pre',
        type: 'pre',
        podTemplateHash: 'abc',
        phase: 'Inconclusive',
        message: SKIPPED_MESSAGE,
        terminate: false,
      },
    ]);
    expect(changes.length).toBeGreaterThan(0);
  });

  it('a template that is not there makes an Error run naming it (the Rollout aborts with it)', () => {
    const { analysis } = setup();
    analysis.create({
      type: 'post',
      name: 'payments-abc-2-post',
      spec,
      rolloutObject,
      podTemplateHash: 'abc',
      revision: 2,
    });
    expect(analysis.summaries('payments')).toEqual([
      expect.objectContaining({
        name: 'payments-abc-2-post',
        type: 'post',
        phase: 'Error',
        message: "AnalysisTemplate 'missing' not found",
      }),
    ]);
  });
});
