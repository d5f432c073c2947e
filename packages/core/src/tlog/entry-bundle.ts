import { TILE_WIDTH } from './tile-path.js';
import { invalidArgument, malformed } from './tlog-errors.js';

/** C2SP tlog-tiles "Log entries": each entry carries a big-endian uint16 length. */
export const MAX_ENTRY_SIZE = 0xffff;

/** Encodes up to 256 entries as an entry bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw invalidArgument('an entry bundle holds at most 256');
  const size = entries.reduce((sum, entry) => sum + 2 + entry.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) throw invalidArgument('a log entry is at most 65535 bytes');
    view.setUint16(at, entry.length);
    bytes.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bytes;
}

/** Splits a fetched entry bundle, which must hold exactly `width` entries and nothing more. */
export function parseEntryBundle(bytes: Uint8Array, width: number): Uint8Array[] {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw invalidArgument(`entry bundle width ${String(width)} is outside 1 to 256`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (entries.length === width) throw malformed(`the entry bundle holds over ${width} entries`);
    if (at + 2 > bytes.length) throw malformed('the entry bundle ends inside a length prefix');
    const length = view.getUint16(at);
    if (at + 2 + length > bytes.length) throw malformed('the entry bundle ends inside an entry');
    entries.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (entries.length < width) throw malformed(`the entry bundle holds under ${width} entries`);
  return entries;
}
