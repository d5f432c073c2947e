/**
 * A small strict ZIP reader for advisory archives: stored and deflated entries only, read
 * through the central directory, each entry checked against its size and CRC-32, with bounds on
 * entry count and sizes. Nothing is written to disk, so entry names are only labels.
 */
import { readFile, stat } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { readCentralEntry, readDirectory } from './zip-directory.js';
import type { CentralEntry } from './zip-directory.js';
import { SIGNATURES, ZipView, zipError } from './zip-records.js';

export interface ZipLimits {
  readonly archiveBytes: number;
  readonly entries: number;
  readonly entryBytes: number;
  readonly totalBytes: number;
}

/** osv.dev's largest archive (npm, ~200k records) is far below these. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  archiveBytes: 2 * 1024 ** 3,
  entries: 2_000_000,
  entryBytes: 64 * 1024 ** 2,
  totalBytes: 8 * 1024 ** 3,
};

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  /** Decompresses and checks the entry. */
  read(): Buffer;
}

const METHODS = { stored: 0, deflate: 8 } as const;

function inflate(zip: ZipView, e: CentralEntry, data: Buffer): Buffer {
  if (e.method === METHODS.stored) return data;
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(e.size, 1) });
  } catch (error) {
    throw zipError(
      zip.file,
      `entry ${e.name}: deflate data is corrupt (${(error as Error).message})`,
    );
  }
}

/** §4.3.7: the data follows the local header, whose name and extra lengths may differ. */
function readData(zip: ZipView, e: CentralEntry): Buffer {
  zip.expect(e.localOffset, SIGNATURES.local, `local header of ${e.name}`);
  const start = e.localOffset + 30 + zip.u16(e.localOffset + 26) + zip.u16(e.localOffset + 28);
  zip.check(start, e.compressedSize, `the data of ${e.name}`);
  const out = inflate(zip, e, zip.bytes.subarray(start, start + e.compressedSize));
  if (out.length !== e.size)
    throw zipError(zip.file, `entry ${e.name}: ${out.length} bytes, the directory says ${e.size}`);
  if (crc32(out) !== e.crc32) throw zipError(zip.file, `entry ${e.name}: CRC-32 mismatch`);
  return out;
}

function checkEntry(zip: ZipView, e: CentralEntry, limits: ZipLimits): void {
  if ((e.flags & 0x0001) !== 0) throw zipError(zip.file, `entry ${e.name} is encrypted`);
  if (e.method !== METHODS.stored && e.method !== METHODS.deflate) {
    throw zipError(
      zip.file,
      `entry ${e.name} uses compression method ${e.method} (only stored and deflate)`,
    );
  }
  if (e.method === METHODS.stored && e.size !== e.compressedSize)
    throw zipError(zip.file, `entry ${e.name}: stored sizes differ`);
  if (e.size > limits.entryBytes)
    throw zipError(zip.file, `entry ${e.name} is larger than ${limits.entryBytes} bytes`);
}

/** Every entry of an archive held in memory; directory checks happen before anything is read. */
export function zipEntries(
  bytes: Buffer,
  file: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): readonly ZipEntry[] {
  const zip = new ZipView(bytes, file);
  const dir = readDirectory(zip);
  if (dir.entries > limits.entries)
    throw zipError(file, `more than ${limits.entries} entries (${dir.entries})`);
  zip.check(dir.offset, dir.size, 'the central directory');
  const out: ZipEntry[] = [];
  let total = 0;
  for (let i = 0, at = dir.offset; i < dir.entries; i++) {
    const { entry, next } = readCentralEntry(zip, at);
    if (next > dir.offset + dir.size)
      throw zipError(file, 'a header runs past the central directory');
    checkEntry(zip, entry, limits);
    total += entry.size;
    if (total > limits.totalBytes)
      throw zipError(file, `more than ${limits.totalBytes} bytes uncompressed`);
    out.push({ name: entry.name, size: entry.size, read: () => readData(zip, entry) });
    at = next;
  }
  return out;
}

export async function readZip(
  path: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<readonly ZipEntry[]> {
  const { size } = await stat(path);
  if (size > limits.archiveBytes) throw zipError(path, `larger than ${limits.archiveBytes} bytes`);
  return zipEntries(await readFile(path), path, limits);
}
