import { HASH_SIZE, sha256Buffer } from './hash.js';

/** Hashes per storage chunk; even, so that a pair of siblings never straddles two chunks. */
const CHUNK_HASHES = 1024;
const PAIR_INPUT = new Uint8Array(1 + 2 * HASH_SIZE);
PAIR_INPUT[0] = 0x01;

/**
 * A growable list of 32-byte hashes in fixed-size chunks: no per-hash objects and no copying
 * on growth. Bytes are copied by loop, which V8 runs far faster than `set` for 32 bytes.
 */
export class HashList {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new RangeError('a hash must be 32 bytes');
    const offset = (this.#length % CHUNK_HASHES) * HASH_SIZE;
    if (offset === 0) this.#chunks.push(new Uint8Array(CHUNK_HASHES * HASH_SIZE));
    copy(hash, 0, this.#chunks.at(-1) as Uint8Array, offset, HASH_SIZE);
    this.#length += 1;
  }

  /** A copy of hash `index`, or undefined past the end. */
  at(index: number): Uint8Array | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) return undefined;
    const [chunk, offset] = this.#locate(index);
    return chunk.slice(offset, offset + HASH_SIZE);
  }

  /** RFC 9162 §2.1.1: HASH(0x01 || hash[left] || hash[left + 1]) for an even `left`. */
  pairHash(left: number): Uint8Array {
    if (!Number.isInteger(left) || left % 2 !== 0 || left < 0 || left + 2 > this.#length) {
      throw new RangeError(`no sibling pair at ${left}`);
    }
    const [chunk, offset] = this.#locate(left);
    copy(chunk, offset, PAIR_INPUT, 1, 2 * HASH_SIZE);
    return sha256Buffer(PAIR_INPUT);
  }

  #locate(index: number): [Uint8Array, number] {
    const chunk = this.#chunks[Math.floor(index / CHUNK_HASHES)] as Uint8Array;
    return [chunk, (index % CHUNK_HASHES) * HASH_SIZE];
  }
}

function copy(from: Uint8Array, at: number, to: Uint8Array, offset: number, n: number): void {
  for (let i = 0; i < n; i += 1) to[offset + i] = from[at + i] as number;
}
