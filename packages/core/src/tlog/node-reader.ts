import { nodeHash } from './hash.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount, isPowerOfTwo, largestPowerOfTwoBelow, log2Floor } from './tree-math.js';

/** A perfect subtree: `level` L and `index` N cover the leaves [N * 2^L, (N + 1) * 2^L). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Reads stored hashes of perfect subtrees; level 0 holds leaf hashes. A server backs this with an
 * in-memory tree, a table of node hashes, or tiles (see tileNodeReader), so that proofs never
 * re-hash the whole log.
 */
export interface NodeReader {
  readNode(level: number, index: number): Uint8Array;
}

/** The leaves [start, end) of the log. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The perfect subtrees that make up MTH(D[start:end]), left to right, following the split of
 * RFC 9162 §2.1.1. The range must be a subtree of some tree version: every left part aligned.
 */
export function rangeNodes(range: LeafRange): NodeId[] {
  const { start, end } = range;
  if (!isCount(start) || !isCount(end) || start >= end) {
    throw invalidArgument(`[${String(start)}, ${String(end)}) is not a non-empty leaf range`);
  }
  const nodes: NodeId[] = [];
  for (let at = start; at < end;) {
    const width = isPowerOfTwo(end - at) ? end - at : largestPowerOfTwoBelow(end - at);
    if (at % width !== 0) {
      throw invalidArgument(`[${String(start)}, ${String(end)}) is not a Merkle subtree`);
    }
    nodes.push({ level: log2Floor(width), index: at / width });
    at += width;
  }
  return nodes;
}

/** MTH(D[start:end]) from stored perfect-subtree hashes: RFC 9162 §2.1.1, folded from the right. */
export function rangeHash(reader: NodeReader, range: LeafRange): Uint8Array {
  const hashes = rangeNodes(range).map((node) => reader.readNode(node.level, node.index));
  let hash = hashes.pop();
  if (hash === undefined) throw invalidArgument('empty leaf range');
  for (let i = hashes.length - 1; i >= 0; i -= 1) hash = nodeHash(hashes[i] as Uint8Array, hash);
  return hash;
}
