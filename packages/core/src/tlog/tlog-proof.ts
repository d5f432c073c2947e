import { decodeBase64, encodeBase64 } from './base64.js';
import { parseDecimal } from './decimal.js';
import { HASH_SIZE } from './hash.js';
import { NOTE_MAX_BYTES } from './signed-note.js';
import { invalidArgument, malformed } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/** C2SP tlog-proof "Format": the first line. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** An inclusion proof in a tree of under 2^64 leaves has at most 64 hashes. */
const MAX_PROOF_HASHES = 64;
const MAX_PROOF_BYTES = NOTE_MAX_BYTES + 16 * 1024;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A C2SP tlog-proof: an entry's index, its inclusion proof and the signed checkpoint. */
export interface TlogProof {
  /** Unauthenticated application data: never trust it implicitly. */
  readonly extra?: Uint8Array | undefined;
  readonly index: number;
  /** The inclusion proof, leaf sibling first. */
  readonly hashes: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** C2SP tlog-proof "Format": header, optional extra, index, hashes, blank line, checkpoint. */
export function formatTlogProof(proof: TlogProof): string {
  if (!isCount(proof.index)) throw invalidArgument(`${String(proof.index)} is not an index`);
  if (proof.hashes.some((hash) => hash.length !== HASH_SIZE)) {
    throw invalidArgument('proof hashes are 32 bytes');
  }
  if (!proof.checkpoint.endsWith('\n')) throw invalidArgument('the checkpoint must be a note');
  const lines = [
    TLOG_PROOF_HEADER,
    ...(proof.extra === undefined ? [] : [`extra ${encodeBase64(proof.extra)}`]),
    `index ${proof.index}`,
    ...proof.hashes.map(encodeBase64),
  ];
  return `${lines.join('\n')}\n\n${proof.checkpoint}`;
}

/** Parses a C2SP tlog-proof strictly; verifies nothing (see verifyTlogProof). */
export function parseTlogProof(message: string | Uint8Array): TlogProof {
  const text = proofText(message);
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('a tlog-proof needs a blank line before its checkpoint');
  const head = text.slice(0, blank).split('\n');
  if (head.shift() !== TLOG_PROOF_HEADER) throw malformed(`expected "${TLOG_PROOF_HEADER}"`);
  const extra = head[0]?.startsWith('extra ') ? parseExtra(head.shift() ?? '') : undefined;
  const index = parseIndexLine(head.shift() ?? '');
  if (head.length > MAX_PROOF_HASHES) throw malformed('the tlog-proof has too many hashes');
  const hashes = head.map(parseHashLine);
  const checkpoint = text.slice(blank + 2);
  if (checkpoint.length === 0) throw malformed('the tlog-proof has no checkpoint');
  return { ...(extra === undefined ? {} : { extra }), index, hashes, checkpoint };
}

function proofText(message: string | Uint8Array): string {
  const size = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
  if (size > MAX_PROOF_BYTES) throw malformed('the tlog-proof is too large');
  if (typeof message === 'string') return message;
  try {
    return STRICT_UTF8.decode(message);
  } catch {
    throw malformed('the tlog-proof is not valid UTF-8');
  }
}

function parseExtra(line: string): Uint8Array {
  const extra = decodeBase64(line.slice('extra '.length));
  if (extra === undefined) throw malformed('the tlog-proof extra data is not base64');
  return extra;
}

function parseIndexLine(line: string): number {
  const index = line.startsWith('index ') ? parseDecimal(line.slice('index '.length)) : undefined;
  if (index === undefined) throw malformed('expected "index <decimal>" in the tlog-proof');
  return index;
}

function parseHashLine(line: string): Uint8Array {
  const hash = decodeBase64(line);
  if (hash?.length !== HASH_SIZE) throw malformed('a tlog-proof hash is not base64 of 32 bytes');
  return hash;
}
