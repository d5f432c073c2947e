/**
 * The fixed-size records of a ZIP archive (PKWARE APPNOTE.TXT 6.3.10): end of central directory
 * (§4.3.16), its ZIP64 form and locator (§4.3.14-15), central directory headers (§4.3.12) and
 * local file headers (§4.3.7). Every read is bounds-checked.
 */
import { PatchcastError } from '@patchcast/core';

export const SIGNATURES = {
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

export function zipError(file: string, reason: string): PatchcastError {
  return new PatchcastError(
    'ARCHIVE_INVALID',
    `${file} is not a readable ZIP archive: ${reason}.`,
    {
      hint: 'Use the per-ecosystem all.zip archives as osv.dev publishes them.',
    },
  );
}

/** A bounds-checked little-endian view of the archive. */
export class ZipView {
  constructor(
    readonly bytes: Buffer,
    readonly file: string,
  ) {}

  check(offset: number, length: number, what: string): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw zipError(this.file, `${what} at offset ${offset} runs past the end of the file`);
    }
  }

  u16(offset: number): number {
    this.check(offset, 2, 'a field');
    return this.bytes.readUInt16LE(offset);
  }

  u32(offset: number): number {
    this.check(offset, 4, 'a field');
    return this.bytes.readUInt32LE(offset);
  }

  u64(offset: number): number {
    this.check(offset, 8, 'a field');
    const value = this.bytes.readBigUInt64LE(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw zipError(this.file, 'a 64-bit size is too large');
    return Number(value);
  }

  expect(offset: number, signature: number, what: string): void {
    if (this.u32(offset) !== signature)
      throw zipError(this.file, `no ${what} signature at offset ${offset}`);
  }
}
