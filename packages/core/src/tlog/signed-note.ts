import { decodeBase64, encodeBase64 } from './base64.js';
import { isValidKeyName } from './note-key-id.js';
import { hasForbiddenControl, hasLoneSurrogate } from './text-checks.js';
import { invalidArgument, malformed } from './tlog-errors.js';

/**
 * Size limits for untrusted notes. C2SP signed-note "Format" requires accepting at least 16
 * signatures of up to about 5 kB each; 100 signatures is the golang.org/x/mod/sumdb/note limit.
 */
export const NOTE_MAX_BYTES = 256 * 1024;
export const NOTE_MAX_SIGNATURES = 100;

/** One signature line: `— <name> base64(key ID || signature)`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes, without the 4-byte key ID. */
  readonly signature: Uint8Array;
}

/** A syntactically valid note. Its text MUST be ignored until a trusted signature verifies. */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** C2SP signed-note "Format": splits and checks a note; verifies nothing. */
export function parseNote(message: string | Uint8Array): Note {
  const whole = noteString(message);
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) throw malformed('a signed note needs a blank line before its signatures');
  const block = whole.slice(split + 2);
  if (!block.endsWith('\n')) throw malformed('a signed note must end with a signature line');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > NOTE_MAX_SIGNATURES) throw malformed('the note has too many signatures');
  return { text: whole.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

/** The note text followed by a blank line and one line per signature. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  for (const { name, keyId } of note.signatures) {
    if (!isValidKeyName(name) || !Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) {
      throw invalidArgument(`"${name}" with key ID ${String(keyId)} cannot sign a note`);
    }
  }
  const lines = note.signatures.map((sig) => `${SIGNATURE_PREFIX}${sig.name} ${sigBase64(sig)}\n`);
  return `${note.text}\n${lines.join('')}`;
}

/** C2SP signed-note "Format": text to be signed is non-empty, ends in a newline, no controls. */
export function checkNoteText(text: string): void {
  if (!text.endsWith('\n') || hasForbiddenControl(text) || hasLoneSurrogate(text)) {
    throw invalidArgument('note text must be valid text ending in a newline, without controls');
  }
}

function noteString(message: string | Uint8Array): string {
  const size = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
  if (size > NOTE_MAX_BYTES) throw malformed(`the note is larger than ${NOTE_MAX_BYTES} bytes`);
  const text = typeof message === 'string' ? message : decodeUtf8(message);
  if (hasLoneSurrogate(text)) throw malformed('the note is not valid UTF-8');
  if (hasForbiddenControl(text)) throw malformed('the note contains control characters');
  return text;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw malformed('the note is not valid UTF-8');
  }
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with "— "');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, Math.max(space, 0));
  const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || bytes === undefined || bytes.length < 5) {
    throw malformed('a signature line must be "— <name> <base64 key ID and signature>"');
  }
  return {
    name,
    keyId: Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0),
    signature: bytes.slice(4),
  };
}

function sigBase64(sig: NoteSignature): string {
  const bytes = new Uint8Array(4 + sig.signature.length);
  new DataView(bytes.buffer).setUint32(0, sig.keyId);
  bytes.set(sig.signature, 4);
  return encodeBase64(bytes);
}
