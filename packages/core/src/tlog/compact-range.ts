import { HASH_SIZE, emptyRoot, nodeHash } from './hash.js';
import type { NodeId } from './node-reader.js';
import { rangeNodes } from './node-reader.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/**
 * The compact range [0, size) (transparency-dev/merkle `compact`): the hashes of the perfect
 * subtrees that the tree of `size` leaves decomposes into, largest first. It is all a log writer
 * must keep to append leaves and compute new roots without re-reading older hashes.
 */
export class CompactRange {
  readonly #hashes: Uint8Array[] = [];
  #size = 0;

  /** Restores a range from stored hashes: one per node of `CompactRange.nodes(size)`. */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!isCount(size)) throw invalidArgument(`${String(size)} is not a tree size`);
    const expected = size === 0 ? 0 : CompactRange.nodes(size).length;
    if (hashes.length !== expected) {
      throw invalidArgument(`a compact range of size ${String(size)} has ${expected} hashes`);
    }
    if (hashes.some((hash) => hash.length !== HASH_SIZE)) throw invalidArgument('bad hash size');
    const range = new CompactRange();
    range.#hashes.push(...hashes.map((hash) => hash.slice()));
    range.#size = size;
    return range;
  }

  /** The perfect subtrees making up [0, size), largest first. */
  static nodes(size: number): NodeId[] {
    return rangeNodes({ start: 0, end: size });
  }

  get size(): number {
    return this.#size;
  }

  get hashes(): Uint8Array[] {
    return this.#hashes.map((hash) => hash.slice());
  }

  /** Appends one leaf hash, merging equal-sized subtrees (RFC 9162 §2.1.1). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw invalidArgument('a leaf hash must be 32 bytes');
    let hash: Uint8Array = leafHash.slice();
    for (let n = this.#size; n % 2 === 1; n = (n - 1) / 2) {
      hash = nodeHash(this.#hashes.pop() as Uint8Array, hash);
    }
    this.#hashes.push(hash);
    this.#size += 1;
  }

  /** RFC 9162 §2.1.1: MTH of the range, folding the subtrees from the right. */
  root(): Uint8Array {
    let hash = this.#hashes.at(-1);
    if (hash === undefined) return emptyRoot();
    for (let i = this.#hashes.length - 2; i >= 0; i -= 1) {
      hash = nodeHash(this.#hashes[i] as Uint8Array, hash);
    }
    return hash;
  }
}

/** RFC 9162 §2.1.1: the root of a tree given all its leaf hashes, in O(log n) memory. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  const range = new CompactRange();
  for (const hash of leafHashes) range.append(hash);
  return range.root();
}
