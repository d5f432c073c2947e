/**
 * The one ustar header layout a v1 bundle uses (POSIX.1-1988 ustar): regular files only,
 * mode 0644, uid/gid 0, mtime 0, empty uname/gname, no prefix. Writer and reader share it so
 * that the reader can demand byte-for-byte canonical headers.
 */
export const BLOCK = 512;
export const MAX_NAME_BYTES = 100;
export const MAX_ENTRY_SIZE = 8 ** 11 - 1;

export interface HeaderField {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
}

export const FIELDS: readonly HeaderField[] = [
  { name: 'name', offset: 0, length: 100 },
  { name: 'mode', offset: 100, length: 8 },
  { name: 'uid', offset: 108, length: 8 },
  { name: 'gid', offset: 116, length: 8 },
  { name: 'size', offset: 124, length: 12 },
  { name: 'mtime', offset: 136, length: 12 },
  { name: 'chksum', offset: 148, length: 8 },
  { name: 'typeflag', offset: 156, length: 1 },
  { name: 'linkname', offset: 157, length: 100 },
  { name: 'magic', offset: 257, length: 6 },
  { name: 'version', offset: 263, length: 2 },
  { name: 'uname', offset: 265, length: 32 },
  { name: 'gname', offset: 297, length: 32 },
  { name: 'devmajor', offset: 329, length: 8 },
  { name: 'devminor', offset: 337, length: 8 },
  { name: 'prefix', offset: 345, length: 155 },
  { name: 'padding', offset: 500, length: 12 },
];

export const CHECKSUM_OFFSET = 148;
export const SIZE_OFFSET = 124;
export const TYPEFLAG_OFFSET = 156;
export const REGULAR_FILE = 0x30;

const ascii = new TextEncoder();

export function encodeHeader(name: Uint8Array, size: number): Uint8Array {
  const header = new Uint8Array(BLOCK);
  header.set(name, 0);
  putOctal(header, 100, 8, 0o644);
  putOctal(header, 108, 8, 0);
  putOctal(header, 116, 8, 0);
  putOctal(header, SIZE_OFFSET, 12, size);
  putOctal(header, 136, 12, 0);
  header[TYPEFLAG_OFFSET] = REGULAR_FILE;
  header.set(ascii.encode('ustar\x00'), 257);
  header.set(ascii.encode('00'), 263);
  putOctal(header, 329, 8, 0);
  putOctal(header, 337, 8, 0);
  putChecksum(header);
  return header;
}

/** Writes `value` as zero-padded octal digits followed by one NUL, filling the field. */
function putOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  header.set(ascii.encode(`${value.toString(8).padStart(length - 1, '0')}\x00`), offset);
}

function putChecksum(header: Uint8Array): void {
  const sum = headerChecksum(header);
  header.set(ascii.encode(`${sum.toString(8).padStart(6, '0')}\x00 `), CHECKSUM_OFFSET);
}

/** The ustar checksum: the byte sum of the header with the checksum field read as spaces. */
export function headerChecksum(header: Uint8Array): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i < CHECKSUM_OFFSET || i >= CHECKSUM_OFFSET + 8) sum += header[i] ?? 0;
  }
  return sum;
}

export function paddingFor(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
