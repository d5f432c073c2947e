import { refConsistency, refLeafHash, refPath, refRoot, testEntries } from './reference-merkle.js';
import { toB64 } from './vector-files.js';

/** How many entries the stored vectors cover: all sizes 0..MAX, all indices, all size pairs. */
export const MAX_VECTOR_SIZE = 12;

export interface RootVectors {
  readonly entries: string[];
  readonly roots: string[];
}

export interface InclusionVector {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: string[];
}

export interface ConsistencyVector {
  readonly size1: number;
  readonly size2: number;
  readonly proof: string[];
}

export interface OwnVectors {
  readonly roots: RootVectors;
  readonly inclusion: InclusionVector[];
  readonly consistency: ConsistencyVector[];
}

/** The vectors stored in test/data/tlog, computed by the naive reference only. */
export function buildOwnVectors(): OwnVectors {
  const entries = testEntries(MAX_VECTOR_SIZE);
  const sizes = Array.from({ length: MAX_VECTOR_SIZE }, (_, i) => i + 1);
  return {
    roots: {
      entries: entries.map((entry) => Buffer.from(entry).toString('hex')),
      roots: [0, ...sizes].map((n) => toB64(refRoot(entries.slice(0, n)))),
    },
    inclusion: sizes.flatMap((treeSize) =>
      Array.from({ length: treeSize }, (_, index) => ({
        index,
        treeSize,
        leafHash: toB64(refLeafHash(entries[index] as Uint8Array)),
        proof: refPath(index, entries.slice(0, treeSize)).map(toB64),
      })),
    ),
    consistency: sizes.flatMap((size2) =>
      sizes
        .filter((size1) => size1 <= size2)
        .map((size1) => ({
          size1,
          size2,
          proof: refConsistency(size1, entries.slice(0, size2)).map(toB64),
        })),
    ),
  };
}
