// Typed readers for untyped manifest values: each takes the field path so a wrong type is
// reported where it is (`spec.replicas: Invalid value: "two": must be an integer`).
import { InvalidFieldError, MissingFieldError } from './errors.ts';

export type UnknownRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function optionalRecord(value: unknown, path: string): UnknownRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new InvalidFieldError(path, value, 'must be an object');
  return value;
}

export function requiredRecord(value: unknown, path: string, fix: string): UnknownRecord {
  const record = optionalRecord(value, path);
  if (record === undefined) throw new MissingFieldError(path, fix);
  return record;
}

export function optionalArray(value: unknown, path: string): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidFieldError(path, value, 'must be a list');
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidFieldError(path, value, 'must be a string');
  return value;
}

export function requiredString(value: unknown, path: string, fix: string): string {
  const s = optionalString(value, path);
  if (s === undefined || s === '') throw new MissingFieldError(path, fix);
  return s;
}

export function optionalInt(value: unknown, path: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new InvalidFieldError(path, value, 'must be an integer');
  if (value < min) throw new InvalidFieldError(path, value, `must be greater than or equal to ${min}`);
  return value;
}

export function optionalBool(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidFieldError(path, value, 'must be true or false');
  return value;
}

/** A map of string to string, e.g. labels or a selector. */
export function stringMap(value: unknown, path: string): Readonly<Record<string, string>> {
  const record = optionalRecord(value, path);
  if (record === undefined) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) {
    if (typeof v !== 'string')
      throw new InvalidFieldError(child(path, key), v, 'must be a string (quote numbers and booleans)');
    out[key] = v;
  }
  return out;
}
