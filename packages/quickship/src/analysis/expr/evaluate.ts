// Compiles a condition (parse + the name check expr-lang does against its environment) and
// evaluates it over a value environment. Semantics follow expr-lang: int/float arithmetic with
// `/` always float, short-circuit `and`/`or` on booleans only, negative indexes from the end,
// nil for a missing map key, closures over `#` for the predicate builtins.
import { parseExpr, type Node, type Value } from './ast.ts';
import { ExprCompileError, ExprRuntimeError } from './errors.ts';
import { builtins } from './functions.ts';
import { checkComparable, equal, isArray, isMap, isNumber, show, toFloat, typeName } from './values.ts';

const predicateBuiltins = new Set(['all', 'any', 'none', 'one', 'filter', 'map', 'count']);

export interface Program {
  readonly source: string;
  run(env: Readonly<Record<string, Value>>): Value;
}

/** Parses and checks a condition against the variable names its environment will hold. */
export function compile(source: string, variables: readonly string[]): Program {
  const tree = parseExpr(source);
  checkNames(tree, new Set(variables), false);
  return { source, run: (env) => evaluate(tree, { env, pointer: undefined }) };
}

function checkNames(node: Node, variables: ReadonlySet<string>, inClosure: boolean): void {
  switch (node.kind) {
    case 'name':
      if (!variables.has(node.name)) throw new ExprCompileError(`unknown name ${node.name}`);
      return;
    case 'pointer':
      if (!inClosure) throw new ExprCompileError('cannot use pointer accessor outside predicate');
      return;
    case 'call':
      if (!(node.callee in builtins) && !predicateBuiltins.has(node.callee)) {
        throw new ExprCompileError(`unknown name ${node.callee}`);
      }
      if (predicateBuiltins.has(node.callee)) {
        if (node.args.length !== 2) {
          throw new ExprCompileError(
            `invalid number of arguments for ${node.callee} (expected 2, got ${node.args.length})`,
          );
        }
        const [collection, predicate] = node.args as [Node, Node];
        checkNames(collection, variables, inClosure);
        checkNames(predicate.kind === 'closure' ? predicate.body : predicate, variables, true);
        return;
      }
      node.args.forEach((a) => checkNames(a, variables, inClosure));
      return;
    case 'closure':
      throw new ExprCompileError(
        'a predicate {…} is only allowed as the second argument of all, any, none, one, filter, map, count',
      );
    case 'method':
      throw new ExprCompileError(`type ${'interface {}'} has no method ${node.method}`);
    case 'literal':
      return;
    case 'array':
      node.items.forEach((i) => checkNames(i, variables, inClosure));
      return;
    case 'map':
      node.entries.forEach(([, v]) => checkNames(v, variables, inClosure));
      return;
    case 'unary':
      checkNames(node.operand, variables, inClosure);
      return;
    case 'binary':
      checkNames(node.left, variables, inClosure);
      checkNames(node.right, variables, inClosure);
      return;
    case 'ternary':
      [node.test, node.then, node.otherwise].forEach((n) => checkNames(n, variables, inClosure));
      return;
    case 'member':
      checkNames(node.object, variables, inClosure);
      return;
    case 'index':
      checkNames(node.object, variables, inClosure);
      checkNames(node.index, variables, inClosure);
      return;
    case 'slice':
      [node.object, node.from, node.to].forEach((n) => n && checkNames(n, variables, inClosure));
      return;
  }
}

interface Scope {
  readonly env: Readonly<Record<string, Value>>;
  readonly pointer: Value | undefined;
}

