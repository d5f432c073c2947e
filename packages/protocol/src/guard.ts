/**
 * Small hand-written guards for what an idle agent parses: the server's messages on the agent
 * channel and the agent's own state files. zod (with its 64 locale modules, ~10 MiB in an idle
 * agent) stays for the server and the CLI; each guard has a test that it accepts and refuses what
 * the zod schema of the same contract does (docs/PERFORMANCE.md, idle agent).
 *
 * A guard's `safeParse` has zod's shape, so call sites read the same: the first issue names the
 * path of the bad field and what is wrong with it. Objects come out as fresh plain objects:
 * `object` drops keys it does not know (must-ignore), `strictObject` refuses them.
 */
export type Path = readonly (string | number)[];
export interface Issue {
  readonly path: Path;
  readonly message: string;
}
export type GuardResult<T> =
  { success: true; data: T } | { success: false; error: { issues: Issue[] } };

export interface Guard<T> {
  /** The checked value, or a thrown GuardFailure. */
  readonly check: (value: unknown, path: Path) => T;
  safeParse(value: unknown): GuardResult<T>;
}
export interface OptionalGuard<T> extends Guard<T | undefined> {
  readonly optional: true;
}
export type Infer<G> = G extends Guard<infer T> ? T : never;

export class GuardFailure extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

function fail(path: Path, message: string): never {
  throw new GuardFailure({ path, message });
}

export function guard<T>(check: (value: unknown, path: Path) => T): Guard<T> {
  return {
    check,
    safeParse(value) {
      try {
        return { success: true, data: check(value, []) };
      } catch (error) {
        if (!(error instanceof GuardFailure)) throw error;
        return { success: false, error: { issues: [error.issue] } };
      }
    },
  };
}

const received = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

export interface StringRules {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** A further check and what to say when it fails, e.g. `is not an IANA time zone`. */
  readonly refine?: readonly [(value: string) => boolean, string];
}

export function string(rules: StringRules = {}): Guard<string> {
  const { min = 0, max = Infinity, pattern, refine } = rules;
  return guard((value, path) => {
    if (typeof value !== 'string')
      return fail(path, `expected a string, received ${received(value)}`);
    if (value.length < min) return fail(path, `must have at least ${min} characters`);
    if (value.length > max) return fail(path, `must have at most ${max} characters`);
    if (pattern !== undefined && !pattern.test(value))
      return fail(path, `does not match ${String(pattern)}`);
    if (refine !== undefined && !refine[0](value)) return fail(path, refine[1]);
    return value;
  });
}

export interface NumberRules {
  readonly min?: number;
  readonly max?: number;
}

/** A finite number within [min, max]. */
export function number(rules: NumberRules = {}): Guard<number> {
  const { min = -Infinity, max = Infinity } = rules;
  return guard((value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return fail(path, `expected a number, received ${received(value)}`);
    if (value < min) return fail(path, `must be at least ${min}`);
    if (value > max) return fail(path, `must be at most ${max}`);
    return value;
  });
}

/** A safe integer within [min, max]. */
export function int(rules: NumberRules = {}): Guard<number> {
  const inRange = number(rules);
  return guard((value, path) => {
    if (!Number.isSafeInteger(value))
      return fail(path, `expected an integer, received ${received(value)}`);
    return inRange.check(value, path);
  });
}

export function boolean(): Guard<boolean> {
  return guard((value, path) =>
    typeof value === 'boolean'
      ? value
      : fail(path, `expected a boolean, received ${received(value)}`),
  );
}

export function literal<const T extends string | number | boolean>(expected: T): Guard<T> {
  return guard((value, path) =>
    value === expected ? expected : fail(path, `expected ${JSON.stringify(expected)}`),
  );
}

export function oneOf<const T extends readonly string[]>(values: T): Guard<T[number]> {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return guard((value, path) =>
    allowed.has(value)
      ? (value as T[number])
      : fail(path, `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`),
  );
}

/** Any value, but present (as zod's `z.unknown()` in an object). */
export function unknown(): Guard<unknown> {
  return guard((value, path) => (value === undefined ? fail(path, 'is required') : value));
}

export function optional<T>(inner: Guard<T>): OptionalGuard<T> {
  const checked = guard((value, path) =>
    value === undefined ? undefined : inner.check(value, path),
  );
  return { ...checked, optional: true };
}

