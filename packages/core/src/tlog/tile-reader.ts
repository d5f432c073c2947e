import { merkleRoot } from './compact-range.js';
import type { NodeId, NodeReader } from './node-reader.js';
import type { TileId } from './tile-path.js';
import { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, tilePath } from './tile-path.js';
import { decodeTile, tileWidth } from './tiles.js';
import { invalidArgument } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/** Supplies raw tile bytes, already fetched or stored (the caller does the I/O). */
export interface TileSource {
  readTile(tile: TileId): Uint8Array;
}

/** Where a stored node lives: `count` consecutive hashes of `tile` starting at `offset`. */
export interface TileSpan {
  readonly tile: TileId;
  readonly offset: number;
  readonly count: number;
}

/**
 * C2SP tlog-tiles "Merkle Tree": node (level, index) is the MTH of 2^(level mod 8) hashes of
 * the tile at tile level floor(level / 8), sized as that tile is in a tree of `treeSize` leaves.
 */
export function tileSpan(node: NodeId, treeSize: number): TileSpan {
  const { level, index } = node;
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL || !isCount(index)) {
    throw invalidArgument(`${String(level)}/${String(index)} is not a node`);
  }
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level % TILE_HEIGHT);
  const first = index * count;
  const tileIndex = Math.floor(first / TILE_WIDTH);
  const offset = first % TILE_WIDTH;
  const width = tileWidth(treeSize, tileLevel, tileIndex);
  if (offset + count > width) {
    throw invalidArgument(`node ${level}/${index} is not in a tree of size ${String(treeSize)}`);
  }
  return { tile: { level: tileLevel, index: tileIndex, width }, offset, count };
}

/** The tiles to fetch before reading `nodes` through tileNodeReader, without duplicates. */
export function tilesForNodes(nodes: readonly NodeId[], treeSize: number): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const node of nodes) {
    const { tile } = tileSpan(node, treeSize);
    tiles.set(tilePath(tile), tile);
  }
  return [...tiles.values()];
}

/** A NodeReader over the tiles of a tree of `treeSize` leaves; each tile is decoded once. */
export function tileNodeReader(treeSize: number, source: TileSource): NodeReader {
  const cache = new Map<string, Uint8Array[]>();
  const hashesOf = (tile: TileId): Uint8Array[] => {
    const path = tilePath(tile);
    const cached = cache.get(path) ?? decodeTile(source.readTile(tile), tile.width);
    cache.set(path, cached);
    return cached;
  };
  return {
    readNode(level, index) {
      const { tile, offset, count } = tileSpan({ level, index }, treeSize);
      const hashes = hashesOf(tile).slice(offset, offset + count);
      return count === 1 ? (hashes[0] as Uint8Array) : merkleRoot(hashes);
    },
  };
}
