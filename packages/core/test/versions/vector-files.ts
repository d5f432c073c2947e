/** Readers for version test vectors ("a < b" lines) and assertions shared by the version tests. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { PatchcastError } from '../../src/errors.js';
import { compareVersions } from '../../src/versions/index.js';

/** ../shared/data/versions beside the repository, located from packages/core/dist/test/versions/. */
export const SHARED_VECTORS = new URL('../../../../../../shared/data/versions/', import.meta.url);
/** packages/core/test/data/versions, from packages/core/dist/test/versions/. */
export const FIXTURES = new URL('../../../test/data/versions/', import.meta.url);

export const RELATIONS = ['<', '=', '>'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface Comparison {
  readonly where: string;
  readonly a: string;
  readonly relation: Relation;
  readonly b: string;
}

function isRelation(value: string | undefined): value is Relation {
  return (RELATIONS as readonly (string | undefined)[]).includes(value);
}

export function hasFile(dir: URL, name: string): boolean {
  return existsSync(new URL(name, dir));
}

export function readText(dir: URL, name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

/** Lines "a <|=|> b"; blank lines and lines starting with '//' are skipped. */
export function readComparisons(dir: URL, name: string): readonly Comparison[] {
  const out: Comparison[] = [];
  readText(dir, name)
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '' || line.startsWith('//')) return;
      const [a, relation, b, ...rest] = line.split(' ');
      const where = `${name}:${index + 1}`;
      if (a === undefined || b === undefined || rest.length > 0 || !isRelation(relation)) {
        throw new Error(`${where}: malformed vector line ${JSON.stringify(line)}`);
      }
      out.push({ where, a, relation, b });
    });
  return out;
}

export function signOf(relation: Relation): number {
  return RELATIONS.indexOf(relation) - 1;
}

/** A description of the failure, or undefined when a ? b and b ? a both hold. */
export function checkComparison(ecosystem: string, c: Comparison): string | undefined {
  const forward = Math.sign(compareVersions(ecosystem, c.a, c.b));
  const backward = Math.sign(compareVersions(ecosystem, c.b, c.a));
  const want = signOf(c.relation);
  if (forward === want && backward === -want) return undefined;
  return `${c.where}: expected ${c.a} ${c.relation} ${c.b}, got ${forward} / reverse ${backward}`;
}

/** Maximal runs of consecutive "x < y", "y < z" lines whose versions all pass keep. */
export function orderedChains(
  comparisons: readonly Comparison[],
  keep: (version: string) => boolean = () => true,
): readonly (readonly string[])[] {
  const chains: string[][] = [];
  let chain: string[] = [];
  for (const c of comparisons) {
    const usable = c.relation === '<' && keep(c.a) && keep(c.b);
    if (usable && chain.at(-1) === c.a) chain.push(c.b);
    else {
      if (chain.length > 1) chains.push(chain);
      chain = usable ? [c.a, c.b] : [];
    }
  }
  if (chain.length > 1) chains.push(chain);
  return chains;
}

/** Deterministic Fisher-Yates shuffle (mulberry32), so that failures reproduce. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const j = ((t ^ (t >>> 14)) >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Asserts that run() throws PatchcastError INVALID_INPUT whose message names the ecosystem. */
export function assertInvalidInput(run: () => unknown, ecosystem: string, label: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof PatchcastError, `${label}: not a PatchcastError`);
    assert.equal(error.code, 'INVALID_INPUT', label);
    assert.ok(error.message.includes(ecosystem), `${label}: message ${error.message}`);
    return true;
  });
}

export function readJson(dir: URL, name: string): unknown {
  return JSON.parse(readText(dir, name));
}

export function asStrings(value: unknown, label: string): readonly string[] {
  assert.ok(Array.isArray(value), `${label}: expected an array`);
  const items: readonly unknown[] = value;
  return items.map((item) => {
    assert.equal(typeof item, 'string', `${label}: expected strings`);
    return String(item);
  });
}

export function member(value: unknown, key: string): unknown {
  assert.ok(typeof value === 'object' && value !== null, `expected an object holding ${key}`);
  return (value as Readonly<Record<string, unknown>>)[key];
}
