import type { LeafRange, NodeId } from './node-reader.js';
import { rangeNodes } from './node-reader.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount, largestPowerOfTwoBelow } from './tree-math.js';

/**
 * The subtrees whose hashes form the inclusion proof of leaf `index` in a tree of `size` leaves,
 * leaf sibling first: PATH(m, D[n]) of RFC 9162 §2.1.3.1.
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!isCount(index) || !isCount(size) || index >= size) {
    throw invalidArgument(`no leaf ${String(index)} in a tree of size ${String(size)}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    if (index < start + k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes form the consistency proof from `size1` to `size2`:
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1. Empty when the sizes are equal.
 */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  if (!isCount(size1) || !isCount(size2) || size1 < 1 || size1 > size2) {
    throw invalidArgument(`no consistency proof from size ${String(size1)} to ${String(size2)}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size2;
  let wholeOldTree = true;
  while (size1 !== end) {
    const k = largestPowerOfTwoBelow(end - start);
    if (size1 - start <= k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      wholeOldTree = false;
    }
  }
  if (!wholeOldTree) ranges.push({ start, end });
  return ranges.reverse();
}

/** Every stored node a proof over `ranges` reads, without duplicates: what to fetch in advance. */
export function nodesForRanges(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const node of ranges.flatMap(rangeNodes)) seen.set(`${node.level}/${node.index}`, node);
  return [...seen.values()];
}
