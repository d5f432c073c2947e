import { equalBytes } from '../bytes.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import { proofInvalid } from './tlog-errors.js';
import { half, isCount, isOdd } from './tree-math.js';

export interface InclusionClaim {
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly treeSize: number;
  /** The audit path, leaf sibling first. */
  readonly proof: readonly Uint8Array[];
}

export interface InclusionCheck extends InclusionClaim {
  readonly rootHash: Uint8Array;
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `index` of the tree with `rootHash`.
 * Throws SecurityError on any failure.
 */
export function verifyInclusion(check: InclusionCheck): void {
  const computed = rootFromInclusionProof(check);
  if (check.rootHash.length !== HASH_SIZE || !equalBytes(computed, check.rootHash)) {
    throw proofInvalid(`inclusion proof for leaf ${check.index} does not match the root hash`);
  }
}

/** RFC 9162 §2.1.3.2 steps 1-5 without the final comparison: the root the proof implies. */
export function rootFromInclusionProof(claim: InclusionClaim): Uint8Array {
  const { leafHash, index, treeSize, proof } = claim;
  if (!isCount(index) || !isCount(treeSize) || index >= treeSize) {
    throw proofInvalid(`leaf index ${String(index)} is not in a tree of size ${String(treeSize)}`);
  }
  if (leafHash.length !== HASH_SIZE) throw proofInvalid('the leaf hash is not 32 bytes');
  if (proof.some((hash) => hash.length !== HASH_SIZE)) {
    throw proofInvalid('an inclusion proof hash is not 32 bytes');
  }
  return chainInclusion(leafHash, index, treeSize, proof);
}

function chainInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw proofInvalid('the inclusion proof is too long');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) throw proofInvalid('the inclusion proof is too short');
  return r;
}
