import { leafHash } from './hash.js';
import { HashList } from './hash-list.js';
import { makeConsistencyProof, makeInclusionProof, treeRoot } from './make-proof.js';
import type { NodeReader } from './node-reader.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/**
 * An append-only RFC 9162 Merkle tree held in memory. It stores every perfect-subtree hash
 * (one list per level, about 64 bytes per leaf in all), so roots and proofs for the current or
 * any earlier size cost O(log^2 n) hash reads and O(log n) hashing.
 */
export class MerkleTree implements NodeReader {
  readonly #levels: HashList[] = [new HashList()];

  static fromLeafHashes(hashes: readonly Uint8Array[]): MerkleTree {
    const tree = new MerkleTree();
    for (const hash of hashes) tree.appendLeafHash(hash);
    return tree;
  }

  get size(): number {
    return (this.#levels[0] as HashList).length;
  }

  /** Appends an entry (hashed per RFC 9162 §2.1.1) and returns its index. */
  append(entry: Uint8Array): number {
    return this.appendLeafHash(leafHash(entry));
  }

  /** Appends an already computed leaf hash and returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    const index = this.size;
    (this.#levels[0] as HashList).push(hash);
    let level = 0;
    for (let i = index; i % 2 === 1; i = (i - 1) / 2) {
      const parent = this.#level(level).pairHash(i - 1);
      level += 1;
      this.#level(level).push(parent);
    }
    return index;
  }

  readNode(level: number, index: number): Uint8Array {
    const hash = this.#levels[level]?.at(index);
    if (hash === undefined) {
      throw invalidArgument(`node ${String(level)}/${String(index)} is not in the tree`);
    }
    return hash;
  }

  root(size = this.size): Uint8Array {
    return treeRoot(this, this.#checkSize(size));
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return makeInclusionProof(this, index, this.#checkSize(size));
  }

  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    return makeConsistencyProof(this, size1, this.#checkSize(size2));
  }

  #level(level: number): HashList {
    while (this.#levels.length <= level) this.#levels.push(new HashList());
    return this.#levels[level] as HashList;
  }

  #checkSize(size: number): number {
    if (!isCount(size) || size > this.size) {
      throw invalidArgument(`tree size ${String(size)} is beyond the ${this.size} leaves held`);
    }
    return size;
  }
}
