import { PatchcastError, sha256Hex } from '@patchcast/core';
import { malformed, quote } from './bundle-error.js';
import { resolveLimits } from './limits.js';
import type { BundleLimits } from './limits.js';
import type { BundleManifest } from './manifest.js';
import { parseManifestBytes } from './manifest-validate.js';
import { BLOB_NAME, MANIFEST_NAME } from './entry-names.js';
import { readTar } from './tar-reader.js';
import type { TarEntry } from './tar-writer.js';

export interface ParsedBundle {
  readonly manifest: BundleManifest;
  /** The verified content with this SHA-256; a view into the archive bytes, do not modify. */
  blob(sha256: string): Uint8Array;
}

/** Parses and fully verifies a v1 bundle; destination paths come only from the manifest. */
export function readBundle(bytes: Uint8Array, limits?: Partial<BundleLimits>): ParsedBundle {
  const resolved = resolveLimits(limits);
  if (bytes.length > resolved.maxBundleBytes) {
    throw malformed(`bundle has ${bytes.length} bytes; the limit is ${resolved.maxBundleBytes}`);
  }
  const [first, ...rest] = readTar(bytes, { maxEntries: resolved.maxFiles + 1 });
  if (first?.name !== MANIFEST_NAME) throw malformed('the first entry must be manifest.json');
  const manifest = parseManifestBytes(first.data, resolved);
  const blobs = collectBlobs(rest, manifest, resolved);
  return {
    manifest,
    blob(sha256: string): Uint8Array {
      const data = blobs.get(sha256);
      if (data === undefined) throw new PatchcastError('NOT_FOUND', `no blob ${sha256} in bundle`);
      return data;
    },
  };
}

function collectBlobs(
  entries: readonly TarEntry[],
  manifest: BundleManifest,
  limits: BundleLimits,
): Map<string, Uint8Array> {
  const expected = new Map(manifest.files.map((file) => [file.sha256, file.size]));
  const blobs = new Map<string, Uint8Array>();
  let previous = '';
  for (const entry of entries) {
    const hash = blobHashOf(entry.name, blobs);
    if (hash < previous) throw malformed(`blob ${hash} is out of order`);
    checkBlob(hash, entry.data, expected.get(hash), limits);
    blobs.set(hash, entry.data);
    previous = hash;
  }
  for (const file of manifest.files) {
    if (!blobs.has(file.sha256)) {
      throw malformed(`blob ${file.sha256} of ${quote(file.path)} is missing from the archive`);
    }
  }
  return blobs;
}

function blobHashOf(name: string, seen: ReadonlyMap<string, Uint8Array>): string {
  if (name === MANIFEST_NAME) throw malformed('archive has a second manifest.json');
  const hash = BLOB_NAME.exec(name)?.[1];
  if (hash === undefined) throw malformed(`archive has an unexpected entry ${quote(name)}`);
  if (seen.has(hash)) throw malformed(`archive has blob ${hash} twice`);
  return hash;
}

function checkBlob(
  hash: string,
  data: Uint8Array,
  size: number | undefined,
  limits: BundleLimits,
): void {
  if (size === undefined) throw malformed(`blob ${hash} is not referenced by the manifest`);
  if (data.length > limits.maxFileBytes) {
    throw malformed(`blob ${hash} has ${data.length} bytes; the limit is ${limits.maxFileBytes}`);
  }
  if (data.length !== size) throw malformed(`blob ${hash} has ${data.length} bytes, not ${size}`);
  if (sha256Hex(data) !== hash) throw malformed(`blob ${hash} does not match its SHA-256`);
}