function evaluate(node: Node, scope: Scope): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'name':
      return scope.env[node.name] ?? null;
    case 'pointer':
      return scope.pointer ?? null;
    case 'array':
      return node.items.map((i) => evaluate(i, scope));
    case 'map':
      return Object.fromEntries(node.entries.map(([k, v]) => [k, evaluate(v, scope)]));
    case 'unary':
      return unary(node.op, evaluate(node.operand, scope));
    case 'binary':
      return binary(node, scope);
    case 'ternary': {
      const test = evaluate(node.test, scope);
      if (typeof test !== 'boolean')
        throw new ExprRuntimeError(`non-bool expression (type ${typeName(test)}) used as condition`);
      return evaluate(test ? node.then : node.otherwise, scope);
    }
    case 'member': {
      const object = evaluate(node.object, scope);
      if (object === null && node.optional) return null;
      return fetch(object, node.property);
    }
    case 'index':
      return fetch(evaluate(node.object, scope), evaluate(node.index, scope));
    case 'slice':
      return slice(
        evaluate(node.object, scope),
        node.from && evaluate(node.from, scope),
        node.to && evaluate(node.to, scope),
      );
    case 'call':
      if (predicateBuiltins.has(node.callee)) return predicate(node.callee, node.args as [Node, Node], scope);
      return (builtins[node.callee] as (typeof builtins)[string])(
        node.args.map((a) => evaluate(a, scope)),
        scope.env['result'] ?? null,
      );
    case 'closure':
    case 'method':
      throw new ExprRuntimeError('unreachable: rejected at compile time');
  }
}

function unary(op: string, value: Value): Value {
  if (op === 'not' || op === '!') {
    if (typeof value !== 'boolean') throw new ExprRuntimeError(`invalid operation: ${op} ${typeName(value)}`);
    return !value;
  }
  if (!isNumber(value)) throw new ExprRuntimeError(`invalid operation: ${op} ${typeName(value)}`);
  return op === '-' ? -value : value;
}

function bool(op: string, value: Value, other: Value): boolean {
  if (typeof value !== 'boolean') {
    throw new ExprRuntimeError(`invalid operation: ${op} (mismatched types ${typeName(value)} and ${typeName(other)})`);
  }
  return value;
}

