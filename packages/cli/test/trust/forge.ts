/** What an attacker holding some keys does to real metadata: change it and sign it again. */
import { readKeyFile } from '@patchcast/protocol';
import { serializeEnvelope, signEnvelope } from '@patchcast/core';
import type { Signer, Signature } from '@patchcast/core';

export type Json = Record<string, unknown>;

export async function signersOf(...files: string[]): Promise<Signer[]> {
  const all = await Promise.all(files.map((file) => readKeyFile(file)));
  return all.flatMap((file) => [...file.signers]);
}

export function envelopeOf(bytes: Buffer | undefined): { signed: Json; signatures: Signature[] } {
  if (bytes === undefined) throw new Error('the real server has no such file');
  return JSON.parse(bytes.toString('utf8')) as { signed: Json; signatures: Signature[] };
}

/** `bytes`' signed part, changed by `change`, signed by `signers` alone. */
export function resign(
  bytes: Buffer | undefined,
  signers: readonly Signer[],
  change: (signed: Json) => Json = (signed) => signed,
): Buffer {
  const { signed } = envelopeOf(bytes);
  return Buffer.from(serializeEnvelope(signEnvelope(change(structuredClone(signed)), signers)));
}

/** The same file with only the signatures `keep` accepts. */
export function strip(bytes: Buffer | undefined, keep: (sig: Signature) => boolean): Buffer {
  const { signed, signatures } = envelopeOf(bytes);
  return Buffer.from(serializeEnvelope({ signed, signatures: signatures.filter(keep) }));
}

/** ML-DSA-65 signatures are 3309 bytes (6618 hex); Ed25519 ones 64 bytes. */
export const isMlDsaSignature = (sig: Signature): boolean => sig.sig.length > 1000;

/**
 * Key-type confusion: the same file with its one Ed25519 and one ML-DSA-65 signature swapped
 * between their key ids, so the Ed25519 key id carries ML-DSA signature bytes and the reverse.
 */
export function swapKeyIds(bytes: Buffer | undefined): Buffer {
  const { signed, signatures } = envelopeOf(bytes);
  const [ed, ...moreEd] = signatures.filter((s) => !isMlDsaSignature(s));
  const [pq, ...morePq] = signatures.filter(isMlDsaSignature);
  if (ed === undefined || pq === undefined || moreEd.length + morePq.length > 0)
    throw new Error('expected exactly one Ed25519 and one ML-DSA-65 signature');
  const swapped = [
    { keyid: pq.keyid, sig: ed.sig },
    { keyid: ed.keyid, sig: pq.sig },
  ];
  return Buffer.from(serializeEnvelope({ signed, signatures: swapped }));
}
