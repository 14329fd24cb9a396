// The rule files the local Prometheus loads, from the PrometheusRule objects GitOps synced (pure).
// The operator writes each PrometheusRule's `spec` (its `groups`) as one rule file named
// `<namespace>-<name>-<uid>.yaml` in the rule ConfigMap; locally the uid is left out, so a
// re-created object keeps its file.
import type { KubeObject } from '../store/object.ts';
import { MONITORING_GROUP } from './targets.ts';

export type RuleSpec = { readonly groups?: readonly unknown[] };

export function prometheusRuleFiles(objects: readonly KubeObject[]): Map<string, RuleSpec> {
  const files = new Map<string, RuleSpec>();
  const rules = objects
    .filter((o) => o.kind === 'PrometheusRule' && o.apiVersion.startsWith(`${MONITORING_GROUP}/`))
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  for (const rule of rules) {
    const spec = (rule.spec ?? {}) as RuleSpec;
    files.set(`${rule.metadata.namespace ?? 'default'}-${rule.metadata.name}`, {
      groups: Array.isArray(spec.groups) ? spec.groups : [],
    });
  }
  return files;
}

/** How many alerting and recording rules a rule file holds (for the status note). */
export function ruleCount(spec: RuleSpec): number {
  return (spec.groups ?? []).reduce<number>((n, group) => {
    const rules = (group as { rules?: unknown }).rules;
    return n + (Array.isArray(rules) ? rules.length : 0);
  }, 0);
}
