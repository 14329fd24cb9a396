// Turns a schema validation failure into Stripe's 400: `param` names the parameter in Stripe's
// bracket notation (card[number], metadata[order_id]) and `code` says what was wrong with it.
import { InvalidRequestError } from '../domain/errors.ts';

/** The subset of an ajv error that Fastify attaches to `error.validation`. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** `/card/exp_month` → `card[exp_month]`. */
export function stripeParam(pointer: readonly string[]): string | undefined {
  const [first, ...rest] = pointer;
  if (first === undefined) return undefined;
  return first + rest.map((segment) => `[${segment}]`).join('');
}

function segments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function fromSchemaError(error: SchemaError | undefined, context: string | undefined): InvalidRequestError {
  if (error === undefined) return new InvalidRequestError('parameter_invalid', 'The request is invalid.');
  const path = segments(error.instancePath);
  if (context === 'body' && path.length === 0 && error.keyword === 'type') {
    return new InvalidRequestError('invalid_body', 'The request body must be a JSON object.');
  }
  if (error.keyword === 'required') {
    const param = stripeParam([...path, String(error.params.missingProperty)])!;
    return new InvalidRequestError('parameter_missing', `Missing required param: ${param}.`, param);
  }
  if (error.keyword === 'additionalProperties') {
    const param = stripeParam([...path, String(error.params.additionalProperty)])!;
    return new InvalidRequestError('parameter_unknown', `Received unknown parameter: ${param}.`, param);
  }
  const param = stripeParam(path) ?? 'body';
  const isAmount = param === 'amount' || param === 'amount_to_capture';
  const code =
    isAmount && error.keyword === 'minimum'
      ? 'amount_too_small'
      : isAmount && error.keyword === 'maximum'
        ? 'amount_too_large'
        : 'parameter_invalid';
  return new InvalidRequestError(code, `Invalid ${param}: ${error.message ?? 'not allowed'}.`, param);
}
