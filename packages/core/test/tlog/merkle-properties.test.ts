import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SecurityError } from '../../src/errors.js';
import type { ConsistencyCheck, InclusionCheck } from '../../src/tlog/index.js';
import {
  MerkleTree,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/tlog/index.js';

const MAX = 3000;
const tree = new MerkleTree();
for (let i = 0; i < MAX; i += 1) tree.append(new TextEncoder().encode(`entry ${i}`));

function rejects(check: () => void): void {
  assert.throws(check, SecurityError);
}

function inclusionCheck(size: number, pick: number): InclusionCheck {
  const index = pick % size;
  return {
    leafHash: tree.readNode(0, index),
    index,
    treeSize: size,
    proof: tree.inclusionProof(index, size),
    rootHash: tree.root(size),
  };
}

function consistencyCheck(a: number, b: number): ConsistencyCheck {
  const [size1, size2] = a <= b ? [a, b] : [b, a];
  const proof = tree.consistencyProof(size1, size2);
  return { size1, size2, root1: tree.root(size1), root2: tree.root(size2), proof };
}

function flipBit(proof: readonly Uint8Array[], which: number, bit: number): Uint8Array[] {
  const copy = proof.map((hash) => hash.slice());
  const target = copy[which % copy.length] as Uint8Array;
  const byte = Math.floor(bit / 8) % 32;
  target[byte] = (target[byte] ?? 0) ^ (1 << (bit % 8));
  return copy;
}

/** Every proof variant an attacker could try by adding, dropping or repeating hashes. */
function reshaped(proof: readonly Uint8Array[], junk: Uint8Array, at: number): Uint8Array[][] {
  const i = at % (proof.length + 1);
  const variants = [
    [...proof.slice(0, i), junk, ...proof.slice(i)],
    [...proof, junk],
    [junk, ...proof],
  ];
  if (proof.length > 0) {
    const j = at % proof.length;
    variants.push(
      proof.slice(0, -1),
      proof.slice(1),
      proof.filter((_, k) => k !== j),
    );
    variants.push([...proof.slice(0, j + 1), ...proof.slice(j)]);
  }
  return variants;
}

const size = fc.integer({ min: 1, max: MAX });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('every honest inclusion proof verifies and implies the root', () => {
  fc.assert(
    fc.property(size, fc.nat(), (n, pick) => {
      const check = inclusionCheck(n, pick);
      verifyInclusion(check);
      assert.deepEqual(rootFromInclusionProof(check), check.rootHash);
    }),
    { numRuns: 300 },
  );
});

test('an inclusion proof with any bit flipped fails', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: MAX }), fc.nat(), fc.nat(), fc.nat(255), (n, p, w, b) => {
      const check = inclusionCheck(n, p);
      rejects(() => verifyInclusion({ ...check, proof: flipBit(check.proof, w, b) }));
      const leafHash = flipBit([check.leafHash], 0, b)[0] as Uint8Array;
      rejects(() => verifyInclusion({ ...check, leafHash }));
    }),
    { numRuns: 200 },
  );
});

test('a truncated, extended or reordered inclusion proof fails', () => {
  fc.assert(
    fc.property(size, fc.nat(), hash, fc.nat(), (n, pick, junk, at) => {
      const check = inclusionCheck(n, pick);
      for (const proof of reshaped(check.proof, junk, at)) {
        rejects(() => verifyInclusion({ ...check, proof }));
      }
      if (check.proof.length > 1) {
        rejects(() => verifyInclusion({ ...check, proof: [...check.proof].reverse() }));
      }
    }),
    { numRuns: 200 },
  );
});

test('an inclusion proof fails for another index or another tree', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: MAX }), fc.nat(), fc.nat(), size, (n, p, q, other) => {
      const check = inclusionCheck(n, p);
      const index = (check.index + 1 + (q % (n - 1))) % n;
      rejects(() => verifyInclusion({ ...check, index }));
      if (other !== n && check.index < other) {
        rejects(() => verifyInclusion({ ...check, treeSize: other, rootHash: tree.root(other) }));
      }
    }),
    { numRuns: 200 },
  );
});

test('every honest consistency proof verifies', () => {
  fc.assert(
    fc.property(size, size, (a, b) => verifyConsistency(consistencyCheck(a, b))),
    { numRuns: 300 },
  );
});

test('a consistency proof with any bit flipped fails', () => {
  fc.assert(
    fc.property(size, size, fc.nat(), fc.nat(255), (a, b, which, bit) => {
      fc.pre(a !== b);
      const check = consistencyCheck(a, b);
      rejects(() => verifyConsistency({ ...check, proof: flipBit(check.proof, which, bit) }));
      rejects(() =>
        verifyConsistency({ ...check, root1: flipBit([check.root1], 0, bit)[0] as Uint8Array }),
      );
      rejects(() =>
        verifyConsistency({ ...check, root2: flipBit([check.root2], 0, bit)[0] as Uint8Array }),
      );
    }),
    { numRuns: 200 },
  );
});

test('a truncated, extended or reordered consistency proof fails', () => {
  fc.assert(
    fc.property(size, size, hash, fc.nat(), (a, b, junk, at) => {
      const check = consistencyCheck(a, b);
      for (const proof of reshaped(check.proof, junk, at)) {
        rejects(() => verifyConsistency({ ...check, proof }));
      }
      if (check.proof.length > 1) {
        rejects(() => verifyConsistency({ ...check, proof: [...check.proof].reverse() }));
      }
    }),
    { numRuns: 200 },
  );
});

test('a consistency proof fails for other sizes or swapped roots', () => {
  fc.assert(
    fc.property(size, size, size, (a, b, other) => {
      fc.pre(a !== b);
      const check = consistencyCheck(a, b);
      if (other !== check.size1 && other <= check.size2) {
        rejects(() => verifyConsistency({ ...check, size1: other, root1: tree.root(other) }));
      }
      if (other !== check.size2 && other >= check.size1) {
        rejects(() => verifyConsistency({ ...check, size2: other, root2: tree.root(other) }));
      }
      rejects(() => verifyConsistency({ ...check, root1: check.root2, root2: check.root1 }));
    }),
    { numRuns: 200 },
  );
});

test('every single-bit change of every proof in trees of 7 and 8 leaves fails', () => {
  for (const n of [7, 8]) {
    for (let i = 0; i < n; i += 1) {
      const check = inclusionCheck(n, i);
      for (let w = 0; w < check.proof.length; w += 1) {
        for (let b = 0; b < 256; b += 1) {
          rejects(() => verifyInclusion({ ...check, proof: flipBit(check.proof, w, b) }));
        }
      }
    }
    for (let m = 1; m < n; m += 1) {
      const check = consistencyCheck(m, n);
      for (let w = 0; w < check.proof.length; w += 1) {
        for (let b = 0; b < 256; b += 1) {
          rejects(() => verifyConsistency({ ...check, proof: flipBit(check.proof, w, b) }));
        }
      }
    }
  }
});
