import { hash } from 'node:crypto';

/** SHA-256 output size; RFC 9162 §2.1 with SHA-256, as C2SP tlog-tiles requires. */
export const HASH_SIZE = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(sha256Buffer(data));
}

/** SHA-256 as a Node Buffer, for internal hot paths that copy the result anyway. */
export function sha256Buffer(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer');
}

/** RFC 9162 §2.1.1: MTH({}) = HASH(), the root of the empty tree. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input.set(entry, 1);
  return sha256(input);
}

/** RFC 9162 §2.1.1: HASH(0x01 || left || right) for an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}
