import { MerkleTree } from './merkle-tree.js';

/** RFC 9162 §2.1.3.1 over a plain list of leaf hashes: the proof of leaf `index` at `size`. */
export function inclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  size = leafHashes.length,
): Uint8Array[] {
  return MerkleTree.fromLeafHashes(leafHashes.slice(0, size)).inclusionProof(index, size);
}

/** RFC 9162 §2.1.4.1 over a plain list of leaf hashes: the proof from `size1` to `size2`. */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2 = leafHashes.length,
): Uint8Array[] {
  return MerkleTree.fromLeafHashes(leafHashes.slice(0, size2)).consistencyProof(size1, size2);
}
