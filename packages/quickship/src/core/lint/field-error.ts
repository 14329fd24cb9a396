// Validation errors printed exactly like k8s.io/apimachinery/pkg/util/validation/field
// (errors.go: Error() = "<field>: <ErrorBody()>"), which is what `kubectl argo rollouts lint`
// prints, e.g. `spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero`.

export type FieldErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Not found'
  | 'Duplicate value'
  | 'Internal error';

/** A bad value as Go would print it: strings %q, numbers/bools %v, a Stringer its String(), else %#v. */
export type GoValue =
  | { readonly go: 'string'; readonly value: string }
  | { readonly go: 'number'; readonly value: number }
  | { readonly go: 'bool'; readonly value: boolean }
  | { readonly go: 'stringer'; readonly value: string }
  | { readonly go: 'raw'; readonly value: string };

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue?: GoValue;
  readonly detail: string;
}

export const goString = (value: string): GoValue => ({ go: 'string', value });
export const goNumber = (value: number): GoValue => ({ go: 'number', value });
export const goBool = (value: boolean): GoValue => ({ go: 'bool', value });
export const goStringer = (value: string): GoValue => ({ go: 'stringer', value });
export const goRaw = (value: string): GoValue => ({ go: 'raw', value });

/** Go's %#v of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`. */
export function goStringMap(map: Readonly<Record<string, string>> | undefined): GoValue {
  if (map === undefined) return goRaw('map[string]string(nil)');
  const body = Object.keys(map)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(map[k])}`)
    .join(', ');
  return goRaw(`map[string]string{${body}}`);
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'Required value', field, detail };
}
export function invalid(field: string, badValue: GoValue, detail: string): FieldError {
  return { type: 'Invalid value', field, badValue, detail };
}
export function forbidden(field: string, detail: string): FieldError {
  return { type: 'Forbidden', field, detail };
}
export function notFound(field: string, badValue: GoValue, detail = ''): FieldError {
  return { type: 'Not found', field, badValue, detail };
}
export function duplicate(field: string, badValue: GoValue): FieldError {
  return { type: 'Duplicate value', field, badValue, detail: '' };
}
export function notSupported(field: string, badValue: GoValue, supported: readonly string[]): FieldError {
  return {
    type: 'Unsupported value',
    field,
    badValue,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}
export function internal(field: string, detail: string): FieldError {
  return { type: 'Internal error', field, detail };
}

function printValue(v: GoValue): string {
  switch (v.go) {
    case 'string':
      return JSON.stringify(v.value);
    case 'number':
    case 'bool':
      return String(v.value);
    case 'stringer':
    case 'raw':
      return v.value;
  }
}

export function errorBody(e: FieldError): string {
  let s: string = e.type;
  if (
    e.badValue !== undefined &&
    (e.type === 'Invalid value' ||
      e.type === 'Unsupported value' ||
      e.type === 'Not found' ||
      e.type === 'Duplicate value')
  ) {
    s = `${e.type}: ${printValue(e.badValue)}`;
  }
  return e.detail === '' ? s : `${s}: ${e.detail}`;
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** apimachinery's ValidateNonnegativeField. */
export function nonNegative(value: number, field: string): FieldError[] {
  return value < 0 ? [invalid(field, goNumber(value), 'must be greater than or equal to 0')] : [];
}
