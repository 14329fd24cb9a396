// Validation of a value against a CRD's structural schema (openAPIV3Schema), the way the API server
// treats it — strictly: a field the schema does not declare is an error here, because the API server
// would silently prune it (a misspelled `autoPromotionEnable` or `selfheal` vanishes in the
// cluster). Pure: schema and value in, problems out.
//
// Why not a JSON Schema validator (ajv): Kubernetes structural schemas differ from JSON Schema where
// it matters here. Unknown fields are pruned unless `x-kubernetes-preserve-unknown-fields` says
// otherwise (JSON Schema allows them unless `additionalProperties: false`); `x-kubernetes-int-or-string`
// replaces a type; `nullable` is an OpenAPI v3.0 keyword (null is pruned without it);
// `x-kubernetes-embedded-resource` implies apiVersion/kind/metadata. ajv would need a rewrite of every
// schema plus custom keywords, more code than this walker, and its strict mode rejects the
// x-kubernetes-* keywords outright.
//
// Checked: type, properties, additionalProperties (schema or boolean), required, items, enum,
// pattern, minLength/maxLength, minimum/maximum, minItems/maxItems, maxProperties, anyOf (the
// int-or-string form), nullable and the x-kubernetes extensions above. Not checked: `format`
// (int32, date-time…: the API server does little with most), CEL `x-kubernetes-validations`,
// list-type uniqueness.

export interface StructuralSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly required?: readonly string[];
  readonly items?: StructuralSchema;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly anyOf?: readonly StructuralSchema[];
  readonly nullable?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
}

export interface SchemaProblem {
  /** JSON path of the offending value, e.g. `spec.strategy.blueGreen.autoPromotionEnable`. */
  readonly path: string;
  readonly message: string;
}

/** Fields of metav1.ObjectMeta a client may write; the API server prunes anything else. */
export const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Type check only: does the value have the schema's type (int-or-string and integer-as-number included)? */
function hasType(schema: StructuralSchema, value: unknown): boolean {
  const actual = typeOf(value);
  if (schema['x-kubernetes-int-or-string']) return actual === 'integer' || actual === 'string';
  if (schema.type === undefined) return true;
  if (schema.type === 'number') return actual === 'number' || actual === 'integer';
  return actual === schema.type;
}

function describeType(schema: StructuralSchema): string {
  return schema['x-kubernetes-int-or-string'] ? 'integer or string' : (schema.type ?? 'any');
}

const patterns = new Map<string, RegExp | undefined>();

/** The pattern as a JavaScript RegExp; undefined (not checked) for RE2 syntax JavaScript lacks. */
function patternOf(source: string): { test(value: string): boolean } | undefined {
  if (!patterns.has(source)) {
    try {
      patterns.set(source, new RegExp(source));
    } catch {
      patterns.set(source, undefined);
    }
  }
  return patterns.get(source) ?? { test: () => true };
}

/** Value constraints that do not descend (enum, pattern, bounds). */
function scalarProblems(schema: StructuralSchema, value: unknown, path: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const at = path || '(root)';
  if (schema.enum && !schema.enum.some((e) => e === value))
    out.push({ path: at, message: `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}` });
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !patternOf(schema.pattern)?.test(value))
      out.push({ path: at, message: `${JSON.stringify(value)} does not match ${schema.pattern}` });
    if (schema.minLength !== undefined && value.length < schema.minLength)
      out.push({ path: at, message: `shorter than ${schema.minLength}` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      out.push({ path: at, message: `longer than ${schema.maxLength}` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.push({ path: at, message: `${value} is below the minimum ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum)
      out.push({ path: at, message: `${value} is above the maximum ${schema.maximum}` });
  }
  return out;
}

export interface ValidateOptions {
  /** The value is a whole object: apiVersion and kind are implied, metadata is ObjectMeta. */
  readonly root?: boolean;
}

/** Every problem of `value` against `schema`; empty when the API server would store it unchanged. */
export function validateStructural(
  schema: StructuralSchema,
  value: unknown,
  path = '',
  options: ValidateOptions = {},
): SchemaProblem[] {
  const at = path || '(root)';
  if (value === null) {
    return schema.nullable ? [] : [{ path: at, message: 'is null, which the API server prunes (not nullable)' }];
  }
  if (!hasType(schema, value))
    return [{ path: at, message: `must be ${describeType(schema)}, got ${typeOf(value)} ${JSON.stringify(value)}` }];
  if (
    schema.anyOf &&
    !schema.anyOf.some((branch) => hasType(branch, value) && scalarProblems(branch, value, path).length === 0)
  )
    return [{ path: at, message: `${JSON.stringify(value)} matches none of anyOf` }];
  const out = scalarProblems(schema, value, path);

  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push({ path: at, message: `has fewer than ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push({ path: at, message: `has more than ${schema.maxItems} items` });
    const items = schema.items;
    if (items) value.forEach((item, i) => out.push(...validateStructural(items, item, join(path, i))));
    return out;
  }

  if (isRecord(value)) {
    const embedded = options.root === true || schema['x-kubernetes-embedded-resource'] === true;
    const properties = schema.properties ?? {};
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const additional = schema.additionalProperties;
    if (schema.maxProperties !== undefined && Object.keys(value).length > schema.maxProperties)
      out.push({ path: at, message: `has more than ${schema.maxProperties} fields` });
    for (const name of schema.required ?? [])
      if (!(name in value)) out.push({ path: join(path, name), message: 'is required' });
    for (const [key, child] of Object.entries(value)) {
      const where = join(path, key);
      if (embedded && (key === 'apiVersion' || key === 'kind') && !(key in properties)) {
        if (typeof child !== 'string') out.push({ path: where, message: `must be string, got ${typeOf(child)}` });
        continue;
      }
      if (embedded && key === 'metadata') {
        out.push(...objectMetaProblems(child, where));
        continue;
      }
      const declared = properties[key];
      if (declared) out.push(...validateStructural(declared, child, where));
      else if (isRecord(additional)) out.push(...validateStructural(additional, child, where));
      else if (additional === true || preserve) continue;
      else
        out.push({
          path: where,
          message: `unknown field (the API server prunes it)${suggest(key, Object.keys(properties))}`,
        });
    }
  }
  return out;
}

/** ObjectMeta as the API server reads it: known fields only; labels and annotations string maps. */
function objectMetaProblems(value: unknown, path: string): SchemaProblem[] {
  if (!isRecord(value)) return [{ path, message: `must be object, got ${typeOf(value)}` }];
  const out: SchemaProblem[] = [];
  for (const [key, child] of Object.entries(value)) {
    const where = join(path, key);
    if (!(OBJECT_META_FIELDS as readonly string[]).includes(key))
      out.push({ path: where, message: `unknown field (the API server prunes it)${suggest(key, OBJECT_META_FIELDS)}` });
    else if (key === 'labels' || key === 'annotations') {
      if (!isRecord(child)) out.push({ path: where, message: `must be a map of strings, got ${typeOf(child)}` });
      else
        for (const [k, v] of Object.entries(child))
          if (typeof v !== 'string')
            out.push({ path: join(where, k), message: `must be string, got ${typeOf(v)} ${JSON.stringify(v)}` });
    } else if ((key === 'name' || key === 'namespace') && typeof child !== 'string')
      out.push({ path: where, message: `must be string, got ${typeOf(child)}` });
  }
  return out;
}

/** ", did you mean `x`?" for a known field that differs only in case or by one or two edits. */
function suggest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const hit =
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => editDistance(k.toLowerCase(), lower) <= (k.length >= 5 ? 2 : 1));
  return hit ? `; did you mean "${hit}"?` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
