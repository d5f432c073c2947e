import type { Note, NoteSignature } from './signed-note.js';
import { checkNoteText, formatNote, parseNote } from './signed-note.js';
import type { NoteSigner } from './note-signer.js';
import type { NoteVerifier } from './note-verifier.js';
import { formatKeyId } from './note-key-id.js';
import { invalidArgument, invalidKey, malformed, signatureInvalid } from './tlog-errors.js';

/** A note whose text is vouched for by at least one trusted key. */
export interface OpenedNote {
  readonly text: string;
  /** Signatures by trusted keys, all verified. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by unknown keys (for example witnesses), ignored and not verified. */
  readonly unverified: readonly NoteSignature[];
}

/**
 * C2SP signed-note "Signatures": parses `message` and verifies it against trusted `verifiers`.
 * 1. Signatures from unknown keys (name and key ID not both matching) are ignored.
 * 2. Every signature from a known key must verify; one failure rejects the whole note.
 * 3. A known key may sign once: a repeated signature rejects the note.
 * 4. At least one known signature is required.
 */
export function openNote(
  message: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  checkDistinct(verifiers, (id) => invalidKey(`two trusted keys share the identity ${id}`));
  const note = parseNote(message);
  const textBytes = new TextEncoder().encode(note.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (verifier === undefined) unverified.push(sig);
    else if (!verifier.verify(textBytes, sig.signature)) throw signatureInvalid(badSig(sig));
    else verified.push(sig);
  }
  checkDistinct(verified, (id) => malformed(`the note repeats the signature of ${id}`));
  if (verified.length === 0) throw signatureInvalid('the note has no signature from a trusted key');
  return { text: note.text, verified, unverified };
}

/** Signs `text` (which must end in a newline) with every signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  if (signers.length === 0) throw invalidArgument('a note needs at least one signer');
  checkDistinct(signers, (id) => invalidArgument(`two signers share the identity ${id}`));
  const textBytes = new TextEncoder().encode(text);
  const signatures = signers.map((signer) => ({
    name: signer.name,
    keyId: signer.keyId,
    signature: signer.sign(textBytes),
  }));
  return formatNote({ text, signatures } satisfies Note);
}

function identity(key: { readonly name: string; readonly keyId: number }): string {
  return `${key.name}+${formatKeyId(key.keyId)}`;
}

function checkDistinct(
  keys: readonly { readonly name: string; readonly keyId: number }[],
  fail: (id: string) => Error,
): void {
  const seen = new Set<string>();
  for (const key of keys) {
    const id = identity(key);
    if (seen.has(id)) throw fail(id);
    seen.add(id);
  }
}

function badSig(sig: NoteSignature): string {
  return `the signature of trusted key ${identity(sig)} does not verify`;
}
