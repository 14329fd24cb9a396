// Arguments, as Argo Rollouts resolves them: a Rollout's analysis args (value,
// valueFrom.podTemplateHashValue Stable/Latest, valueFrom.fieldRef) become values
// (BuildArgumentsForRolloutAnalysisRun), merge into the templates' args (MergeArgs), secrets are
// read at measurement time (resolveArgs), and `{{args.name}}` is substituted in a metric's JSON
// with the value JSON-escaped (ResolveQuotedArgs), so a value can never break out of its string.
import { AnalysisRunBuildError } from './errors.ts';
import type { Argument, Metric } from './types.ts';

export interface RolloutArgContext {
  /** The Rollout object (for fieldRef), as stored. */
  readonly rollout: unknown;
  /** rollouts-pod-template-hash of the new (Latest) and stable ReplicaSets. */
  readonly latestPodHash: string;
  readonly stablePodHash?: string;
}

/** Follows a fieldPath such as `metadata.labels['app']`, `spec.template.spec.containers[0].image`. */
export function valueAtFieldPath(object: unknown, fieldPath: string): string {
  const steps = [...fieldPath.matchAll(/([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '',
  );
  let at: unknown = object;
  for (const step of steps) {
    if (at === null || typeof at !== 'object') {
      throw new AnalysisRunBuildError(
        `fieldRef ${fieldPath}: no value at "${step}"; check the path against the Rollout`,
      );
    }
    at = (at as Record<string, unknown>)[step];
  }
  if (at === undefined || at === null) {
    throw new AnalysisRunBuildError(`fieldRef ${fieldPath}: the Rollout has no value there; check the path`);
  }
  return typeof at === 'string' ? at : JSON.stringify(at);
}

/** BuildArgumentsForRolloutAnalysisRun: every arg of the Rollout's analysis gets a value. */
export function buildRolloutAnalysisArgs(
  args: readonly Argument[] | undefined,
  context: RolloutArgContext,
): Argument[] {
  return (args ?? []).map((arg) => {
    const from = arg.valueFrom;
    if (from?.podTemplateHashValue === 'Latest') return { name: arg.name, value: context.latestPodHash };
    if (from?.podTemplateHashValue === 'Stable') return { name: arg.name, value: context.stablePodHash ?? '' };
    if (from?.fieldRef) return { name: arg.name, value: valueAtFieldPath(context.rollout, from.fieldRef.fieldPath) };
    // A Rollout arg with secretKeyRef is passed on as is and read when measuring, as upstream.
    if (from?.secretKeyRef) return { name: arg.name, valueFrom: { secretKeyRef: from.secretKeyRef } };
    return { name: arg.name, value: arg.value ?? '' };
  });
}

/** flattenArgs: the args of several templates; the same name twice must agree on its value. */
export function flattenArgs(templateArgs: readonly (readonly Argument[] | undefined)[]): Argument[] {
  const combined: Argument[] = [];
  for (const args of templateArgs) {
    for (const arg of args ?? []) {
      const i = combined.findIndex((a) => a.name === arg.name);
      if (i < 0) {
        combined.push(arg);
        continue;
      }
      const prev = combined[i] as Argument;
      if (prev.value !== undefined && arg.value !== undefined && prev.value !== arg.value) {
        throw new AnalysisRunBuildError(
          `Argument \`${arg.name}\` specified multiple times with different values: '${prev.value}', '${arg.value}'`,
        );
      }
      if (prev.value === undefined) combined[i] = arg;
    }
  }
  return combined;
}

/** MergeArgs: incoming (Rollout) args fill the templates' args; every arg must end with a value or valueFrom. */
export function mergeArgs(incoming: readonly Argument[], templateArgs: readonly Argument[]): Argument[] {
  const merged = templateArgs.map((a) => ({ ...a }));
  for (const arg of incoming) {
    const target = merged.find((a) => a.name === arg.name);
    if (!target) continue;
    if (arg.value !== undefined) Object.assign(target, { value: arg.value });
    else if (arg.valueFrom !== undefined) Object.assign(target, { valueFrom: arg.valueFrom });
  }
  for (const arg of merged) {
    if (arg.value === undefined && arg.valueFrom === undefined) {
      throw new AnalysisRunBuildError(
        `args.${arg.name} was not resolved: give it a value in the Rollout's analysis args`,
      );
    }
  }
  return merged;
}

export type SecretLookup = (name: string, key: string) => string | undefined;

/** resolveArgs: secretKeyRef args read now; returns the values to redact from messages. */
export function resolveSecretArgs(
  args: readonly Argument[],
  lookup: SecretLookup,
): { readonly args: Argument[]; readonly secrets: string[] } {
  const secrets: string[] = [];
  const resolved = args.map((arg) => {
    const ref = arg.valueFrom?.secretKeyRef;
    if (!ref) return arg;
    const value = lookup(ref.name, ref.key);
    if (value === undefined) {
      throw new AnalysisRunBuildError(`key '${ref.key}' does not exist in secret '${ref.name}'`);
    }
    secrets.push(value);
    return { name: arg.name, value };
  });
  return { args: resolved, secrets };
}

/** getResolvedMetricsWithoutSecrets: secrets stand in as a placeholder to validate the spec. */
export function withoutSecrets(args: readonly Argument[]): Argument[] {
  return args.map((a) => (a.valueFrom?.secretKeyRef ? { name: a.name, value: 'temp-for-secret' } : a));
}

/** ResolveMetricArgs: substitute `{{ args.x }}` everywhere in the metric, values JSON-escaped. */
export function resolveMetricArgs(metric: Metric, args: readonly Argument[]): Metric {
  const values = new Map<string, string>();
  for (const arg of args) {
    if (arg.value === undefined) throw new AnalysisRunBuildError(`argument "${arg.name}" was not supplied`);
    values.set(`args.${arg.name}`, JSON.stringify(arg.value).slice(1, -1));
  }
  let unresolved: string | undefined;
  const text = JSON.stringify(metric).replace(/\{\{(.*?)\}\}/g, (_all, tag: string) => {
    const value = values.get(tag.trim());
    if (value === undefined) {
      unresolved ??= `failed to resolve {{${tag}}}`;
      return '';
    }
    return value;
  });
  if (unresolved) throw new AnalysisRunBuildError(unresolved);
  return JSON.parse(text) as Metric;
}
