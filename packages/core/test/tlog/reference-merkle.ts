/**
 * A naive RFC 9162 §2.1 reference, written straight from the definitions (recursive MTH, PATH,
 * SUBPROOF over raw entries) and sharing no code with src/tlog: the oracle for the tests.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function refLeafHash(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), entry);
}

export function refNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

/** MTH(D[n]), §2.1.1. */
export function refRoot(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return refLeafHash(entries[0] as Uint8Array);
  const k = splitPoint(entries.length);
  return sha256(Uint8Array.of(1), refRoot(entries.slice(0, k)), refRoot(entries.slice(k)));
}

/** PATH(m, D[n]), §2.1.3.1. */
export function refPath(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  if (entries.length <= 1) return [];
  const k = splitPoint(entries.length);
  return m < k
    ? [...refPath(m, entries.slice(0, k)), refRoot(entries.slice(k))]
    : [...refPath(m - k, entries.slice(k)), refRoot(entries.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), §2.1.4.1. */
export function refConsistency(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, entries, true);
}

function subproof(m: number, entries: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = entries.length;
  if (m === n) return b ? [] : [refRoot(entries)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, entries.slice(0, k), b), refRoot(entries.slice(k))]
    : [...subproof(m - k, entries.slice(k), false), refRoot(entries.slice(0, k))];
}

/** The eight RFC 6962 test leaves used by transparency-dev/merkle, then generated ones. */
export function testEntries(count: number): Uint8Array[] {
  const rfc = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'];
  rfc.push('606162636465666768696a6b6c6d6e6f');
  return Array.from({ length: count }, (_, i) =>
    i < rfc.length
      ? new Uint8Array(Buffer.from(rfc[i] as string, 'hex'))
      : new TextEncoder().encode(`patchcast test leaf ${i}`),
  );
}
