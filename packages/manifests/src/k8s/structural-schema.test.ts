// The structural-schema walker on small schemas: each Kubernetes extension it honours, and the
// strictness (unknown fields refused) that a plain JSON Schema validator would not give.
import { describe, expect, it } from 'vitest';
import { validateStructural, type StructuralSchema } from './structural-schema.ts';

const messages = (schema: StructuralSchema, value: unknown, root = false): string[] =>
  validateStructural(schema, value, '', { root }).map((p) => `${p.path}: ${p.message}`);

const port: StructuralSchema = {
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
};

describe('validateStructural', () => {
  it('refuses unknown fields, suggesting the declared one a typo away', () => {
    const schema: StructuralSchema = { type: 'object', properties: { interval: { type: 'string' } } };
    expect(messages(schema, { intervall: '30s' })).toEqual([
      'intervall: unknown field (the API server prunes it); did you mean "interval"?',
    ]);
    expect(messages(schema, { other: 1 })).toEqual(['other: unknown field (the API server prunes it)']);
  });

  it('accepts unknown fields under x-kubernetes-preserve-unknown-fields, still checking declared ones', () => {
    const schema: StructuralSchema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { replicas: { type: 'integer' } },
    };
    expect(messages(schema, { anything: { deep: [1] }, replicas: 2 })).toEqual([]);
    expect(messages(schema, { replicas: '2' })).toEqual(['replicas: must be integer, got string "2"']);
  });

  it('reads additionalProperties as a schema for map values, or as a switch', () => {
    const labels: StructuralSchema = { type: 'object', additionalProperties: { type: 'string' } };
    expect(messages(labels, { team: 'payments' })).toEqual([]);
    expect(messages(labels, { replicas: 3 })).toEqual(['replicas: must be string, got integer 3']);
    expect(messages({ type: 'object', additionalProperties: true }, { any: 1 })).toEqual([]);
  });

  it('takes x-kubernetes-int-or-string as the type (integer or string, nothing else)', () => {
    expect(messages(port, 8080)).toEqual([]);
    expect(messages(port, 'http')).toEqual([]);
    expect(messages(port, 1.5)).toEqual(['(root): must be integer or string, got number 1.5']);
    expect(messages(port, true)).toEqual(['(root): must be integer or string, got boolean true']);
  });

  it('refuses null unless the schema is nullable (the API server prunes it)', () => {
    expect(messages({ type: 'string' }, null)).toEqual(['(root): is null, which the API server prunes (not nullable)']);
    expect(messages({ type: 'string', nullable: true }, null)).toEqual([]);
  });

  it('checks required fields, enums, patterns, bounds and array items', () => {
    const schema: StructuralSchema = {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        phase: { type: 'string', enum: ['Running', 'Paused'] },
        count: { type: 'integer', minimum: 1 },
        ratio: { type: 'number' },
        items: { type: 'array', maxItems: 2, items: { type: 'integer' } },
      },
    };
    expect(messages(schema, { name: 'ok', phase: 'Paused', count: 1, ratio: 1, items: [1] })).toEqual([]);
    expect(messages(schema, { phase: 'Done', count: 0, items: [1, 'b', 3] })).toEqual([
      'name: is required',
      'phase: "Done" is not one of ["Running","Paused"]',
      'count: 0 is below the minimum 1',
      'items: has more than 2 items',
      'items[1]: must be integer, got string "b"',
    ]);
    expect(messages(schema, { name: 'Payments' })).toEqual([
      'name: "Payments" does not match ^[a-z]+$',
      'name: longer than 5',
    ]);
  });

  it('leaves a pattern JavaScript cannot compile unchecked instead of failing', () => {
    expect(messages({ type: 'string', pattern: '(?P<name>x' }, 'y')).toEqual([]);
  });

  it('treats a whole object (root) and embedded resources as apiVersion/kind/ObjectMeta', () => {
    const schema: StructuralSchema = { type: 'object', properties: { spec: { type: 'object' } } };
    const object = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a', labels: { a: 'b' } }, spec: {} };
    expect(messages(schema, object, true)).toEqual([]);
    expect(messages(schema, { ...object, metadata: { name: 'a', labels: { a: 1 }, lables: {} } }, true)).toEqual([
      'metadata.labels.a: must be string, got integer 1',
      'metadata.lables: unknown field (the API server prunes it); did you mean "labels"?',
    ]);
    expect(messages(schema, object)).toContain('apiVersion: unknown field (the API server prunes it)');
    expect(messages({ ...schema, 'x-kubernetes-embedded-resource': true }, object)).toEqual([]);
  });
});
