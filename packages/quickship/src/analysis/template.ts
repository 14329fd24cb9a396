// Reading AnalysisTemplates and ClusterAnalysisTemplates from store objects: Argo's shape checked
// field by field (a wrong type names its path), providers sorted into what runs locally and what
// does not. An unsupported provider is reported with its metric, never dropped: a run that needs
// it errors with that message, as a cluster without the provider's credentials would.
import type { KubeObject } from '../store/object.ts';
import { InvalidAnalysisTemplateError } from './errors.ts';
import type { AnalysisTemplate, Metric } from './types.ts';

/** Providers the local engine runs (providers/). */
export const LOCAL_PROVIDERS = ['prometheus', 'web', 'job'] as const;
export type LocalProvider = (typeof LOCAL_PROVIDERS)[number];

/** Every provider upstream knows (MetricProvider), so a typo is told apart from a cluster-only provider. */
const KNOWN_PROVIDERS = new Set([
  ...LOCAL_PROVIDERS,
  'kayenta',
  'wavefront',
  'newRelic',
  'datadog',
  'cloudWatch',
  'graphite',
  'influxdb',
  'skywalking',
  'plugin',
]);

export function isAnalysisTemplate(object: KubeObject): boolean {
  return (
    object.apiVersion.startsWith('argoproj.io/') &&
    (object.kind === 'AnalysisTemplate' || object.kind === 'ClusterAnalysisTemplate')
  );
}

export interface UnsupportedProvider {
  readonly template: string;
  readonly metric: string;
  readonly provider: string;
  readonly message: string;
}

/** The provider key of a metric (exactly one, as ValidateMetric requires). */
export function providerOf(metric: Metric): string {
  const keys = Object.keys(metric.provider);
  return keys.length === 1 ? (keys[0] as string) : '';
}

export function unsupportedProviders(template: AnalysisTemplate): UnsupportedProvider[] {
  const out: UnsupportedProvider[] = [];
  for (const metric of template.spec.metrics) {
    const provider = providerOf(metric);
    if ((LOCAL_PROVIDERS as readonly string[]).includes(provider)) continue;
    out.push({
      template: template.metadata.name,
      metric: metric.name,
      provider,
      message: `metric "${metric.name}" uses provider "${provider}", which the local engine does not run (only ${LOCAL_PROVIDERS.join(', ')}); its measurements will be Error locally`,
    });
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalString(where: string, object: Record<string, unknown>, key: string, path: string): void {
  const value = object[key];
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidAnalysisTemplateError(where, `${path}.${key}`, `must be a string, got ${JSON.stringify(value)}`);
  }
}

function optionalIntOrString(where: string, object: Record<string, unknown>, key: string, path: string): void {
  const value = object[key];
  if (value !== undefined && !Number.isInteger(value) && typeof value !== 'string') {
    throw new InvalidAnalysisTemplateError(
      where,
      `${path}.${key}`,
      `must be an integer or a string, got ${JSON.stringify(value)}`,
    );
  }
}

function checkArgs(where: string, args: unknown, path: string): void {
  if (args === undefined) return;
  if (!Array.isArray(args))
    throw new InvalidAnalysisTemplateError(where, path, 'must be a list of {name, value|valueFrom}');
  args.forEach((arg: unknown, i) => {
    if (!isRecord(arg) || typeof arg['name'] !== 'string' || arg['name'] === '') {
      throw new InvalidAnalysisTemplateError(where, `${path}[${i}].name`, 'Required value: every argument has a name');
    }
    optionalString(where, arg, 'value', `${path}[${i}]`);
    if (arg['valueFrom'] !== undefined && !isRecord(arg['valueFrom'])) {
      throw new InvalidAnalysisTemplateError(
        where,
        `${path}[${i}].valueFrom`,
        'must be an object (secretKeyRef or fieldRef)',
      );
    }
  });
}

function checkMetric(where: string, metric: unknown, path: string): void {
  if (!isRecord(metric)) throw new InvalidAnalysisTemplateError(where, path, 'must be an object');
  if (typeof metric['name'] !== 'string' || metric['name'] === '') {
    throw new InvalidAnalysisTemplateError(where, `${path}.name`, 'Required value: every metric has a name');
  }
  for (const key of ['interval', 'initialDelay', 'successCondition', 'failureCondition']) {
    optionalString(where, metric, key, path);
  }
  for (const key of [
    'count',
    'failureLimit',
    'inconclusiveLimit',
    'consecutiveErrorLimit',
    'consecutiveSuccessLimit',
  ]) {
    optionalIntOrString(where, metric, key, path);
  }
  const provider = metric['provider'];
  if (!isRecord(provider)) {
    throw new InvalidAnalysisTemplateError(
      where,
      `${path}.provider`,
      'Required value: one provider (prometheus, web, job, …)',
    );
  }
  const keys = Object.keys(provider);
  if (keys.length !== 1) {
    throw new InvalidAnalysisTemplateError(
      where,
      `${path}.provider`,
      keys.length === 0 ? 'no provider specified' : `multiple providers specified (${keys.join(', ')}); keep one`,
    );
  }
  if (!KNOWN_PROVIDERS.has(keys[0] as string)) {
    throw new InvalidAnalysisTemplateError(
      where,
      `${path}.provider.${keys[0]}`,
      `unknown provider; Argo Rollouts knows ${[...KNOWN_PROVIDERS].join(', ')}`,
    );
  }
}

/** Checks an AnalysisTemplate/ClusterAnalysisTemplate object and returns it typed. */
export function parseAnalysisTemplate(object: KubeObject): AnalysisTemplate {
  const where = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  if (!isAnalysisTemplate(object)) {
    throw new InvalidAnalysisTemplateError(
      where,
      'kind',
      'expected argoproj.io AnalysisTemplate or ClusterAnalysisTemplate',
    );
  }
  const spec = object.spec;
  if (!isRecord(spec)) throw new InvalidAnalysisTemplateError(where, 'spec', 'Required value');
  const metrics = spec['metrics'];
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw new InvalidAnalysisTemplateError(where, 'spec.metrics', 'Required value: at least one metric');
  }
  metrics.forEach((m: unknown, i) => checkMetric(where, m, `spec.metrics[${i}]`));
  const names = new Set<string>();
  for (const [i, m] of (metrics as Metric[]).entries()) {
    if (names.has(m.name)) {
      throw new InvalidAnalysisTemplateError(where, `spec.metrics[${i}].name`, `duplicate name '${m.name}'`);
    }
    names.add(m.name);
  }
  checkArgs(where, spec['args'], 'spec.args');
  for (const key of ['dryRun', 'measurementRetention']) {
    const rules = spec[key];
    if (rules === undefined) continue;
    if (!Array.isArray(rules) || !rules.every((r) => isRecord(r) && typeof r['metricName'] === 'string')) {
      throw new InvalidAnalysisTemplateError(where, `spec.${key}`, 'must be a list of {metricName: <regexp>}');
    }
  }
  return object as AnalysisTemplate;
}
