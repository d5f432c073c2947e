import { emptyRoot } from './hash.js';
import type { NodeReader } from './node-reader.js';
import { rangeHash } from './node-reader.js';
import { consistencyProofRanges, inclusionProofRanges } from './proof-plan.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/** RFC 9162 §2.1.1: the root hash of the first `size` leaves. */
export function treeRoot(reader: NodeReader, size: number): Uint8Array {
  if (!isCount(size)) throw invalidArgument(`${String(size)} is not a tree size`);
  return size === 0 ? emptyRoot() : rangeHash(reader, { start: 0, end: size });
}

/** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function makeInclusionProof(reader: NodeReader, index: number, size: number): Uint8Array[] {
  return inclusionProofRanges(index, size).map((range) => rangeHash(reader, range));
}

/** RFC 9162 §2.1.4.1: the consistency proof from the tree of `size1` leaves to `size2` leaves. */
export function makeConsistencyProof(
  reader: NodeReader,
  size1: number,
  size2: number,
): Uint8Array[] {
  return consistencyProofRanges(size1, size2).map((range) => rangeHash(reader, range));
}
