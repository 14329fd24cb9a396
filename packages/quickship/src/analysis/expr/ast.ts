// The syntax tree of a condition, built from an Ohm match by one semantic operation. Nodes carry
// no behaviour; evaluate.ts walks them.
import type { MatchResult, Node as OhmNode } from 'ohm-js';
import { exprGrammar } from './grammar.ts';
import { ExprSyntaxError } from './errors.ts';

export type Node =
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'pointer' }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, Node])[] }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'ternary'; readonly test: Node; readonly then: Node; readonly otherwise: Node }
  | { readonly kind: 'member'; readonly object: Node; readonly property: string; readonly optional: boolean }
  | { readonly kind: 'index'; readonly object: Node; readonly index: Node }
  | { readonly kind: 'slice'; readonly object: Node; readonly from?: Node; readonly to?: Node }
  | { readonly kind: 'call'; readonly callee: string; readonly args: readonly Node[] }
  | { readonly kind: 'method'; readonly object: Node; readonly method: string }
  | { readonly kind: 'closure'; readonly body: Node };

/**
 * A value as expr-lang sees it. Integers are bigint (Go `int`), floats are number (Go `float64`),
 * so `1` and `1.0` stay distinct in type names ("expected bool, but got int") yet compare equal.
 */
export type Value = null | boolean | bigint | number | string | readonly Value[] | { readonly [key: string]: Value };

const semantics = exprGrammar.createSemantics();

function binary(left: OhmNode, op: OhmNode, right: OhmNode): Node {
  const symbol = op.sourceString.replace(/\s+/g, ' ');
  const normal = symbol === '||' ? 'or' : symbol === '&&' ? 'and' : symbol;
  return { kind: 'binary', op: normal, left: left['ast'](), right: right['ast']() };
}

function unquote(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === 'n') out += '\n';
    else if (n === 't') out += '\t';
    else if (n === 'r') out += '\r';
    else if (n === 'u' || n === 'x') {
      const len = n === 'u' ? 4 : 2;
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + len), 16));
      i += len;
    } else if (n === '\\' || n === quote || n === '"' || n === "'") out += n;
    else throw new ExprSyntaxError(`invalid escape \\${n ?? ''} in string ${quote}${body}${quote}`);
  }
  return out;
}

semantics.addOperation<Node>('ast', {
  Program: (exp, _end) => exp['ast'](),
  Exp_ternary: (test, _q, then, _c, otherwise) => ({
    kind: 'ternary',
    test: test['ast'](),
    then: then['ast'](),
    otherwise: otherwise['ast'](),
  }),
  Or_op: binary,
  And_op: binary,
  Cmp_op: binary,
  Range_op: (left, _op, right) => ({ kind: 'binary', op: '..', left: left['ast'](), right: right['ast']() }),
  Add_op: binary,
  Mul_op: binary,
  Pow_op: (left, _op, right) => ({ kind: 'binary', op: '**', left: left['ast'](), right: right['ast']() }),
  Coalesce_op: (left, _op, right) => ({ kind: 'binary', op: '??', left: left['ast'](), right: right['ast']() }),
  Unary_not: (_op, operand) => ({ kind: 'unary', op: 'not', operand: operand['ast']() }),
  Sign_sign: (op, operand) => ({ kind: 'unary', op: op.sourceString, operand: operand['ast']() }),
  Postfix_optionalMember: (object, _dot, name) => ({
    kind: 'member',
    object: object['ast'](),
    property: name.sourceString,
    optional: true,
  }),
  Postfix_member: (object, _dot, name) => ({
    kind: 'member',
    object: object['ast'](),
    property: name.sourceString,
    optional: false,
  }),
  Postfix_slice: (object, _open, from, _colon, to, _close) => {
    const f = from.children[0];
    const t = to.children[0];
    return {
      kind: 'slice',
      object: object['ast'](),
      ...(f ? { from: f['ast']() } : {}),
      ...(t ? { to: t['ast']() } : {}),
    };
  },
  Postfix_index: (object, _open, index, _close) => ({ kind: 'index', object: object['ast'](), index: index['ast']() }),
  Postfix_call: (name, _open, args, _close) => ({
    kind: 'call',
    callee: name.sourceString,
    args: args.asIteration().children.map((a) => a['ast']()),
  }),
  Postfix_method: (object, _dot, name, _open, _args, _close) => ({
    kind: 'method',
    object: object['ast'](),
    method: name.sourceString,
  }),
  Arg_closure: (_open, body, _close) => ({ kind: 'closure', body: body['ast']() }),
  Primary_paren: (_open, exp, _close) => exp['ast'](),
  Primary_array: (_open, items, _trailing, _close) => ({
    kind: 'array',
    items: items.asIteration().children.map((i) => i['ast']()),
  }),
  Primary_map: (_open, entries, _trailing, _close) => ({
    kind: 'map',
    entries: entries.asIteration().children.map((e) => e['entry']()),
  }),
  Primary_pointerMember: (_dot, name) => ({
    kind: 'member',
    object: { kind: 'pointer' },
    property: name.sourceString,
    optional: false,
  }),
  Primary_pointer: (_hash) => ({ kind: 'pointer' }),
  Primary_true: (_t) => ({ kind: 'literal', value: true }),
  Primary_false: (_f) => ({ kind: 'literal', value: false }),
  Primary_nil: (_n) => ({ kind: 'literal', value: null }),
  Primary_name: (name) => ({ kind: 'name', name: name.sourceString }),
  number_float(this: OhmNode, _i, _dot, _f, _e) {
    return { kind: 'literal', value: Number(numberText(this.sourceString)) };
  },
  number_exp(this: OhmNode, _digits, _e) {
    return { kind: 'literal', value: Number(numberText(this.sourceString)) };
  },
  number_int: (digits) => ({ kind: 'literal', value: BigInt(numberText(digits.sourceString)) }),
  string_double: (_o, chars, _c) => ({ kind: 'literal', value: unquote(chars.sourceString, '"') }),
  string_single: (_o, chars, _c) => ({ kind: 'literal', value: unquote(chars.sourceString, "'") }),
  string_raw: (_o, chars, _c) => ({ kind: 'literal', value: chars.sourceString }),
});

semantics.addOperation<readonly [string, Node]>('entry', {
  Entry: (key, _colon, value) => {
    const quoted = /^["'`]/.test(key.sourceString);
    const literal: Node | undefined = quoted ? key['ast']() : undefined;
    const name = literal?.kind === 'literal' && typeof literal.value === 'string' ? literal.value : key.sourceString;
    return [name, value['ast']()];
  },
});

function numberText(text: string): string {
  return text.replace(/_/g, '');
}

/** Parses one condition into its syntax tree; a syntax error names the position and what was expected. */
export function parseExpr(source: string): Node {
  const match: MatchResult = exprGrammar.match(source);
  if (match.failed()) {
    throw new ExprSyntaxError(`${match.shortMessage ?? 'syntax error'} in ${JSON.stringify(source)}`);
  }
  return semantics(match)['ast']();
}
