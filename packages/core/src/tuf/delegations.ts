/**
 * Delegated targets roles (spec §4.5 "delegations"): a targets role names other roles, their keys
 * and thresholds, and which target paths each may sign for. Parsing, path matching (spec §5.6.7.2)
 * and the overlap check publishers use.
 */
import type { TufKey } from '../keys.js';
import { sha256Hex } from '../bytes.js';
import { fail, mapValues, obj, str } from './json-guards.js';
import type { Obj } from './json-guards.js';
import { parseKey, parseRoleKeys } from './role-keys.js';
import type { RoleKeys } from './role-keys.js';

export interface DelegatedRole extends RoleKeys {
  readonly name: string;
  readonly terminating: boolean;
  /** Path patterns; `*` and `?` match within one `/`-separated segment (spec §5.6.7.2). */
  readonly paths?: readonly string[];
  readonly path_hash_prefixes?: readonly string[];
}

export interface Delegations {
  readonly keys: Readonly<Record<string, TufKey>>;
  readonly roles: readonly DelegatedRole[];
}

const TOP_LEVEL_NAMES = new Set(['root', 'timestamp', 'snapshot', 'targets']);

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(`${where} must be an array`);
  return value.map((item, i) => str(item, `${where}[${i}]`));
}

function parseDelegatedRole(value: unknown, where: string): DelegatedRole {
  const role = obj(value, where);
  const name = str(role.name, `${where}.name`);
  if (TOP_LEVEL_NAMES.has(name)) fail(`${where}.name may not be the top-level role "${name}"`);
  if (typeof role.terminating !== 'boolean') fail(`${where}.terminating must be a boolean`);
  if (role.paths !== undefined && role.path_hash_prefixes !== undefined)
    fail(`${where} has both paths and path_hash_prefixes`);
  return {
    name,
    terminating: role.terminating,
    ...parseRoleKeys(role, where),
    ...(role.paths === undefined ? {} : { paths: strings(role.paths, `${where}.paths`) }),
    ...(role.path_hash_prefixes === undefined
      ? {}
      : { path_hash_prefixes: strings(role.path_hash_prefixes, `${where}.path_hash_prefixes`) }),
  };
}

export function parseDelegations(value: unknown): Delegations {
  const delegations: Obj = obj(value, 'delegations');
  const keys = mapValues(obj(delegations.keys, 'delegations.keys'), (key, id) =>
    parseKey(key, `delegations.keys.${id}`),
  );
  if (!Array.isArray(delegations.roles)) fail('delegations.roles must be an array');
  const roles = delegations.roles.map((role, i) =>
    parseDelegatedRole(role, `delegations.roles[${i}]`),
  );
  if (new Set(roles.map((r) => r.name)).size !== roles.length)
    fail('delegations.roles has duplicate names');
  return { keys, roles };
}

/** One segment of a path pattern (fnmatch, as python-tuf; minimatch per segment, as tuf-js). */
function segmentMatches(pattern: string, text: string): boolean {
  const memo = new Map<number, boolean>();
  const at = (p: number, t: number): boolean => {
    const key = p * (text.length + 1) + t;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (p === pattern.length) result = t === text.length;
    else if (pattern[p] === '*') result = at(p + 1, t) || (t < text.length && at(p, t + 1));
    else
      result =
        t < text.length && (pattern[p] === '?' || pattern[p] === text[t]) && at(p + 1, t + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

/** §5.6.7.2: is `path` one that `role` may sign for? */
export function isDelegatedPath(role: DelegatedRole, path: string): boolean {
  if (role.paths !== undefined) {
    const parts = path.split('/');
    return role.paths.some((pattern) => {
      const segments = pattern.split('/');
      return (
        segments.length === parts.length &&
        segments.every((segment, i) => segmentMatches(segment, parts[i] ?? ''))
      );
    });
  }
  if (role.path_hash_prefixes !== undefined) {
    const digest = sha256Hex(new TextEncoder().encode(path));
    return role.path_hash_prefixes.some((prefix) => digest.startsWith(prefix));
  }
  return false;
}

/** Whether some segment text matches both segment patterns (`*`, `?` and literals only). */
function segmentsIntersect(a: string, b: string): boolean {
  const seen = new Set<number>();
  const visit = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    if (a[i] === '*' && visit(i + 1, j)) return true;
    if (b[j] === '*' && visit(i, j + 1)) return true;
    const x = a[i];
    const y = b[j];
    if (x === undefined || y === undefined) return false;
    const wild = (c: string) => c === '*' || c === '?';
    if (!wild(x) && !wild(y) && x !== y) return false;
    if (x === '*' && y === '*') return false; // covered by skipping one of them
    return visit(x === '*' ? i : i + 1, y === '*' ? j : j + 1);
  };
  return visit(0, 0);
}

/** Whether some target path matches both path patterns. */
export function pathPatternsOverlap(a: string, b: string): boolean {
  const [x, y] = [a.split('/'), b.split('/')];
  return x.length === y.length && x.every((segment, i) => segmentsIntersect(segment, y[i] ?? ''));
}
