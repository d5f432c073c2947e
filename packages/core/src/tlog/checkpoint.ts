import { decodeBase64, encodeBase64 } from './base64.js';
import { parseDecimal } from './decimal.js';
import { HASH_SIZE } from './hash.js';
import { hasForbiddenControl } from './text-checks.js';
import { invalidArgument, malformed } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/** C2SP tlog-checkpoint "Note text": a log's tree head. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec). */
  readonly extensions: readonly string[];
}

/** The checkpoint note text: origin, decimal size, base64 root hash, extensions; newline-ended. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  for (const line of [origin, ...extensions]) {
    if (line.length === 0 || line.includes('\n') || hasForbiddenControl(line)) {
      throw invalidArgument('checkpoint origin and extension lines must be non-empty text lines');
    }
  }
  if (!isCount(size)) throw invalidArgument(`${String(size)} is not a tree size`);
  if (rootHash.length !== HASH_SIZE) throw invalidArgument('a root hash is 32 bytes');
  return [origin, String(size), encodeBase64(rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * C2SP tlog-checkpoint "Note text", strictly: at least three non-empty lines, each ended by a
 * newline; a decimal size without leading zeroes; a base64 32-byte root hash.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin = '', sizeText = '', rootText = '', ...extensions] = lines;
  if (lines.length < 3 || lines.some((line) => line.length === 0)) {
    throw malformed('a checkpoint has at least three non-empty lines');
  }
  const size = parseDecimal(sizeText);
  if (size === undefined) throw malformed('the checkpoint tree size is not a plain decimal');
  const rootHash = decodeBase64(rootText);
  if (rootHash?.length !== HASH_SIZE) throw malformed('the checkpoint root hash is not 32 bytes');
  return { origin, size, rootHash, extensions };
}
