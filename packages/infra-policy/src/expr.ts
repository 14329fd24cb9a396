// Helpers for the values @cdktf/hcl2json produces: literals stay JSON, any expression becomes a
// string wrapped in `${…}` (a reference, a function call, a for expression…). Pure.
import { findBlock, isObject, type HclObject, type HclValue, type TerraformConfig } from './config.ts';

/** The text of an expression value without its `${` `}` wrapper, or undefined for a literal. */
export function expressionText(value: HclValue | undefined): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('${') || !value.endsWith('}')) return undefined;
  return value.slice(2, -1);
}

/** `${var.x}` → `var.x`; undefined when the value is anything but one plain reference. */
export function plainReference(value: HclValue | undefined): string | undefined {
  const text = expressionText(value);
  return text !== undefined && /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[\d+\])+$/.test(text) ? text : undefined;
}

export function isReferenceTo(value: HclValue | undefined, reference: string): boolean {
  return plainReference(value) === reference;
}

/** Whether the value (literal or expression, at any depth) mentions the given text. */
export function mentions(value: HclValue | undefined, text: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.includes(text);
  if (Array.isArray(value)) return value.some((v) => mentions(v, text));
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k.includes(text) || mentions(v, text));
  return false;
}

export interface Resolved {
  /** The literal the value stands for, when it can be known without running Terraform. */
  readonly value: HclValue | undefined;
  /** `var.x` / `local.y` when the literal came from a variable default or a local. */
  readonly via?: string;
}

/**
 * Follows `${var.x}` to the variable's default and `${local.y}` to the local's value (recursively);
 * anything else resolves to itself. A variable without a default resolves to undefined.
 */
export function resolve(config: TerraformConfig, value: HclValue | undefined, depth = 0): Resolved {
  const ref = plainReference(value);
  if (ref === undefined || depth > 8) return { value };
  const block = findBlock(config, ref);
  if (!block) return { value };
  if (block.kind === 'variable') return { value: block.body['default'], via: ref };
  if (block.kind === 'local') {
    const inner = resolve(config, block.body['value'], depth + 1);
    return { value: inner.value, via: inner.via ?? ref };
  }
  return { value };
}

/** Object keys of a value, looking through locals and `merge(local.a, local.b, …)`. */
export function objectKeys(config: TerraformConfig, value: HclValue | undefined): string[] {
  const resolved = resolve(config, value).value;
  if (isObject(resolved)) return Object.keys(resolved);
  const text = expressionText(resolved);
  if (text === undefined) return [];
  const keys = new Set<string>();
  for (const match of text.matchAll(/local\.([A-Za-z_][\w-]*)/g)) {
    const local = findBlock(config, `local.${match[1]}`);
    const inner = local ? resolve(config, local.body['value']).value : undefined;
    if (isObject(inner)) for (const k of Object.keys(inner)) keys.add(k);
  }
  return [...keys];
}

/** The value of `key` in an object that may sit behind a local. */
export function member(config: TerraformConfig, value: HclValue | undefined, key: string): HclValue | undefined {
  const resolved = resolve(config, value).value;
  return isObject(resolved) ? resolved[key] : undefined;
}

/** String items of a literal list (expression items are kept as their `${…}` text). */
export function stringItems(value: HclValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Quoted string literals inside a `contains([...], var.x)` style condition. */
export function quotedStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
}

export function asObject(value: HclValue | undefined): HclObject | undefined {
  return isObject(value) ? value : undefined;
}
