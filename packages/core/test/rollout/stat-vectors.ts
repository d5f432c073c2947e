import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FailureCounts } from '../../src/rollout/index.js';

/** Reference values made by data/make-stat-vectors.py with SciPy (an independent implementation). */
export interface StatVectors {
  readonly source: string;
  readonly fisherGreater: readonly (FailureCounts & { readonly p: number })[];
  readonly mannWhitneyGreater: readonly {
    readonly first: number[];
    readonly second: number[];
    readonly method: 'exact' | 'normal';
    readonly u: number;
    readonly p: number;
  }[];
  readonly hodgesLehmann: readonly { first: number[]; second: number[]; shift: number }[];
  readonly normal: readonly { x: number; cdf: number; upper: number }[];
}

const FILE = fileURLToPath(
  new URL('../../../test/rollout/data/stat-vectors.json', import.meta.url),
);

export const VECTORS = JSON.parse(readFileSync(FILE, 'utf8')) as StatVectors;

/** |actual - expected| within a relative tolerance, or an absolute one near zero. */
export function close(actual: number, expected: number, relative: number, absolute = 0): boolean {
  return Math.abs(actual - expected) <= Math.max(absolute, relative * Math.abs(expected));
}
