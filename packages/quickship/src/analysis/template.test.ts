// Every AnalysisTemplate/ClusterAnalysisTemplate of the upstream corpus and of deploy/ parses and
// validates; unsupported providers are listed; a run is built from several templates as the
// Rollouts controller builds it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitManifests } from '../core/manifests.ts';
import { corpusDocuments, corpusFiles, hasCorpus } from '../core/testing/corpus.ts';
import type { KubeObject } from '../store/object.ts';
import { InvalidAnalysisTemplateError } from './errors.ts';
import { analysisRunName, mergeTemplates, newAnalysisRunForRollout, templatesFor } from './new-run.ts';
import { isAnalysisTemplate, parseAnalysisTemplate, unsupportedProviders } from './template.ts';
import type { AnalysisTemplate } from './types.ts';
import { metricsProblem } from './validate.ts';
import { resolveMetricArgs, withoutSecrets } from './args.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const corpusTemplates = [...corpusFiles('analysis/templates'), ...corpusFiles('examples')].flatMap((file) =>
  corpusDocuments(file)
    .map((d) => d.object as unknown as KubeObject)
    .filter(isAnalysisTemplate)
    .map((object) => ({ file, object })),
);

/** Every {name, value} found in an `args` list anywhere in an object (a Rollout's analysis args). */
function argValues(value: unknown): [string, string][] {
  if (Array.isArray(value)) return value.flatMap(argValues);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own =
    typeof record['name'] === 'string' && typeof record['value'] === 'string'
      ? [[record['name'], record['value']] as [string, string]]
      : [];
  return [...own, ...Object.values(record).flatMap(argValues)];
}

function deployTemplates(): AnalysisTemplate[] {
  const dir = join(repoRoot, 'deploy/apps/payments');
  return readdirSync(dir)
    .filter((f) => f.startsWith('analysistemplate-'))
    .flatMap((f) => splitManifests(readFileSync(join(dir, f), 'utf8'), f))
    .map((d) => parseAnalysisTemplate(d.object as unknown as KubeObject));
}

describe.skipIf(!hasCorpus)('upstream corpus templates', () => {
  it('has templates to read', () => expect(corpusTemplates.length).toBeGreaterThanOrEqual(15));

  it.each(corpusTemplates.map((t) => [`${t.file} ${t.object.metadata.name}`, t.object] as const))(
    '%s parses and its metrics validate',
    (_name, object) => {
      const template = parseAnalysisTemplate(object);
      // Values as the file's Rollout passes them (e.g. interval "10s"), else a placeholder.
      const given = new Map(
        corpusTemplates
          .filter((t) => t.object === object)
          .flatMap((t) => corpusDocuments(t.file))
          .flatMap((d) => argValues(d.object)),
      );
      const args = (template.spec.args ?? []).map((a) => ({ ...a, value: a.value ?? given.get(a.name) ?? 'x' }));
      const metrics = template.spec.metrics.map((m) => resolveMetricArgs(m, withoutSecrets(args)));
      expect(metricsProblem(metrics)).toBeUndefined();
    },
  );

  it('lists providers the engine does not run instead of dropping them', () => {
    const all = corpusTemplates.flatMap((t) => unsupportedProviders(parseAnalysisTemplate(t.object)));
    for (const u of all) expect(u.message).toContain(`provider "${u.provider}"`);
  });

  it('the corpus AnalysisRun validates', () => {
    const runs = corpusDocuments('analysis/templates/analysis-run-job.yaml').map((d) => d.object);
    const spec = runs[0]?.['spec'] as { metrics: AnalysisTemplate['spec']['metrics'] };
    expect(metricsProblem(spec.metrics)).toBeUndefined();
  });
});

describe('deploy/ templates', () => {
  it('smoke, error-rate and latency-p99 parse with only local providers', () => {
    const templates = deployTemplates();
    expect(templates.map((t) => t.metadata.name).sort()).toEqual(['error-rate', 'latency-p99', 'smoke']);
    expect(templates.flatMap(unsupportedProviders)).toEqual([]);
  });
});

describe('parseAnalysisTemplate refuses what Argo would', () => {
  const base = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' } };
  it.each([
    [{ metrics: [] }, 'spec.metrics: Required value'],
    [{ metrics: [{ name: 'a', provider: {} }] }, 'no provider specified'],
    [{ metrics: [{ name: 'a', provider: { web: {}, job: {} } }] }, 'multiple providers specified (web, job)'],
    [{ metrics: [{ name: 'a', provider: { prometeus: {} } }] }, 'spec.metrics[0].provider.prometeus: unknown provider'],
    [{ metrics: [{ name: 'a', count: 1.5, provider: { web: {} } }] }, 'spec.metrics[0].count: must be an integer'],
    [
      {
        metrics: [
          { name: 'a', provider: { web: {} } },
          { name: 'a', provider: { web: {} } },
        ],
      },
      "duplicate name 'a'",
    ],
  ])('%j → %s', (spec, message) => {
    expect(() => parseAnalysisTemplate({ ...base, spec })).toThrow(InvalidAnalysisTemplateError);
    expect(() => parseAnalysisTemplate({ ...base, spec })).toThrow(message);
  });

  it('reports a datadog metric as unsupported with its name', () => {
    const t = parseAnalysisTemplate({ ...base, spec: { metrics: [{ name: 'dd', provider: { datadog: {} } }] } });
    expect(unsupportedProviders(t)).toMatchObject([{ metric: 'dd', provider: 'datadog' }]);
  });
});

