import { HASH_SIZE } from './hash.js';
import type { NodeReader } from './node-reader.js';
import type { TileId } from './tile-path.js';
import { TILE_HEIGHT, TILE_WIDTH } from './tile-path.js';
import { invalidArgument, malformed } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/**
 * C2SP tlog-tiles "Partial Tiles": how many hashes tile (level, index) holds in a tree of
 * `treeSize` leaves: 0 when it does not exist, 1 to 255 when partial, 256 when full.
 */
export function tileWidth(treeSize: number, level: number, index: number): number {
  const hashesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtLevel - index * TILE_WIDTH));
}

/**
 * The tiles a log grown from `oldSize` to `newSize` must publish: every tile that exists at
 * `newSize` with a width it did not have at `oldSize` (full tiles and the new partial tiles).
 */
export function tilesForGrowth(oldSize: number, newSize: number): TileId[] {
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) {
    throw invalidArgument(`a log cannot grow from ${String(oldSize)} to ${String(newSize)}`);
  }
  const tiles: TileId[] = [];
  for (let level = 0; TILE_WIDTH ** level <= newSize; level += 1) {
    const first = Math.floor(Math.floor(oldSize / TILE_WIDTH ** level) / TILE_WIDTH);
    const last = Math.ceil(Math.floor(newSize / TILE_WIDTH ** level) / TILE_WIDTH) - 1;
    for (let index = first; index <= last; index += 1) {
      const width = tileWidth(newSize, level, index);
      if (width > 0 && width !== tileWidth(oldSize, level, index)) {
        tiles.push({ level, index, width });
      }
    }
  }
  return tiles;
}

/** All the tiles of a tree of `size` leaves (C2SP tlog-tiles "Merkle Tree"). */
export function tilesForTreeSize(size: number): TileId[] {
  return tilesForGrowth(0, size);
}

/**
 * C2SP tlog-tiles "Merkle Tree": hash i of tile (l, n) is MTH(D[(n*256 + i) * 256^l :
 * (n*256 + i + 1) * 256^l]), the stored node at tree level 8l and index n*256 + i.
 */
export function tileHashes(reader: NodeReader, tile: TileId): Uint8Array[] {
  const first = tile.index * TILE_WIDTH;
  return Array.from({ length: tile.width }, (_, i) =>
    reader.readNode(TILE_HEIGHT * tile.level, first + i),
  );
}

/** The served form of a tile: its hashes concatenated. */
export function encodeTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length < 1 || hashes.length > TILE_WIDTH) throw invalidArgument('bad tile width');
  const bytes = new Uint8Array(hashes.length * HASH_SIZE);
  for (const [i, hash] of hashes.entries()) {
    if (hash.length !== HASH_SIZE) throw invalidArgument('a tile hash must be 32 bytes');
    bytes.set(hash, i * HASH_SIZE);
  }
  return bytes;
}

/** Splits fetched tile bytes, which must hold exactly `width` hashes. */
export function decodeTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (bytes.length !== width * HASH_SIZE) {
    throw malformed(`a tile of width ${width} must be ${width * HASH_SIZE} bytes`);
  }
  return Array.from({ length: width }, (_, i) => bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}
