import { PatchcastError } from '@patchcast/core';
import { BLOCK, MAX_ENTRY_SIZE, MAX_NAME_BYTES, encodeHeader, paddingFor } from './tar-header.js';

export interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const encoder = new TextEncoder();

/** A deterministic ustar archive of regular files, in the order given, ended by two zero blocks. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts = entries.map((entry) => encodeEntry(entry));
  const total = parts.reduce((sum, part) => sum + part.length, 2 * BLOCK);
  const archive = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    archive.set(part.header, offset);
    archive.set(part.data, offset + BLOCK);
    offset += part.length;
  }
  return archive;
}

interface EncodedEntry {
  readonly header: Uint8Array;
  readonly data: Uint8Array;
  readonly length: number;
}

function encodeEntry(entry: TarEntry): EncodedEntry {
  const name = encoder.encode(entry.name);
  if (name.length === 0 || name.length > MAX_NAME_BYTES) {
    throw new PatchcastError('INTERNAL', `tar entry name "${entry.name}" does not fit ustar`);
  }
  if (entry.data.length > MAX_ENTRY_SIZE) {
    throw new PatchcastError('PAYLOAD_TOO_LARGE', `tar entry "${entry.name}" is too large`);
  }
  const length = BLOCK + entry.data.length + paddingFor(entry.data.length);
  return { header: encodeHeader(name, entry.data.length), data: entry.data, length };
}
