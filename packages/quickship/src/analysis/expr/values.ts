// Values as expr-lang handles them: Go type names for messages, numeric equality across int and
// float, and the conversion of a provider's result (JSON-like data) into the language's values.
import type { Value } from './ast.ts';
import { ExprRuntimeError } from './errors.ts';

export function isNumber(value: Value): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

export function isArray(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

export function isMap(value: Value): value is { readonly [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Go's `%T` of the value as Argo would hold it (providers hand expr float64, []float64, map[string]interface {}). */
export function typeName(value: Value): string {
  if (value === null) return '<nil>';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
  }
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((v) => typeof v === 'number') ? '[]float64' : '[]interface {}';
  }
  return 'map[string]interface {}';
}

export function toFloat(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** expr-lang's runtime.Equal: numbers by value across int/float, deep for arrays and maps, nil only equals nil. */
export function equal(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return toFloat(a) === toFloat(b);
  if (a === null || b === null) return a === b;
  if (isArray(a) && isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i] ?? null));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k] ?? null, b[k] ?? null));
  }
  return a === b;
}

/**
 * Go would refuse `==` between a float64 and a string at compile time (both types are known);
 * we see types only at run time, so the same mismatch is an error here when both sides are
 * scalars of different kinds. nil, arrays and maps compare as expr-lang compares `interface{}`.
 */
export function checkComparable(op: string, a: Value, b: Value): void {
  const kind = (v: Value) => (isNumber(v) ? 'number' : typeof v);
  const scalar = (v: Value) => v !== null && typeof v !== 'object';
  if (scalar(a) && scalar(b) && kind(a) !== kind(b)) {
    throw new ExprRuntimeError(`invalid operation: ${op} (mismatched types ${typeName(a)} and ${typeName(b)})`);
  }
}

/**
 * A provider's result as the language's value: JSON numbers are float64 (as Go's encoding/json
 * decodes them), bigint stays int, undefined is nil. Anything else (functions, symbols) is refused.
 */
export function fromResult(input: unknown): Value {
  if (input === undefined || input === null) return null;
  if (
    typeof input === 'number' ||
    typeof input === 'bigint' ||
    typeof input === 'string' ||
    typeof input === 'boolean'
  ) {
    return input;
  }
  if (Array.isArray(input)) return input.map(fromResult);
  if (typeof input === 'object') {
    return Object.fromEntries(Object.entries(input as Record<string, unknown>).map(([k, v]) => [k, fromResult(v)]));
  }
  throw new ExprRuntimeError(`cannot use a ${typeof input} as a metric result`);
}

/** How a value prints inside a message (Go's %v, roughly). */
export function show(value: Value): string {
  if (value === null) return '<nil>';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}
