/** C2SP tlog-witness "add-checkpoint": the request body and the response's signature lines. */
import { decodeBase64, encodeBase64 } from './base64.js';
import { parseDecimal } from './decimal.js';
import { HASH_SIZE } from './hash.js';
import type { NoteSignature } from './signed-note.js';
import { NOTE_MAX_BYTES, formatNote, parseNote } from './signed-note.js';
import { invalidArgument, malformed } from './tlog-errors.js';

/** C2SP tlog-witness: at most 63 consistency proof lines. */
export const MAX_WITNESS_PROOF = 63;
/** The largest request body a witness reads. */
export const MAX_ADD_CHECKPOINT_BYTES = NOTE_MAX_BYTES + (MAX_WITNESS_PROOF + 2) * 64;

export interface AddCheckpoint {
  /** The size of the checkpoint the witness last cosigned, as the client believes it. */
  readonly oldSize: number;
  /** RFC 6962 §2.1.2 consistency proof from `oldSize` to the checkpoint's size. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** `old <size>`, one base64 hash per line, a blank line, then the checkpoint note. */
export function formatAddCheckpoint(request: AddCheckpoint): string {
  const { oldSize, proof, checkpoint } = request;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw invalidArgument('bad old size');
  if (proof.length > MAX_WITNESS_PROOF || proof.some((h) => h.length !== HASH_SIZE)) {
    throw invalidArgument('a witness proof is at most 63 hashes of 32 bytes');
  }
  const lines = [`old ${oldSize}`, ...proof.map(encodeBase64)];
  return `${lines.map((line) => `${line}\n`).join('')}\n${checkpoint}`;
}

/** Parses an add-checkpoint body strictly; verifies nothing. Throws SECURITY_METADATA_MALFORMED. */
export function parseAddCheckpoint(body: string): AddCheckpoint {
  if (Buffer.byteLength(body) > MAX_ADD_CHECKPOINT_BYTES) throw malformed('the body is too large');
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw malformed('expected the old size and proof, a blank line, a checkpoint');
  const [oldLine = '', ...hashLines] = body.slice(0, blank).split('\n');
  const oldSize = oldLine.startsWith('old ') ? parseDecimal(oldLine.slice(4)) : undefined;
  if (oldSize === undefined) throw malformed('the first line must be "old <decimal size>"');
  if (hashLines.length > MAX_WITNESS_PROOF) throw malformed('more than 63 proof lines');
  const proof = hashLines.map((line) => {
    const hash = decodeBase64(line);
    if (hash?.length !== HASH_SIZE) throw malformed('a proof line is not base64 of 32 bytes');
    return hash;
  });
  return { oldSize, proof, checkpoint: body.slice(blank + 2) };
}

/** The response body: one note signature line per cosignature. */
export function formatCosignatureLines(
  text: string,
  cosignatures: readonly NoteSignature[],
): string {
  return formatNote({ text, signatures: cosignatures }).slice(text.length + 1);
}

/**
 * The signature lines of an add-checkpoint response, read as C2SP tlog-witness suggests: appended
 * to the submitted checkpoint note and parsed as one note. Verifies nothing.
 */
export function parseCosignatureLines(checkpoint: string, body: string): NoteSignature[] {
  const own = parseNote(checkpoint).signatures.length;
  if (!body.endsWith('\n') || body.length === 0) throw malformed('expected signature lines');
  return parseNote(`${checkpoint}${body}`).signatures.slice(own);
}

/** The checkpoint note with `extra` signature lines (cosignatures) appended after its own. */
export function addSignatures(checkpoint: string, extra: readonly NoteSignature[]): string {
  const note = parseNote(checkpoint);
  return formatNote({ text: note.text, signatures: [...note.signatures, ...extra] });
}
