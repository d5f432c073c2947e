/**
 * Piece hashes of a target (docs/protocol/peers.md §2, ADR 0040). The publisher signs, in a
 * target's `custom.patchcast.pieces`, the piece size and the SHA-256 of every piece, so an agent
 * can check each piece it gets from an untrusted peer on its own, before it writes it; the whole
 * file is still checked against the target's signed hash and length (TUF §5.7) before any use.
 */
import { z } from 'zod';
import { PatchcastError, sha256Hex } from '@patchcast/core/base';

/** 1 MiB: a 50 MB bundle is 48 pieces, 3 KB of hashes in targets metadata. */
export const PIECE_SIZE = 1 << 20;
/** Bundles are at most a few hundred MiB; more pieces than this is not a bundle of ours. */
export const MAX_PIECES = 4096;

const SHA256 = /^[0-9a-f]{64}$/;

export const pieceListSchema = z.strictObject({
  /** Bytes per piece, a power of two from 64 KiB to 16 MiB; the last piece may be shorter. */
  size: z
    .number()
    .int()
    .min(1 << 16)
    .max(1 << 24)
    .refine((size) => (size & (size - 1)) === 0, 'a power of two'),
  sha256: z.array(z.string().regex(SHA256)).max(MAX_PIECES),
});
export type PieceList = z.infer<typeof pieceListSchema>;

/** How many pieces of `size` bytes a file of `length` bytes has (an empty file: none). */
export function pieceCount(length: number, size: number): number {
  return Math.ceil(length / size);
}

/** Where piece `index` starts and how long it is. */
export function pieceSpan(length: number, size: number, index: number) {
  const offset = index * size;
  return { offset, length: Math.min(size, length - offset) };
}

/** The piece list a publisher signs for `bytes`. */
export function pieceListOf(bytes: Uint8Array, size = PIECE_SIZE): PieceList {
  const sha256: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    sha256.push(sha256Hex(bytes.subarray(offset, Math.min(offset + size, bytes.length))));
  return { size, sha256 };
}

/**
 * The signed piece list of a target entry, undefined when it has none (published before pieces).
 * A malformed list, or one whose count does not fit the signed length, throws METADATA_INVALID:
 * pieces that cannot cover the file are never used.
 */
export function signedPiecesOf(
  path: string,
  info: { readonly length: number; readonly custom?: Readonly<Record<string, unknown>> },
): PieceList | undefined {
  const custom = info.custom?.patchcast;
  const field =
    typeof custom === 'object' && custom !== null && !Array.isArray(custom)
      ? (custom as Record<string, unknown>).pieces
      : undefined;
  if (field === undefined) return undefined;
  const parsed = pieceListSchema.safeParse(field);
  if (!parsed.success || parsed.data.sha256.length !== pieceCount(info.length, parsed.data.size))
    throw new PatchcastError('METADATA_INVALID', `target ${path} has a malformed piece list`, {
      hint: 'publish the target again with `patchcast publish`, which writes the piece list',
    });
  return parsed.data;
}

/** True when `bytes` is piece `index` of the signed list. */
export function isSignedPiece(pieces: PieceList, index: number, bytes: Uint8Array): boolean {
  const expected = pieces.sha256[index];
  return expected !== undefined && sha256Hex(bytes) === expected;
}
