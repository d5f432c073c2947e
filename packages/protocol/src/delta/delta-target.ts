/**
 * Binary deltas as TUF targets (docs/protocol/delta.md, ADR 0037). A delta rebuilds the bundle of
 * `<name>/<version>` from the bundle of an earlier version, identified by its SHA-256; it lives at
 * `<name>/<version>/deltas/<base sha256>.zst`, so an agent that holds a base finds the one delta
 * made for it without a listing. Its signed `custom.patchcast.delta` links the base and the result
 * by hash and length: the result is the bundle target of the same name and version.
 */
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { PATCH_NAME, PATCH_VERSION, targetPathOf } from '../names.js';
import type { PatchRef } from '../names.js';
import type { PieceList } from '../peers/pieces.js';

/** A zstd frame (RFC 8878) compressed with the base bundle as its raw-content dictionary. */
export const DELTA_FORMATS = ['zstd-patch-from/v1'] as const;
export type DeltaFormat = (typeof DELTA_FORMATS)[number];

const SHA256 = /^[0-9a-f]{64}$/;

const fileRef = z.strictObject({
  sha256: z.string().regex(SHA256),
  length: z.number().int().nonnegative(),
});

export const deltaLinkSchema = z.strictObject({
  format: z.enum(DELTA_FORMATS),
  base: fileRef.extend({ version: z.string().regex(PATCH_VERSION) }),
  result: fileRef,
});
export type DeltaLink = z.infer<typeof deltaLinkSchema>;

/** The target path of the delta from the bundle with SHA-256 `baseSha256` to `ref`'s bundle. */
export function deltaTargetPath(ref: PatchRef, baseSha256: string): string {
  return `${ref.name}/${ref.version}/deltas/${baseSha256}.zst`;
}

/** Inverse of deltaTargetPath; undefined for paths that are not deltas. */
export function deltaOfTargetPath(
  path: string,
): { readonly ref: PatchRef; readonly baseSha256: string } | undefined {
  const parts = path.split('/');
  if (parts.length !== 4 || parts[2] !== 'deltas') return undefined;
  const [name = '', version = '', , file = ''] = parts;
  const baseSha256 = file.endsWith('.zst') ? file.slice(0, -4) : '';
  if (!PATCH_NAME.test(name) || !PATCH_VERSION.test(version) || !SHA256.test(baseSha256))
    return undefined;
  return { ref: { name, version }, baseSha256 };
}

/**
 * The delta link a delta target's signed custom metadata carries. A missing or malformed link
 * throws METADATA_INVALID: a delta whose base and result are not signed is never applied.
 */
export function deltaLinkOf(path: string, info: TargetFile): DeltaLink {
  const custom = info.custom?.patchcast;
  const field =
    typeof custom === 'object' && custom !== null && !Array.isArray(custom)
      ? (custom as Record<string, unknown>).delta
      : undefined;
  const parsed = deltaLinkSchema.safeParse(field);
  if (!parsed.success)
    throw new PatchcastError('METADATA_INVALID', `delta target ${path} has no valid delta link`, {
      hint: 'publish the delta again with `patchcast publish`, which writes the link',
    });
  return parsed.data;
}

/** The target entry a publisher signs for a delta (docs/protocol/delta.md §2, peers.md §2). */
export function deltaTargetEntry(
  delta: { readonly sha256: string; readonly length: number },
  link: DeltaLink,
  pieces?: PieceList,
): TargetFile {
  return {
    length: delta.length,
    hashes: { sha256: delta.sha256 },
    custom: { patchcast: { delta: link, ...(pieces === undefined ? {} : { pieces }) } },
  };
}

/**
 * Why `link` does not connect the delta at `path` to `resultInfo`, the bundle target of the same
 * name and version; undefined when it does.
 */
export function deltaLinkMismatch(
  path: string,
  link: DeltaLink,
  resultInfo: TargetFile | undefined,
): string | undefined {
  const parsed = deltaOfTargetPath(path);
  if (parsed === undefined) return `${path} is not <name>/<version>/deltas/<sha256>.zst`;
  if (parsed.baseSha256 !== link.base.sha256)
    return `${path} names base ${parsed.baseSha256} but its link says ${link.base.sha256}`;
  if (resultInfo === undefined) return `${targetPathOf(parsed.ref)} is not published`;
  if (resultInfo.hashes.sha256 !== link.result.sha256 || resultInfo.length !== link.result.length)
    return `${path} does not rebuild the signed ${targetPathOf(parsed.ref)}`;
  return undefined;
}
