/** A strict reader for the canonical ustar archives tar-writer.ts produces, and nothing else. */
import { malformed, quote, unsafe } from './bundle-error.js';
import { checkPath } from './paths.js';
import {
  BLOCK,
  CHECKSUM_OFFSET,
  FIELDS,
  MAX_NAME_BYTES,
  REGULAR_FILE,
  SIZE_OFFSET,
  TYPEFLAG_OFFSET,
  encodeHeader,
  headerChecksum,
  paddingFor,
} from './tar-header.js';
import type { TarEntry } from './tar-writer.js';

export interface TarReadOptions {
  readonly maxEntries: number;
}

const LINK_TYPES: Readonly<Record<string, string>> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'FIFO',
};

const COMPARE_ORDER = [
  ...FIELDS.filter((field) => field.offset !== CHECKSUM_OFFSET),
  ...FIELDS.filter((field) => field.offset === CHECKSUM_OFFSET),
];

const decoder = new TextDecoder('utf-8', { fatal: true });

export function readTar(bytes: Uint8Array, options: TarReadOptions): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    const header = takeBlock(bytes, offset);
    if (isZero(header)) {
      checkEnd(bytes, offset);
      return entries;
    }
    if (entries.length >= options.maxEntries) {
      throw malformed(`archive has more than ${options.maxEntries} entries`);
    }
    const entry = readEntry(bytes, header, offset);
    entries.push(entry);
    offset += BLOCK + entry.data.length + paddingFor(entry.data.length);
  }
}

function takeBlock(bytes: Uint8Array, offset: number): Uint8Array {
  if (offset === bytes.length) {
    throw malformed('archive is truncated: the end-of-archive marker is missing');
  }
  if (offset + BLOCK > bytes.length) {
    throw malformed(`archive is truncated: the header at byte ${offset} is cut short`);
  }
  return bytes.subarray(offset, offset + BLOCK);
}

function checkEnd(bytes: Uint8Array, offset: number): void {
  const second = takeBlock(bytes, offset + BLOCK);
  if (!isZero(second)) throw malformed(`archive has a lone zero block at byte ${offset}`);
  if (offset + 2 * BLOCK !== bytes.length) {
    throw malformed(`archive has ${bytes.length - offset - 2 * BLOCK} bytes after its end marker`);
  }
}

function readEntry(bytes: Uint8Array, header: Uint8Array, offset: number): TarEntry {
  checkChecksum(header, offset);
  checkType(header, offset);
  const nameBytes = header.subarray(0, nameLength(header));
  const name = decodeName(nameBytes, offset);
  const size = parseOctal(header.subarray(SIZE_OFFSET, SIZE_OFFSET + 12), name);
  checkCanonical(header, encodeHeader(nameBytes, size), name);
  const start = offset + BLOCK;
  const end = start + size + paddingFor(size);
  if (end > bytes.length) throw malformed(`archive is truncated inside entry ${quote(name)}`);
  if (!isZero(bytes.subarray(start + size, end))) {
    throw malformed(`entry ${quote(name)} has non-zero padding`);
  }
  return { name, data: bytes.subarray(start, start + size) };
}

function checkChecksum(header: Uint8Array, offset: number): void {
  const field = header.subarray(CHECKSUM_OFFSET, CHECKSUM_OFFSET + 8);
  const stored = parseOctalDigits(field.subarray(0, 6));
  if (stored === undefined || stored !== headerChecksum(header)) {
    throw malformed(`header at byte ${offset} has a bad checksum`);
  }
}

function checkType(header: Uint8Array, offset: number): void {
  const type = header[TYPEFLAG_OFFSET] ?? 0;
  if (type === REGULAR_FILE) return;
  const flag = String.fromCharCode(type);
  const kind = LINK_TYPES[flag];
  if (kind !== undefined) {
    throw unsafe(`entry at byte ${offset} is a ${kind}; bundles hold regular files only`);
  }
  throw malformed(`entry at byte ${offset} has unsupported type ${quote(flag)}`);
}

function decodeName(nameBytes: Uint8Array, offset: number): string {
  let name: string;
  try {
    name = decoder.decode(nameBytes);
  } catch {
    throw malformed(`entry name at byte ${offset} is not UTF-8`);
  }
  return checkPath(name, 'tar entry name');
}

function checkCanonical(actual: Uint8Array, expected: Uint8Array, name: string): void {
  for (const field of COMPARE_ORDER) {
    for (let i = field.offset; i < field.offset + field.length; i++) {
      if (actual[i] !== expected[i]) {
        throw malformed(`entry ${quote(name)}: header field ${field.name} is not canonical`);
      }
    }
  }
}

function parseOctal(field: Uint8Array, name: string): number {
  const value = parseOctalDigits(field.subarray(0, field.length - 1));
  if (value === undefined || field[field.length - 1] !== 0) {
    throw malformed(`entry ${quote(name)} has an invalid size field`);
  }
  return value;
}

function parseOctalDigits(digits: Uint8Array): number | undefined {
  let value = 0;
  for (const digit of digits) {
    if (digit < 0x30 || digit > 0x37) return undefined;
    value = value * 8 + (digit - 0x30);
  }
  return value;
}

function nameLength(header: Uint8Array): number {
  const index = header.subarray(0, MAX_NAME_BYTES).indexOf(0);
  return index === -1 ? MAX_NAME_BYTES : index;
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}
