// The functions a condition can call that take plain values: expr-lang's builtins Argo conditions
// use (len, abs, min, max, sum, first, last, int, float, string) and the ones Argo Rollouts adds
// to the environment (utils/evaluate: asInt, asFloat, isNaN, isInf, isNil, default). The
// predicate builtins (all, any, none, one, filter, map, count) take a closure and live in evaluate.ts.
import type { Value } from './ast.ts';
import { ExprRuntimeError } from './errors.ts';
import { isArray, isMap, isNumber, show, toFloat, typeName } from './values.ts';

/** What a call sees: its evaluated arguments and the metric result (Argo binds isNil/default to it). */
export type Builtin = (args: readonly Value[], result: Value) => Value;

function arity(name: string, args: readonly Value[], n: number): void {
  if (args.length !== n) {
    throw new ExprRuntimeError(`invalid number of arguments for ${name} (expected ${n}, got ${args.length})`);
  }
}

function float64Arg(name: string, value: Value): number {
  // Go refuses []float64 where float64 is expected: the classic `isNaN(result)` on a vector.
  if (!isNumber(value)) {
    throw new ExprRuntimeError(`cannot use ${typeName(value)} as argument (type float64) to call ${name}`);
  }
  return toFloat(value);
}

/** Go's strconv.ParseInt(s, 10, 64) and ParseFloat(s, 64), with their error text. */
function parseGoInt(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s))
    throw new ExprRuntimeError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  return BigInt(s);
}

function parseGoFloat(s: string): number {
  const t = s.trim() === s ? s : '';
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new ExprRuntimeError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  return Number(t.replace(/_/g, ''));
}

function lengthOf(value: Value): bigint {
  if (typeof value === 'string') return BigInt([...value].length);
  if (isArray(value)) return BigInt(value.length);
  if (isMap(value)) return BigInt(Object.keys(value).length);
  throw new ExprRuntimeError(`invalid argument for len (type ${typeName(value)})`);
}

function numbersOf(name: string, args: readonly Value[]): (number | bigint)[] {
  const list = args.length === 1 && isArray(args[0] ?? null) ? (args[0] as readonly Value[]) : args;
  return list.map((v) => {
    if (!isNumber(v)) throw new ExprRuntimeError(`invalid argument for ${name} (type ${typeName(v)})`);
    return v;
  });
}

function extreme(name: string, args: readonly Value[], pick: (a: number, b: number) => boolean): Value {
  const list = numbersOf(name, args);
  if (list.length === 0) throw new ExprRuntimeError(`not enough arguments to call ${name}`);
  return list.reduce((best, v) => (pick(toFloat(v), toFloat(best)) ? v : best));
}

export const builtins: Readonly<Record<string, Builtin>> = {
  len: (args) => (arity('len', args, 1), lengthOf(args[0] ?? null)),
  abs: (args) => {
    arity('abs', args, 1);
    const v = args[0] ?? null;
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'number') return Math.abs(v);
    throw new ExprRuntimeError(`invalid argument for abs (type ${typeName(v)})`);
  },
  max: (args) => extreme('max', args, (a, b) => a > b),
  min: (args) => extreme('min', args, (a, b) => a < b),
  sum: (args) => {
    arity('sum', args, 1);
    const list = numbersOf('sum', args);
    if (list.every((v) => typeof v === 'bigint')) return list.reduce<bigint>((s, v) => s + (v as bigint), 0n);
    return list.reduce<number>((s, v) => s + toFloat(v), 0);
  },
  first: (args) => {
    arity('first', args, 1);
    const v = args[0] ?? null;
    return isArray(v) ? (v[0] ?? null) : null;
  },
  last: (args) => {
    arity('last', args, 1);
    const v = args[0] ?? null;
    return isArray(v) ? (v[v.length - 1] ?? null) : null;
  },
  int: (args) => {
    arity('int', args, 1);
    const v = args[0] ?? null;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number') return BigInt(Math.trunc(v));
    if (typeof v === 'string') return parseGoInt(v);
    throw new ExprRuntimeError(`invalid operation: int(${typeName(v)})`);
  },
  float: (args) => {
    arity('float', args, 1);
    const v = args[0] ?? null;
    if (isNumber(v)) return toFloat(v);
    if (typeof v === 'string') return parseGoFloat(v);
    throw new ExprRuntimeError(`invalid operation: float(${typeName(v)})`);
  },
  string: (args) => (arity('string', args, 1), show(args[0] ?? null)),
  // Argo Rollouts' additions (utils/evaluate/evaluate.go).
  asInt: (args) => {
    arity('asInt', args, 1);
    const v = args[0] ?? null;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number') return BigInt(Math.trunc(v));
    if (typeof v === 'string') return parseGoInt(v);
    throw new ExprRuntimeError(`asInt() not supported on ${typeName(v)} ${show(v)}`);
  },
  asFloat: (args) => {
    arity('asFloat', args, 1);
    const v = args[0] ?? null;
    if (isNumber(v)) return toFloat(v);
    if (typeof v === 'string') return parseGoFloat(v);
    throw new ExprRuntimeError(`asFloat() not supported on ${typeName(v)} ${show(v)}`);
  },
  isNaN: (args) => (arity('isNaN', args, 1), Number.isNaN(float64Arg('isNaN', args[0] ?? null))),
  isInf: (args) => {
    arity('isInf', args, 1);
    const f = float64Arg('isInf', args[0] ?? null);
    return f === Infinity || f === -Infinity;
  },
  // As upstream, isNil and default look at the whole metric result, not at their first argument:
  // `default(result, 0)` is the idiom; `default(result[0], 0)` still fails on an empty vector.
  isNil: (args, result) => (arity('isNil', args, 1), result === null),
  default: (args, result) => (arity('default', args, 2), result === null ? (args[1] ?? null) : result),
};
