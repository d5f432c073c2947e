/** Small guards for reading untrusted JSON; every failure is SECURITY_METADATA_MALFORMED. */
import { SecurityError } from '../errors.js';

export type Obj = Record<string, unknown>;

export function fail(message: string): never {
  throw new SecurityError('SECURITY_METADATA_MALFORMED', message);
}

export function obj(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${where} must be an object`);
  return value as Obj;
}

/** Maps an object's own entries; Object.fromEntries keeps a "__proto__" name as a plain key. */
export function mapValues<T>(
  record: Obj,
  parse: (value: unknown, name: string) => T,
): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([name, v]) => [name, parse(v, name)]));
}

export function str(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(`${where} must be a string`);
  return value;
}

export function int(value: unknown, where: string, min = 0): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    fail(`${where} must be an integer >= ${min}`);
  return value as number;
}
