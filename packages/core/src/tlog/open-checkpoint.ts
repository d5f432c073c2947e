import type { Checkpoint } from './checkpoint.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import type { NoteSigner } from './note-signer.js';
import type { NoteVerifier } from './note-verifier.js';
import type { OpenedNote } from './open-note.js';
import { openNote, signNote } from './open-note.js';
import { checkpointInvalid } from './tlog-errors.js';

/** What a client trusts about one log: its origin line and its note verifier keys. */
export interface LogIdentity {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The note, with any witness cosignatures among its unverified signatures. */
  readonly note: OpenedNote;
}

/**
 * Verifies a signed checkpoint from an untrusted source:
 * 1. the note carries a valid signature by a trusted log key (C2SP signed-note "Signatures");
 * 2. its text is a well-formed checkpoint (C2SP tlog-checkpoint "Note text");
 * 3. its origin is the trusted log's origin (C2SP tlog-checkpoint "Note text", item 1).
 */
export function openCheckpoint(message: string | Uint8Array, log: LogIdentity): VerifiedCheckpoint {
  const note = openNote(message, log.verifiers);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== log.origin) {
    throw checkpointInvalid(
      `the checkpoint is for log "${checkpoint.origin}", not "${log.origin}"`,
    );
  }
  return { checkpoint, note };
}

/** A signed checkpoint note, ready to serve at `<prefix>/checkpoint` (C2SP tlog-tiles). */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}