function binary(node: Extract<Node, { kind: 'binary' }>, scope: Scope): Value {
  const { op } = node;
  if (op === 'and' || op === 'or') {
    const left = evaluate(node.left, scope);
    const l = bool(op, left, null);
    if (op === 'and' ? !l : l) return l;
    const right = evaluate(node.right, scope);
    return bool(op, right, left);
  }
  if (op === '??') {
    const left = evaluate(node.left, scope);
    return left ?? evaluate(node.right, scope);
  }
  const a = evaluate(node.left, scope);
  const b = evaluate(node.right, scope);
  switch (op) {
    case '==':
      checkComparable(op, a, b);
      return equal(a, b);
    case '!=':
      checkComparable(op, a, b);
      return !equal(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(op, a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case 'matches':
      return strings(op, a, b, (s, p) => new RegExp(p, 'u').test(s));
    case 'contains':
      return strings(op, a, b, (s, t) => s.includes(t));
    case 'startsWith':
      return strings(op, a, b, (s, t) => s.startsWith(t));
    case 'endsWith':
      return strings(op, a, b, (s, t) => s.endsWith(t));
    case '..':
      return range(a, b);
    default:
      return arithmetic(op, a, b);
  }
}

function mismatch(op: string, a: Value, b: Value): ExprRuntimeError {
  return new ExprRuntimeError(`invalid operation: ${op} (mismatched types ${typeName(a)} and ${typeName(b)})`);
}

function compare(op: string, a: Value, b: Value): boolean {
  let x: number | bigint | string;
  let y: number | bigint | string;
  if (isNumber(a) && isNumber(b)) [x, y] = [a, b];
  else if (typeof a === 'string' && typeof b === 'string') [x, y] = [a, b];
  else throw mismatch(op, a, b);
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (!isNumber(a) || !isNumber(b)) throw mismatch(op, a, b);
  const ints = typeof a === 'bigint' && typeof b === 'bigint';
  switch (op) {
    case '+':
      return ints ? (a as bigint) + (b as bigint) : toFloat(a) + toFloat(b);
    case '-':
      return ints ? (a as bigint) - (b as bigint) : toFloat(a) - toFloat(b);
    case '*':
      return ints ? (a as bigint) * (b as bigint) : toFloat(a) * toFloat(b);
    case '/':
      // expr-lang's `/` is float division even for two ints (1/2 == 0.5, 1/0 == +Inf).
      return toFloat(a) / toFloat(b);
    case '%':
      if (!ints) throw mismatch(op, a, b);
      if (b === 0n) throw new ExprRuntimeError('integer divide by zero');
      return (a as bigint) % (b as bigint);
    case '**':
      return toFloat(a) ** toFloat(b);
  }
  throw new ExprRuntimeError(`unknown operator ${op}`);
}

function strings(op: string, a: Value, b: Value, test: (a: string, b: string) => boolean): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') throw mismatch(op, a, b);
  return test(a, b);
}

function range(a: Value, b: Value): Value {
  if (typeof a !== 'bigint' || typeof b !== 'bigint') throw mismatch('..', a, b);
  const out: bigint[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function contains(collection: Value, needle: Value): boolean {
  if (isArray(collection)) return collection.some((v) => equal(v, needle));
  if (isMap(collection)) {
    if (typeof needle !== 'string') throw mismatch('in', needle, collection);
    return Object.hasOwn(collection, needle);
  }
  if (collection === null) return false;
  throw new ExprRuntimeError(`operator "in" not defined on ${typeName(collection)}`);
}

function toIndex(index: Value, length: number): number {
  if (!isNumber(index) || !Number.isInteger(toFloat(index))) {
    throw new ExprRuntimeError(`cannot use ${typeName(index)} as index`);
  }
  const i = Number(index);
  const at = i < 0 ? length + i : i;
  if (at < 0 || at >= length) throw new ExprRuntimeError(`index out of range: ${i} (array length is ${length})`);
  return at;
}

function fetch(object: Value, key: Value): Value {
  if (isArray(object)) return object[toIndex(key, object.length)] ?? null;
  if (typeof object === 'string') return [...object][toIndex(key, [...object].length)] ?? null;
  if (isMap(object)) {
    if (typeof key !== 'string') throw new ExprRuntimeError(`cannot use ${typeName(key)} as map key`);
    return Object.hasOwn(object, key) ? (object[key] ?? null) : null;
  }
  throw new ExprRuntimeError(`cannot fetch ${show(key)} from ${typeName(object)}`);
}

function slice(object: Value, from: Value | undefined, to: Value | undefined): Value {
  const items: readonly Value[] | string[] | null = isArray(object)
    ? object
    : typeof object === 'string'
      ? [...object]
      : null;
  if (items === null) throw new ExprRuntimeError(`cannot slice ${typeName(object)}`);
  const bound = (v: Value | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'bigint') throw new ExprRuntimeError(`cannot use ${typeName(v)} as slice index`);
    const n = Number(v);
    return Math.max(0, Math.min(items.length, n < 0 ? items.length + n : n));
  };
  const part = items.slice(bound(from, 0), bound(to, items.length));
  return typeof object === 'string' ? part.join('') : part;
}

function predicate(name: string, [collectionNode, predicateNode]: [Node, Node], scope: Scope): Value {
  const collection = evaluate(collectionNode, scope);
  if (!isArray(collection)) throw new ExprRuntimeError(`cannot iterate ${typeName(collection)}`);
  const body = predicateNode.kind === 'closure' ? predicateNode.body : predicateNode;
  const apply = (item: Value) => evaluate(body, { env: scope.env, pointer: item });
  const test = (item: Value) => {
    const out = apply(item);
    if (typeof out !== 'boolean')
      throw new ExprRuntimeError(`predicate of ${name} returned ${typeName(out)}, not bool`);
    return out;
  };
  switch (name) {
    case 'all':
      return collection.every(test);
    case 'any':
      return collection.some(test);
    case 'none':
      return !collection.some(test);
    case 'one':
      return collection.filter(test).length === 1;
    case 'filter':
      return collection.filter(test);
    case 'count':
      return BigInt(collection.filter(test).length);
    default:
      return collection.map(apply);
  }
}
