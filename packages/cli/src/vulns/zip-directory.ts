/** Finding and reading the central directory of a ZIP archive, ZIP64 included. */
import { SIGNATURES, zipError } from './zip-records.js';
import type { ZipView } from './zip-records.js';

export interface Directory {
  readonly entries: number;
  readonly offset: number;
  readonly size: number;
}

export interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const END_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_SIZE = 46;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** §4.3.16: the end record is the last 22 bytes, followed only by a comment of up to 64 KiB. */
function findEnd(zip: ZipView): number {
  const last = zip.bytes.length - END_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (
      zip.bytes.readUInt32LE(at) === SIGNATURES.end &&
      at + END_SIZE + zip.u16(at + 20) === zip.bytes.length
    )
      return at;
  }
  throw zipError(zip.file, 'no end of central directory record');
}

/** §4.3.14-15: the ZIP64 end record, found through its locator just before the end record. */
function zip64Directory(zip: ZipView, end: number): Directory {
  const locator = end - 20;
  zip.expect(locator, SIGNATURES.zip64Locator, 'ZIP64 end of central directory locator');
  if (zip.u32(locator + 4) !== 0 || zip.u32(locator + 16) !== 1)
    throw zipError(zip.file, 'multi-disk archives are not supported');
  const record = zip.u64(locator + 8);
  zip.expect(record, SIGNATURES.zip64End, 'ZIP64 end of central directory');
  if (zip.u32(record + 16) !== 0 || zip.u32(record + 20) !== 0)
    throw zipError(zip.file, 'multi-disk archives are not supported');
  const entries = zip.u64(record + 32);
  if (entries !== zip.u64(record + 24))
    throw zipError(zip.file, 'multi-disk archives are not supported');
  return { entries, size: zip.u64(record + 40), offset: zip.u64(record + 48) };
}

export function readDirectory(zip: ZipView): Directory {
  const end = findEnd(zip);
  if (zip.u16(end + 4) !== 0 || zip.u16(end + 6) !== 0)
    throw zipError(zip.file, 'multi-disk archives are not supported');
  const entries = zip.u16(end + 10);
  if (entries !== zip.u16(end + 8))
    throw zipError(zip.file, 'multi-disk archives are not supported');
  const size = zip.u32(end + 12);
  const offset = zip.u32(end + 16);
  if (entries === U16_MAX || size === U32_MAX || offset === U32_MAX)
    return zip64Directory(zip, end);
  return { entries, size, offset };
}

/** §4.5.3: the ZIP64 extra field holds, in order, only the fields whose 32-bit value is saturated. */
function applyZip64Extra(
  zip: ZipView,
  extra: number,
  length: number,
  e: CentralEntry,
): CentralEntry {
  for (let at = extra; at + 4 <= extra + length; at += 4 + zip.u16(at + 2)) {
    if (zip.u16(at) !== 0x0001) continue;
    let field = at + 4;
    const next = (value: number) => {
      if (value !== U32_MAX) return value;
      const read = zip.u64(field);
      field += 8;
      return read;
    };
    return {
      ...e,
      size: next(e.size),
      compressedSize: next(e.compressedSize),
      localOffset: next(e.localOffset),
    };
  }
  return e;
}

/** §4.3.12: one central directory header at `at`; returns the entry and the next header's offset. */
export function readCentralEntry(
  zip: ZipView,
  at: number,
): { readonly entry: CentralEntry; readonly next: number } {
  zip.expect(at, SIGNATURES.central, 'central directory header');
  const nameLength = zip.u16(at + 28);
  const extraLength = zip.u16(at + 30);
  const commentLength = zip.u16(at + 32);
  zip.check(
    at + CENTRAL_SIZE,
    nameLength + extraLength + commentLength,
    'a central directory header',
  );
  const flags = zip.u16(at + 8);
  const nameBytes = zip.bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
  const base: CentralEntry = {
    name: nameBytes.toString((flags & 0x0800) !== 0 ? 'utf8' : 'latin1'),
    flags,
    method: zip.u16(at + 10),
    crc32: zip.u32(at + 16),
    compressedSize: zip.u32(at + 20),
    size: zip.u32(at + 24),
    localOffset: zip.u32(at + 42),
  };
  const entry = applyZip64Extra(zip, at + CENTRAL_SIZE + nameLength, extraLength, base);
  return { entry, next: at + CENTRAL_SIZE + nameLength + extraLength + commentLength };
}