describe('an AnalysisRun from a Rollout (newAnalysisRunFromRollout)', () => {
  const templates = () => deployTemplates();
  const lookup = (name: string) => templates().find((t) => t.metadata.name === name);
  const rollout = {
    metadata: { name: 'payments', namespace: 'payments', labels: { team: 'pay' } },
    spec: { strategy: {} },
  };

  it('is named <rollout>-<podHash>-<revision>-pre, labelled and owned as upstream', () => {
    const run = newAnalysisRunForRollout({
      rollout: {
        name: 'payments',
        namespace: 'payments',
        uid: 'u1',
        revision: '3',
        selectorLabels: { app: 'payments' },
      },
      rolloutObject: rollout,
      analysis: {
        templates: [{ templateName: 'smoke' }, { templateName: 'error-rate' }, { templateName: 'latency-p99' }],
        args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
      },
      type: 'pre',
      latestPodHash: '6d4f8b9c7',
      stablePodHash: '5c7b9d',
      templates: templatesFor(
        [{ templateName: 'smoke' }, { templateName: 'error-rate' }, { templateName: 'latency-p99' }],
        lookup,
      ),
    });
    expect(run.metadata).toMatchObject({
      name: 'payments-6d4f8b9c7-3-pre',
      namespace: 'payments',
      labels: { 'rollouts-pod-template-hash': '6d4f8b9c7', 'rollout-type': 'PrePromotion', app: 'payments' },
      annotations: { 'rollout.argoproj.io/revision': '3' },
      ownerReferences: [{ kind: 'Rollout', name: 'payments', uid: 'u1', controller: true }],
    });
    expect(run.spec.metrics.map((m) => m.name)).toEqual(['smoke', 'error-rate', 'latency-p99']);
    expect(run.spec.args).toEqual([{ name: 'pod-template-hash', value: '6d4f8b9c7' }]);
    expect(analysisRunName('payments', 'h', '4', 'post')).toBe('payments-h-4-post');
  });

  it('Stable pod hash, fieldRef and plain values; a template arg left without a value is refused', () => {
    const t = parseAnalysisTemplate({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterAnalysisTemplate',
      metadata: { name: 'c' },
      spec: {
        args: [{ name: 'stable' }, { name: 'ns' }, { name: 'plain' }, { name: 'team' }],
        metrics: [{ name: 'x', provider: { web: { url: 'http://h/{{args.stable}}' } } }],
      },
    });
    const run = newAnalysisRunForRollout({
      rollout: { name: 'payments', revision: '2' },
      rolloutObject: rollout,
      analysis: {
        args: [
          { name: 'stable', valueFrom: { podTemplateHashValue: 'Stable' } },
          { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'plain', value: 'v' },
          { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        ],
      },
      type: 'post',
      latestPodHash: 'new',
      stablePodHash: 'old',
      templates: [t],
    });
    expect(run.spec.args).toEqual([
      { name: 'stable', value: 'old' },
      { name: 'ns', value: 'payments' },
      { name: 'plain', value: 'v' },
      { name: 'team', value: 'pay' },
    ]);
    expect(() => mergeTemplates([t], { args: [] })).toThrow('args.stable was not resolved');
  });

  it('refuses two templates with the same metric name, conflicting args and a missing template', () => {
    const smoke = lookup('smoke') as AnalysisTemplate;
    expect(() => mergeTemplates([smoke, smoke], { args: [] })).toThrow("two metrics have the same name 'smoke'");
    const withArg = (name: string, value: string): AnalysisTemplate =>
      parseAnalysisTemplate({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: { name },
        spec: { args: [{ name: 'a', value }], metrics: [{ name, provider: { web: {} } }] },
      });
    expect(() => mergeTemplates([withArg('p', '1'), withArg('q', '2')], { args: [] })).toThrow(
      "Argument `a` specified multiple times with different values: '1', '2'",
    );
    expect(() => templatesFor([{ templateName: 'nope', clusterScope: true }], () => undefined)).toThrow(
      "ClusterAnalysisTemplate 'nope' not found",
    );
  });
});