export function nullable<T>(inner: Guard<T>): Guard<T | null> {
  return guard((value, path) => (value === null ? null : inner.check(value, path)));
}

export function array<T>(item: Guard<T>, rules: NumberRules = {}): Guard<T[]> {
  const { min = 0, max = Infinity } = rules;
  return guard((value, path) => {
    if (!Array.isArray(value)) return fail(path, `expected an array, received ${received(value)}`);
    if (value.length < min) return fail(path, `must have at least ${min} items`);
    if (value.length > max) return fail(path, `must have at most ${max} items`);
    return value.map((v: unknown, i) => item.check(v, [...path, i]));
  });
}

function plainObject(value: unknown, path: Path): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(path, `expected an object, received ${received(value)}`);
  return value as Record<string, unknown>;
}

/** String keys to values of one kind, at most `maxKeys` of them. */
export function record<T>(
  key: Guard<string>,
  item: Guard<T>,
  rules: { readonly maxKeys?: number } = {},
): Guard<Record<string, T>> {
  return guard((value, path) => {
    const entries = Object.entries(plainObject(value, path));
    if (entries.length > (rules.maxKeys ?? Infinity))
      return fail(path, `must have at most ${rules.maxKeys} keys`);
    return Object.fromEntries(
      entries.map(([k, v]) => [key.check(k, [...path, k]), item.check(v, [...path, k])]),
    );
  });
}

type Shape = Readonly<Record<string, Guard<unknown>>>;
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends OptionalGuard<unknown> ? K : never;
}[keyof S];
type Flat<T> = { [K in keyof T]: T[K] };
export type ObjectOf<S extends Shape> = Flat<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    [K in OptionalKeys<S>]?: Infer<S[K]>;
  }
>;

function objectGuard<S extends Shape>(shape: S, strict: boolean): Guard<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return guard((value, path) => {
    const input = plainObject(value, path);
    if (strict) {
      const extra = Object.keys(input).filter((k) => !Object.hasOwn(shape, k));
      if (extra.length > 0)
        return fail(path, `Unrecognized key: ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    }
    const entries: [string, unknown][] = [];
    for (const key of keys) {
      const field = shape[key] as Guard<unknown>;
      const present = Object.hasOwn(input, key);
      const checked = field.check(present ? input[key] : undefined, [...path, key]);
      if (present || checked !== undefined) entries.push([key, checked]);
    }
    return Object.fromEntries(entries) as ObjectOf<S>;
  });
}

/** Known keys checked, unknown keys dropped (a newer peer's additions). */
export function object<S extends Shape>(shape: S): Guard<ObjectOf<S>> {
  return objectGuard(shape, false);
}

/** Known keys checked, unknown keys refused. */
export function strictObject<S extends Shape>(shape: S): Guard<ObjectOf<S>> {
  return objectGuard(shape, true);
}

/** The first option that accepts the value; else the issue found deepest (the likeliest meant). */
export function union<const G extends readonly Guard<unknown>[]>(
  options: G,
): Guard<Infer<G[number]>> {
  return guard((value, path) => {
    let last: GuardFailure | undefined;
    for (const option of options) {
      try {
        return option.check(value, path) as Infer<G[number]>;
      } catch (error) {
        if (!(error instanceof GuardFailure)) throw error;
        if (last === undefined || error.issue.path.length > last.issue.path.length) last = error;
      }
    }
    throw last ?? new GuardFailure({ path, message: 'matches no option' });
  });
}

/** Objects told apart by a string field (`type`): each kind's guard checks the whole object. */
export function discriminated<const M extends Readonly<Record<string, Guard<object>>>>(
  key: string,
  kinds: M,
): Guard<Infer<M[keyof M]>> & { readonly kinds: readonly string[] } {
  const checked = guard((value, path) => {
    const kind = plainObject(value, path)[key];
    if (typeof kind !== 'string' || !Object.hasOwn(kinds, kind))
      return fail([...path, key], `expected one of ${Object.keys(kinds).join(', ')}`);
    return (kinds[kind] as Guard<object>).check(value, path) as Infer<M[keyof M]>;
  });
  return { ...checked, kinds: Object.keys(kinds) };
}
