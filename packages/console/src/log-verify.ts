/**
 * Verifies a patch's publication in the browser, with @patchcast/core's own code (bundled with
 * the shims of vite.config.ts): the tlog-proof's checkpoint signed by the log's key for its
 * origin (C2SP signed-note), and the entry's inclusion in that checkpoint's tree (RFC 9162
 * §2.1.3.2). The same checks an agent makes before it installs a patch.
 */
import { leafHash, parseVerifierKey, verifyTlogProof } from '@patchcast/core';
import type { PublicationProofResponse } from '@patchcast/protocol';

export interface VerifiedEntry {
  readonly index: number;
  readonly treeSize: number;
  readonly origin: string;
  /** The entry's canonical JSON, as text. */
  readonly entry: string;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Throws core's error (a SecurityError for a bad signature or proof) when it does not verify. */
export function verifyPublicationProof(
  publication: PublicationProofResponse,
  verifierKey: string,
): VerifiedEntry {
  const verifier = parseVerifierKey(verifierKey.trim());
  const entry = fromBase64(publication.entry);
  const verified = verifyTlogProof(publication.proof, {
    leafHash: leafHash(entry),
    log: { origin: verifier.name, verifiers: [verifier] },
  });
  return {
    index: verified.index,
    treeSize: verified.checkpoint.size,
    origin: verified.checkpoint.origin,
    entry: new TextDecoder().decode(entry),
  };
}
