/**
 * Advisory archives (osv.dev's all.zip) read with yauzl, one entry at a time from the file
 * (ADR 0041): stored and deflated entries only, each checked against its size (yauzl) and CRC-32
 * (here: yauzl leaves it to the caller), with bounds on entry count and sizes checked before an
 * entry is inflated. Nothing is written to disk, so entry names are only labels.
 */
import { stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, Options, ZipFile } from 'yauzl';
import { PatchcastError } from '@patchcast/core';

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
  /** Decompresses and checks the entry; call it before asking for the next entry. */
  read(): Promise<Buffer>;
}

const METHODS = { stored: 0, deflate: 8 } as const;
const OPTIONS: Options = { lazyEntries: true, autoClose: true, validateEntrySizes: true };

export function zipError(file: string, reason: string): PatchcastError {
  return new PatchcastError(
    'ARCHIVE_INVALID',
    `${file} is not a readable ZIP archive: ${reason.replace(/\.$/, '')}.`,
    { hint: 'Use the per-ecosystem all.zip archives as osv.dev publishes them.' },
  );
}

/** The entries of the archive at `path`, read from the file as they are asked for. */
export async function* readZip(
  path: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): AsyncGenerator<ZipEntry> {
  const { size } = await stat(path);
  if (size > limits.archiveBytes) throw zipError(path, `larger than ${limits.archiveBytes} bytes`);
  yield* entriesOf(await opened(path, (done) => yauzl.open(path, OPTIONS, done)), path, limits);
}

/** The entries of an archive held in memory. */
export async function* zipEntries(
  bytes: Buffer,
  file: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): AsyncGenerator<ZipEntry> {
  yield* entriesOf(
    await opened(file, (done) => yauzl.fromBuffer(bytes, OPTIONS, done)),
    file,
    limits,
  );
}

type Done = (error: Error | null, zip: ZipFile) => void;

function opened(file: string, open: (done: Done) => void): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    open((error, zip) => (error === null ? resolve(zip) : reject(zipError(file, error.message))));
  });
}

async function* entriesOf(zip: ZipFile, file: string, limits: ZipLimits): AsyncGenerator<ZipEntry> {
  try {
    if (zip.entryCount > limits.entries)
      throw zipError(file, `more than ${limits.entries} entries (${zip.entryCount})`);
    let total = 0;
    for (let entry = await nextEntry(zip, file); entry; entry = await nextEntry(zip, file)) {
      checkEntry(file, entry, limits);
      total += entry.uncompressedSize;
      if (total > limits.totalBytes)
        throw zipError(file, `more than ${limits.totalBytes} bytes uncompressed`);
      const found = entry;
      yield {
        name: found.fileName,
        size: found.uncompressedSize,
        read: () => readData(zip, found, file),
      };
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: ZipFile, file: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (): void =>
      void zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
    const onEntry = (entry: Entry): void => (settle(), resolve(entry));
    const onEnd = (): void => (settle(), resolve(undefined));
    const onError = (error: Error): void => (settle(), reject(zipError(file, error.message)));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

function checkEntry(file: string, e: Entry, limits: ZipLimits): void {
  const name = e.fileName;
  if (e.isEncrypted()) throw zipError(file, `entry ${name} is encrypted`);
  if (e.compressionMethod !== METHODS.stored && e.compressionMethod !== METHODS.deflate)
    throw zipError(
      file,
      `entry ${name} uses compression method ${e.compressionMethod} (only stored and deflate)`,
    );
  if (e.compressionMethod === METHODS.stored && e.uncompressedSize !== e.compressedSize)
    throw zipError(file, `entry ${name}: stored sizes differ`);
  if (e.uncompressedSize > limits.entryBytes)
    throw zipError(file, `entry ${name} is larger than ${limits.entryBytes} bytes`);
}

/** The entry's bytes, inflated by yauzl within the directory's size, then checked by CRC-32. */
async function readData(zip: ZipFile, e: Entry, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let crc = 0;
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(e, (error, s) => (error === null ? resolve(s) : reject(error))),
    );
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      chunks.push(chunk);
    }
  } catch (error) {
    throw zipError(file, `entry ${e.fileName}: ${(error as Error).message}`);
  }
  if (crc !== e.crc32) throw zipError(file, `entry ${e.fileName}: CRC-32 mismatch`);
  return Buffer.concat(chunks);
}
