/**
 * A deliberately naive, independent reading of a served log, written from the C2SP specs
 * (signed-note, tlog-checkpoint, tlog-tiles) and RFC 9162 with node:crypto only: it shares no
 * code with @patchcast/core's tlog module, so agreement between the two is a real cross-check.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 9162 §2.1.1: MTH, straight from the definition. */
export function naiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

export interface NaiveCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
}

/** C2SP signed-note + tlog-checkpoint: checks the Ed25519 signature of `key`, returns the body. */
export function naiveOpenCheckpoint(note: string, verifierKey: string): NaiveCheckpoint {
  const [name = '', keyIdHex = '', ...rest] = verifierKey.trim().split('+');
  const material = rest.join('+');
  const raw = Buffer.from(material, 'base64');
  if (raw[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const publicKey = raw.subarray(1);
  const keyId = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), publicKey).subarray(0, 4);
  if (keyId.toString('hex') !== keyIdHex) throw new Error('key id mismatch');
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const line = note
    .slice(split + 2)
    .split('\n')
    .find((l) => l.startsWith(`\u2014 ${name} `));
  const sig = Buffer.from(line?.split(' ')[2] ?? '', 'base64');
  if (!sig.subarray(0, 4).equals(keyId)) throw new Error('no signature by the key');
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (!verify(null, Buffer.from(text), key, sig.subarray(4))) throw new Error('bad signature');
  const [origin = '', size = '', root = ''] = text.split('\n');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

/** C2SP tlog-tiles "Log entries": big-endian uint16 length, then the entry. */
export function naiveEntries(bundle: Buffer): Buffer[] {
  const entries: Buffer[] = [];
  for (let at = 0; at < bundle.length;) {
    const length = bundle.readUInt16BE(at);
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/** C2SP tlog-tiles "Merkle Tree": hash i of tile (L, N) is MTH of 256^L leaves. */
export function naiveTile(leaves: readonly Buffer[], level: number, index: number, width: number) {
  const span = 256 ** level;
  const hashes = Array.from({ length: width }, (_, i) => {
    const start = (index * 256 + i) * span;
    return naiveRoot(leaves.slice(start, start + span));
  });
  return Buffer.concat(hashes);
}

/** `<N>` as 3-digit groups, all but the last prefixed with x (C2SP tlog-tiles). */
export function naiveIndexPath(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}
