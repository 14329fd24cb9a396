// The cases of Argo Rollouts' utils/evaluate/evaluate_test.go (read from
// ../shared/corpus/argo-rollouts/analysis/spec as a specification), then the rest of the subset.
import { describe, expect, it } from 'vitest';
import { evalCondition, evaluateResult } from './condition.ts';
import { ExprCompileError, ExprSyntaxError } from './errors.ts';

const invalidRef = 'a == true';

describe('evaluateResult (Argo EvaluateResult)', () => {
  it.each([
    ['true', 'false', 'Successful'],
    ['true', 'true', 'Failed'],
    ['false', 'false', 'Inconclusive'],
    ['', 'false', 'Successful'],
    ['false', '', 'Failed'],
    ['', '', 'Successful'],
  ] as const)('success %j, failure %j → %s', (successCondition, failureCondition, phase) => {
    expect(evaluateResult(true, { successCondition, failureCondition })).toEqual({ phase });
  });

  it('an invalid reference in either condition is an Error naming the condition and expression', () => {
    const onSuccess = evaluateResult(true, { successCondition: invalidRef, failureCondition: 'true' });
    expect(onSuccess.phase).toBe('Error');
    expect(onSuccess.message).toContain('could not evaluate successCondition');
    expect(onSuccess.message).toContain(invalidRef);
    const onFailure = evaluateResult(true, { successCondition: 'true', failureCondition: 'invalidVar == true' });
    expect(onFailure).toEqual({
      phase: 'Error',
      message: 'could not evaluate failureCondition "invalidVar == true": unknown name invalidVar',
    });
  });

  it('a nil or empty result explains that the provider returned no data', () => {
    for (const result of [null, []]) {
      const out = evaluateResult(result, { successCondition: 'result[0] >= 0.95' });
      expect(out.phase).toBe('Error');
      expect(out.message).toContain('metric result is nil or empty');
      expect(out.message).toContain('successCondition');
    }
  });
});

describe('evalCondition (Argo EvalCondition)', () => {
  it('compares the result', () => {
    expect(evalCondition(true, 'result == true')).toBe(true);
    expect(evalCondition(true, 'result == false')).toBe(false);
    expect(evalCondition(5, 'result > 1')).toBe(true);
  });

  it('refuses a non-bool outcome and an unknown name with expr-lang messages', () => {
    expect(() => evalCondition(true, '1')).toThrow('expected bool, but got int');
    expect(() => evalCondition(true, '0.5')).toThrow('expected bool, but got float64');
    expect(() => evalCondition(true, 'invalidVariable')).toThrow(new ExprCompileError('unknown name invalidVariable'));
  });

  it('walks nested maps and applies a predicate to every element', () => {
    const result = { service_apdex: { label: null, values: { values: [2, 2] } } };
    expect(evalCondition(result, 'all(result.service_apdex.values.values, {# > 1})')).toBe(true);
    expect(evalCondition(result, 'all(result.service_apdex.values.values, {# > 2})')).toBe(false);
  });

  it('`in` compares an int with float elements by value', () => {
    expect(evalCondition([2, 2], '2 in result')).toBe(true);
    expect(evalCondition([2, 2], '3 in result')).toBe(false);
    expect(evalCondition([2, 2], '3 not in result')).toBe(true);
  });

  it('refuses method calls on the result', () => {
    expect(() => evalCondition(true, "result.Name() == 'hi'")).toThrow(ExprCompileError);
  });

  it('asInt: strings of digits, ints and truncated floats; not "1.1"', () => {
    expect(evalCondition('1', 'asInt(result) == 1')).toBe(true);
    expect(evalCondition(1n, 'asInt(result) == 1')).toBe(true);
    expect(evalCondition(1.123, 'asInt(result) == 1')).toBe(true);
    expect(() => evalCondition('1.1', 'asInt(result) == 1.1')).toThrow(
      'strconv.ParseInt: parsing "1.1": invalid syntax',
    );
    expect(() => evalCondition('notint', 'asInt(result) == 1')).toThrow('invalid syntax');
  });

  it('asFloat: numbers and numeric strings; errors as Go reports them', () => {
    for (const [input, condition] of [
      ['1.1', 'asFloat(result) == 1.1'],
      ['1.1', 'asFloat(result) >= 1.1'],
      ['1.1', 'asFloat(result) <= 1.1'],
      [1.1, 'asFloat(result) == 1.1'],
      [1n, 'asFloat(result) == 1'],
      [1n, 'asFloat(result) >= 1'],
    ] as const) {
      expect(evalCondition(input, condition)).toBe(true);
    }
    expect(() => evalCondition('NotANum', 'asFloat(result) == 1.1')).toThrow(
      'strconv.ParseFloat: parsing "NotANum": invalid syntax',
    );
    expect(() => evalCondition('1.1', 'asFloat(result) == "1.1"')).toThrow(
      /invalid operation: == \(mismatched types float64 and string\)/,
    );
  });

  it('isInf, isNaN on floats; a vector is refused as Go refuses []float64', () => {
    expect(evalCondition(Infinity, 'isInf(result)')).toBe(true);
    expect(evalCondition(0, 'isInf(result)')).toBe(false);
    expect(evalCondition([NaN], 'isNaN(result[0])')).toBe(true);
    expect(() => evalCondition([1], 'isNaN(result)')).toThrow(
      'cannot use []float64 as argument (type float64) to call isNaN',
    );
  });

  it('default and isNil look at the whole result, as upstream binds them', () => {
    expect(evalCondition(null, 'default(result, 0) == 0')).toBe(true);
    expect(evalCondition(null, 'default(result, 2) == 2')).toBe(true);
    expect(evalCondition(1, 'default(result, 0) == 1')).toBe(true);
    expect(evalCondition(null, 'isNil(result)')).toBe(true);
    expect(evalCondition([], 'isNil(result)')).toBe(false);
    expect(evalCondition(false, 'isNil(result)')).toBe(false);
  });
});

