import { equalBytes } from '../bytes.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import { proofInvalid } from './tlog-errors.js';
import { half, isCount, isOdd, isPowerOfTwo } from './tree-math.js';

export interface ConsistencyCheck {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree (size2, root2) extends the tree (size1, root1).
 * A proof from the empty tree proves nothing and is refused, as transparency-dev/merkle does:
 * a client with no trusted tree has nothing to check. Throws SecurityError on any failure.
 */
export function verifyConsistency(check: ConsistencyCheck): void {
  const { size1, size2, root1, root2, proof } = check;
  if (!isCount(size1) || !isCount(size2) || size1 > size2) {
    throw proofInvalid(`tree size went from ${String(size1)} to ${String(size2)}`);
  }
  if (size1 === 0) throw proofInvalid('a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length !== 0) throw proofInvalid('equal tree sizes need an empty proof');
    if (!equalBytes(root1, root2)) throw proofInvalid('same tree size, different root hashes');
    return;
  }
  if (proof.length === 0) throw proofInvalid('the consistency proof is empty');
  if ([root1, root2, ...proof].some((hash) => hash.length !== HASH_SIZE)) {
    throw proofInvalid('a consistency proof or root hash is not 32 bytes');
  }
  const [fr, sr] = chainConsistency(size1, size2, isPowerOfTwo(size1) ? [root1, ...proof] : proof);
  if (!equalBytes(fr, root1)) throw proofInvalid('the consistency proof does not match root1');
  if (!equalBytes(sr, root2)) throw proofInvalid('the consistency proof does not match root2');
}

/** RFC 9162 §2.1.4.2 steps 3-7: the old and new roots the path implies. */
function chainConsistency(
  size1: number,
  size2: number,
  path: readonly Uint8Array[],
): [Uint8Array, Uint8Array] {
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw proofInvalid('the consistency proof is too long');
    if (isOdd(fn) || fn === sn) {
      [fr, sr] = [nodeHash(c, fr), nodeHash(c, sr)];
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) throw proofInvalid('the consistency proof is too short');
  return [fr, sr];
}
