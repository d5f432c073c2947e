import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '../../src/errors.js';
import type { NodeReader } from '../../src/tlog/index.js';
import {
  CompactRange,
  MerkleTree,
  consistencyProofRanges,
  emptyRoot,
  inclusionProofRanges,
  leafHash,
  makeConsistencyProof,
  makeInclusionProof,
  nodesForRanges,
  rangeNodes,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/tlog/index.js';

function syntheticLeaf(i: number): Uint8Array {
  const hash = new Uint8Array(32);
  new DataView(hash.buffer).setFloat64(0, i);
  return hash;
}

function usageError(run: () => unknown): void {
  assert.throws(run, (error) => error instanceof PatchcastError && error.code === 'INVALID_INPUT');
}

test('a million-leaf tree answers proofs in milliseconds', () => {
  const size = 1_000_000;
  const tree = new MerkleTree();
  for (let i = 0; i < size; i += 1) tree.appendLeafHash(syntheticLeaf(i));
  const root = tree.root();
  const started = performance.now();
  for (let i = 0; i < 100; i += 1) {
    const index = (i * 9_973) % size;
    const proof = tree.inclusionProof(index);
    verifyInclusion({
      leafHash: syntheticLeaf(index),
      index,
      treeSize: size,
      proof,
      rootHash: root,
    });
    const old = 1 + ((i * 7_919) % (size - 1));
    const consistency = tree.consistencyProof(old);
    verifyConsistency({
      size1: old,
      size2: size,
      root1: tree.root(old),
      root2: root,
      proof: consistency,
    });
  }
  const perRound = (performance.now() - started) / 100;
  assert.ok(perRound < 10, `${perRound.toFixed(2)} ms per proof round`);
});

test('the compact range tracks the root and can be restored from its hashes', () => {
  const tree = new MerkleTree();
  const range = new CompactRange();
  assert.deepEqual(range.root(), emptyRoot());
  for (let i = 0; i < 70; i += 1) {
    const hash = leafHash(Uint8Array.of(i));
    tree.appendLeafHash(hash);
    range.append(hash);
    assert.deepEqual(range.root(), tree.root());
    const expected = CompactRange.nodes(range.size).map((n) => tree.readNode(n.level, n.index));
    assert.deepEqual(range.hashes, expected);
  }
  const restored = CompactRange.fromHashes(range.size, range.hashes);
  restored.append(leafHash(Uint8Array.of(70)));
  tree.append(Uint8Array.of(70));
  assert.deepEqual(restored.root(), tree.root());
  usageError(() => CompactRange.fromHashes(71, range.hashes));
});

test('proofs can be planned, prefetched and assembled from a plain map of nodes', () => {
  const tree = new MerkleTree();
  for (let i = 0; i < 1000; i += 1) tree.append(Uint8Array.of(i % 256, i >> 8));
  const ranges = [...inclusionProofRanges(613, 999), ...consistencyProofRanges(300, 999)];
  const fetched = new Map(
    nodesForRanges(ranges).map((n) => [`${n.level}/${n.index}`, tree.readNode(n.level, n.index)]),
  );
  const reader: NodeReader = {
    readNode: (level, index) => fetched.get(`${level}/${index}`) ?? assert.fail('not prefetched'),
  };
  assert.deepEqual(makeInclusionProof(reader, 613, 999), tree.inclusionProof(613, 999));
  assert.deepEqual(makeConsistencyProof(reader, 300, 999), tree.consistencyProof(300, 999));
  assert.ok(fetched.size <= 40, `${fetched.size} nodes fetched`);
});

test('ranges decompose into aligned perfect subtrees only', () => {
  assert.deepEqual(rangeNodes({ start: 0, end: 7 }), [
    { level: 2, index: 0 },
    { level: 1, index: 2 },
    { level: 0, index: 6 },
  ]);
  assert.deepEqual(rangeNodes({ start: 8, end: 12 }), [{ level: 2, index: 2 }]);
  usageError(() => rangeNodes({ start: 1, end: 3 }));
  usageError(() => rangeNodes({ start: 4, end: 4 }));
});

test('impossible requests are usage errors, not security errors', () => {
  const tree = MerkleTree.fromLeafHashes([leafHash(Uint8Array.of(1)), leafHash(Uint8Array.of(2))]);
  assert.deepEqual(treeRoot(tree, 0), emptyRoot());
  usageError(() => tree.inclusionProof(2));
  usageError(() => tree.inclusionProof(0, 3));
  usageError(() => tree.consistencyProof(0));
  usageError(() => tree.consistencyProof(2, 1));
  usageError(() => tree.root(-1));
  usageError(() => tree.readNode(1, 1));
  usageError(() => tree.inclusionProof(Number.NaN));
  assert.deepEqual(tree.consistencyProof(2), []);
  assert.throws(() => tree.appendLeafHash(new Uint8Array(31)), RangeError);
});
