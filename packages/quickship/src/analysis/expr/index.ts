export { evalCondition, evaluateResult, type MeasurementVerdict } from './condition.ts';
export { compile, type Program } from './evaluate.ts';
export { parseExpr, type Node, type Value } from './ast.ts';
export { ExprCompileError, ExprRuntimeError, ExprSyntaxError } from './errors.ts';
