/**
 * Index arithmetic for trees of up to 2^53 - 1 leaves. JavaScript bit operators work on 32 bits,
 * so halving and parity use exact floating-point arithmetic on safe integers instead.
 */

/** A tree size or leaf index: a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** log2Floor(n) === n;
}

/** floor(log2(n)) for n >= 1, computed exactly. */
export function log2Floor(n: number): number {
  let level = 0;
  for (let k = 2; k <= n; k *= 2) level += 1;
  return level;
}

/** RFC 9162 §2.1.1: the largest power of two smaller than n (k < n <= 2k), for n >= 2. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