describe('the expr-lang subset', () => {
  const ok = (source: string, result: unknown = null) => expect(evalCondition(result, source)).toBe(true);

  it('literals and arithmetic: int/float, `/` always float, `%` on ints, `**` right-associative', () => {
    ok('1 + 2 * 3 == 7');
    ok('(1 + 2) * 3 == 9');
    ok('1 / 2 == 0.5');
    ok('7 % 3 == 1');
    ok('2 ** 3 ** 2 == 512');
    ok('-2 ** 2 == -4');
    ok('1_000 == 1e3');
    ok('0.1 + 0.2 > 0.3');
    ok('"a" + \'b\' + `c` == "abc"');
    ok('"tab\\t" == "tab\t"');
    expect(() => evalCondition(null, '1.5 % 1 == 0')).toThrow('invalid operation: %');
  });

  it('logic: and/or/not with their symbols, short-circuit, booleans only', () => {
    ok('true and not false');
    ok('true && !false');
    ok('false || true');
    ok('not (false and result[0] > 1)', []);
    ok('true or result[0] > 1', []);
    ok('not true == false'); // (not true) == false: unary not binds tighter than ==, as in expr-lang
    expect(() => evalCondition(null, '1 and true')).toThrow('invalid operation: and (mismatched types int and <nil>)');
  });

  it('comparison: numbers across int and float, strings, nil equality', () => {
    ok('1 == 1.0');
    ok('"a" < "b"');
    ok('nil == nil');
    ok('result != nil', 1);
    ok('result == nil');
    expect(() => evalCondition(null, 'result > 1')).toThrow('invalid operation: > (mismatched types <nil> and int)');
  });

  it('ternary, ranges, string operators, ??', () => {
    ok('(result > 1 ? "big" : "small") == "big"', 2);
    ok('len(1..3) == 3');
    ok('"payments-7c9" startsWith "payments" and "abc" contains "b" and "abc" endsWith "c"');
    ok('"v1.2.3" matches "^v[0-9]+\\\\.[0-9]+"');
    ok('(result ?? 5) == 5');
    ok('(result.missing ?? 5) == 5', {});
  });

  it('member, index (negative from the end), slice, optional chaining', () => {
    const result = { data: { result: [{ value: 0.2 }, { value: 0.7 }] }, list: [1, 2, 3] };
    ok('result.data.result[1].value == 0.7', result);
    ok('result["data"]["result"][-1].value == 0.7', result);
    ok('result.list[1:] == [2.0, 3.0]', result);
    ok('result.nothing?.deeper == nil', result);
    ok('result.nothing == nil', result);
    expect(() => evalCondition(result, 'result.nothing.deeper == nil')).toThrow('cannot fetch deeper from <nil>');
    expect(() => evalCondition([1], 'result[3] == 1')).toThrow('index out of range: 3 (array length is 1)');
  });

  it('predicates: all, any, none, one, filter, map, count, with `.field` shorthand', () => {
    const result = [0.1, 0.6, 0.9];
    ok('all(result, {# < 1})', result);
    ok('any(result, {# > 0.8})', result);
    ok('none(result, {# > 1})', result);
    ok('one(result, {# < 0.5})', result);
    ok('len(filter(result, {# > 0.5})) == 2', result);
    ok('map(result, {# * 10})[2] == 9', result);
    ok('count(result, # > 0.5) == 2', result);
    ok('all([], {# > 1}) and not any([], {# > 1})');
    ok('all(result, {.ok})', [{ ok: true }, { ok: true }]);
    expect(() => evalCondition(null, 'all(result, {# > 1})')).toThrow('cannot iterate <nil>');
    expect(() => evalCondition(null, '# > 1')).toThrow(ExprCompileError);
  });

  it('len, min, max, sum, abs, first, last, int, float, string', () => {
    ok('len("héllo") == 5 and len({a: 1, "b": 2}) == 2');
    ok('max(result) == 3 and min(result) == 1 and sum(result) == 6', [1, 3, 2]);
    ok('abs(-2) == 2 and first(result) == 1 and last(result) == 2', [1, 3, 2]);
    ok('int("12") == 12 and float("1.5") == 1.5 and string(2) == "2"');
    expect(() => evalCondition(1, 'len(result) == 1')).toThrow('invalid argument for len (type float64)');
  });

  it('reports a syntax error with its position', () => {
    expect(() => evalCondition(null, 'result >')).toThrow(ExprSyntaxError);
    expect(() => evalCondition(null, 'now() -- ?')).toThrow(ExprSyntaxError);
  });
});
