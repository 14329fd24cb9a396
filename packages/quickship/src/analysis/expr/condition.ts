// Argo Rollouts' utils/evaluate over our expr-lang subset: a condition sees `result` (the
// provider's value) and the builtins; a measurement's phase comes from successCondition and
// failureCondition exactly as EvaluateResult decides it.
import type { Value } from './ast.ts';
import { compile } from './evaluate.ts';
import { ExprRuntimeError } from './errors.ts';
import { fromResult, typeName } from './values.ts';

export type MeasurementVerdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** EvalCondition: true/false, or the error message expr-lang (or a builtin) gives. */
export function evalCondition(result: unknown, condition: string): boolean {
  const program = compile(condition, ['result']);
  const out: Value = program.run({ result: fromResult(result) });
  if (typeof out !== 'boolean') throw new ExprRuntimeError(`expected bool, but got ${typeName(out)}`);
  return out;
}

function isNilOrEmpty(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}

function evalOrExplain(result: unknown, kind: string, condition: string): boolean | string {
  try {
    return evalCondition(result, condition);
  } catch (error) {
    const reason = isNilOrEmpty(result)
      ? 'metric result is nil or empty: no data returned from the metric provider'
      : (error as Error).message;
    return `could not evaluate ${kind} "${condition}": ${reason}`;
  }
}

/**
 * EvaluateResult: no conditions → Successful; only a successCondition → Failed when it is false;
 * only a failureCondition → Successful when it is false; both false → Inconclusive; failure wins.
 */
export function evaluateResult(
  result: unknown,
  metric: { readonly successCondition?: string; readonly failureCondition?: string },
): { readonly phase: MeasurementVerdict; readonly message?: string } {
  const success = metric.successCondition ?? '';
  const failure = metric.failureCondition ?? '';
  let ok = false;
  let failed = false;
  if (success !== '') {
    const out = evalOrExplain(result, 'successCondition', success);
    if (typeof out === 'string') return { phase: 'Error', message: out };
    ok = out;
  }
  if (failure !== '') {
    const out = evalOrExplain(result, 'failureCondition', failure);
    if (typeof out === 'string') return { phase: 'Error', message: out };
    failed = out;
  }
  if (success === '' && failure === '') return { phase: 'Successful' };
  if (success !== '' && failure === '') failed = !ok;
  if (success === '' && failure !== '') ok = !failed;
  if (failed) return { phase: 'Failed' };
  if (!ok) return { phase: 'Inconclusive' };
  return { phase: 'Successful' };
}
