import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  MerkleTree,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  merkleRoot,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/tlog/index.js';
import type { OwnVectors } from './own-vectors.js';
import { MAX_VECTOR_SIZE, buildOwnVectors } from './own-vectors.js';
import {
  refConsistency,
  refLeafHash,
  refNode,
  refPath,
  refRoot,
  testEntries,
} from './reference-merkle.js';
import { OWN_VECTORS, b64, readJson, toB64 } from './vector-files.js';

const stored: OwnVectors = {
  roots: readJson(join(OWN_VECTORS, 'roots.json')) as OwnVectors['roots'],
  inclusion: readJson(join(OWN_VECTORS, 'inclusion.json')) as OwnVectors['inclusion'],
  consistency: readJson(join(OWN_VECTORS, 'consistency.json')) as OwnVectors['consistency'],
};
const entries = stored.roots.entries.map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));
const tree = new MerkleTree();
for (const entry of entries) tree.append(entry);

test('stored vectors are exactly what the naive reference computes', () => {
  assert.equal(entries.length, MAX_VECTOR_SIZE);
  assert.deepEqual(stored, buildOwnVectors());
});

test('roots for sizes 1-8 match the RFC 6962 roots published by transparency-dev/merkle', () => {
  const published = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const roots = stored.roots.roots.slice(1, 9).map((r) => Buffer.from(b64(r)).toString('hex'));
  assert.deepEqual(roots, published);
  assert.equal(toB64(emptyRoot()), stored.roots.roots[0]);
});

test('MerkleTree, merkleRoot and the list functions reproduce every stored root', () => {
  const leafHashes = entries.map(leafHash);
  stored.roots.roots.forEach((root, size) => {
    assert.equal(toB64(tree.root(size)), root, `tree root at ${size}`);
    assert.equal(toB64(merkleRoot(leafHashes.slice(0, size))), root, `merkleRoot at ${size}`);
  });
});

test('stored inclusion proofs: produced identically and verified', () => {
  const leafHashes = entries.map(leafHash);
  for (const v of stored.inclusion) {
    const rootHash = b64(stored.roots.roots[v.treeSize] as string);
    const proof = v.proof.map(b64);
    assert.deepEqual(tree.inclusionProof(v.index, v.treeSize).map(toB64), v.proof);
    assert.deepEqual(inclusionProof(leafHashes, v.index, v.treeSize).map(toB64), v.proof);
    const claim = { leafHash: b64(v.leafHash), index: v.index, treeSize: v.treeSize, proof };
    assert.deepEqual(rootFromInclusionProof(claim), rootHash);
    verifyInclusion({ ...claim, rootHash });
  }
  assert.equal(stored.inclusion.length, (MAX_VECTOR_SIZE * (MAX_VECTOR_SIZE + 1)) / 2);
});

test('stored consistency proofs: produced identically and verified', () => {
  const leafHashes = entries.map(leafHash);
  for (const v of stored.consistency) {
    assert.deepEqual(tree.consistencyProof(v.size1, v.size2).map(toB64), v.proof);
    assert.deepEqual(consistencyProof(leafHashes, v.size1, v.size2).map(toB64), v.proof);
    const [root1, root2] = [v.size1, v.size2].map((n) => b64(stored.roots.roots[n] as string));
    verifyConsistency({
      ...v,
      root1: root1 as Uint8Array,
      root2: root2 as Uint8Array,
      proof: v.proof.map(b64),
    });
  }
});

test('every size up to 40 agrees with the naive reference', () => {
  const many = testEntries(40);
  const big = new MerkleTree();
  for (const entry of many) big.append(entry);
  for (let n = 1; n <= many.length; n += 1) {
    const prefix = many.slice(0, n);
    assert.deepEqual(big.root(n), refRoot(prefix));
    for (let m = 0; m < n; m += 1) assert.deepEqual(big.inclusionProof(m, n), refPath(m, prefix));
    for (let m = 1; m <= n; m += 1) {
      assert.deepEqual(big.consistencyProof(m, n), refConsistency(m, prefix));
    }
  }
});

test('the 7-entry example of C2SP merkle-tree gives the documented proofs', () => {
  const d = testEntries(7);
  type Seven = [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const [a, b, c, dd, e, f, g] = d.map(refLeafHash) as Seven;
  const [h, i, j] = [refNode(a, b), refNode(c, dd), refNode(e, f)];
  const [k, l] = [refNode(h, i), refNode(j, g)];
  const seven = MerkleTree.fromLeafHashes(d.map(leafHash));
  assert.deepEqual(seven.root(), refNode(k, l));
  assert.deepEqual(seven.inclusionProof(0), [b, i, l]);
  assert.deepEqual(seven.inclusionProof(3), [c, h, l]);
  assert.deepEqual(seven.inclusionProof(4), [f, g, k]);
  assert.deepEqual(seven.inclusionProof(6), [j, k]);
  assert.deepEqual(seven.consistencyProof(3), [c, dd, h, l]);
  assert.deepEqual(seven.consistencyProof(4), [l]);
  assert.deepEqual(seven.consistencyProof(6), [j, g, k]);
});
