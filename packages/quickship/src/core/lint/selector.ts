// metav1.LabelSelector: validation (apimachinery meta/v1/validation ValidateLabelSelector) and
// matching (LabelSelectorAsSelector). A missing selector selects nothing (labels.Nothing()).
import { isRecord } from '../fields.ts';
import { forbidden, goString, invalid, required, type FieldError } from './field-error.ts';

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
  }[];
}

export function readSelector(value: unknown): LabelSelector | undefined {
  if (!isRecord(value)) return undefined;
  const matchLabels = isRecord(value.matchLabels)
    ? Object.fromEntries(Object.entries(value.matchLabels).map(([k, v]) => [k, String(v)]))
    : undefined;
  const matchExpressions = Array.isArray(value.matchExpressions)
    ? value.matchExpressions.filter(isRecord).map((e) => ({
        key: String(e.key ?? ''),
        operator: String(e.operator ?? ''),
        values: Array.isArray(e.values) ? e.values.map(String) : [],
      }))
    : [];
  return matchLabels === undefined ? { matchExpressions } : { matchLabels, matchExpressions };
}

export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length + s.matchExpressions.length === 0;
}

export function validateSelector(s: LabelSelector, path: string): FieldError[] {
  const errors: FieldError[] = [];
  s.matchExpressions.forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (e.values.length === 0)
        errors.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (e.values.length > 0)
        errors.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errors.push(invalid(`${p}.operator`, goString(e.operator), 'not a valid selector operator'));
    }
  });
  return errors;
}

export function selectorMatches(s: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (s === undefined) return false;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && e.values.includes(value ?? '')
        : e.operator === 'NotIn'
          ? !has || !e.values.includes(value ?? '')
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}
