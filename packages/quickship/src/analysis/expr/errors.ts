// Errors of the condition language. Messages follow expr-lang's where Argo users see them
// ("unknown name x", "expected bool, but got int"), so a condition behaves and reads the same.

/** The condition does not parse. */
export class ExprSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

/** The condition parses but names something the environment does not have (expr-lang's compile error). */
export class ExprCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprCompileError';
  }
}

/** Evaluation failed: a type mismatch, an index out of range, a function refusing its argument. */
export class ExprRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprRuntimeError';
  }
}
