import { canonicalBytes, sha256Hex, utf8 } from '@patchcast/core';
import { BUNDLE_FORMAT } from '../../src/bundle/index.js';
import {
  BLOCK,
  CHECKSUM_OFFSET,
  encodeHeader,
  headerChecksum,
} from '../../src/bundle/tar-header.js';
import { writeTar } from '../../src/bundle/tar-writer.js';

export interface RawFile {
  readonly path: string;
  readonly content: string;
  readonly mode?: number;
}

export function manifestOf(files: readonly RawFile[], extra: object = {}): Record<string, unknown> {
  return {
    format: BUNDLE_FORMAT,
    name: 'demo-patch',
    version: '1.0.0',
    files: files.map((file) => ({
      path: file.path,
      mode: file.mode ?? 0o644,
      sha256: sha256Hex(utf8(file.content)),
      size: utf8(file.content).length,
    })),
    ...extra,
  };
}

/** A tar with the given manifest object (canonicalized) and exactly the given blob contents. */
export function rawBundle(manifest: object, contents: readonly string[]): Uint8Array {
  return writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    ...blobEntries(contents),
  ]);
}

export function blobEntries(contents: readonly string[]): { name: string; data: Uint8Array }[] {
  return contents
    .map((content) => ({ name: `blobs/${sha256Hex(utf8(content))}`, data: utf8(content) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Header bytes for an entry, with `edit` applied and the checksum recomputed afterwards. */
export function craftHeader(
  name: string,
  size: number,
  edit: (header: Uint8Array) => void = () => undefined,
): Uint8Array {
  const header = encodeHeader(utf8(name), size);
  edit(header);
  const sum = headerChecksum(header);
  header.set(utf8(`${sum.toString(8).padStart(6, '0')}\x00 `), CHECKSUM_OFFSET);
  return header;
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function padded(data: Uint8Array): Uint8Array {
  return concat(data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
}

export const END = new Uint8Array(2 * BLOCK);
