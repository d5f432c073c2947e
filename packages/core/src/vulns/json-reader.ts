/** Typed reads from untrusted JSON values; each failure names the JSON path and the reason. */
import { InputProblem } from './input-problem.js';

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a number", "an array", "null": what a value is, for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function expected(path: string, what: string, value: unknown): InputProblem {
  return new InputProblem(path, `expected ${what}, found ${describeValue(value)}`);
}

export function asRecord(value: unknown, path: string): JsonRecord {
  if (!isRecord(value)) throw expected(path, 'an object', value);
  return value;
}

export function asArray(value: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) throw expected(path, 'an array', value);
  const items: readonly unknown[] = value;
  if (items.length > max) throw new InputProblem(path, `more than ${max} items (${items.length})`);
  return items;
}

export function asString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== 'string') throw expected(path, 'a string', value);
  if (value.length > maxLength) {
    throw new InputProblem(path, `longer than ${maxLength} characters (${value.length})`);
  }
  return value;
}

export function asNonEmptyString(value: unknown, path: string, maxLength: number): string {
  const text = asString(value, path, maxLength);
  if (text.trim() === '') throw new InputProblem(path, 'must not be empty');
  return text;
}

export function requiredField(record: JsonRecord, key: string, path: string): unknown {
  const value = record[key];
  if (value === undefined) throw new InputProblem(childPath(path, key), 'is required');
  return value;
}

export function optionalRecord(
  record: JsonRecord,
  key: string,
  path: string,
): JsonRecord | undefined {
  const value = record[key];
  return value === undefined ? undefined : asRecord(value, childPath(path, key));
}

export function optionalString(
  record: JsonRecord,
  key: string,
  path: string,
  maxLength: number,
): string | undefined {
  const value = record[key];
  return value === undefined ? undefined : asString(value, childPath(path, key), maxLength);
}

export function optionalArray(
  record: JsonRecord,
  key: string,
  path: string,
  max: number,
): readonly unknown[] {
  const value = record[key];
  return value === undefined ? [] : asArray(value, childPath(path, key), max);
}

export function stringArray(
  record: JsonRecord,
  key: string,
  path: string,
  limits: { readonly items: number; readonly length: number },
): readonly string[] {
  const at = childPath(path, key);
  return optionalArray(record, key, path, limits.items).map((item, i) =>
    asNonEmptyString(item, childPath(at, i), limits.length),
  );
}
