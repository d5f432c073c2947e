import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchcastError, SecurityError } from '../../src/errors.js';
import type { TileId } from '../../src/tlog/index.js';
import {
  MerkleTree,
  consistencyProofRanges,
  decodeTile,
  encodeEntryBundle,
  encodeTile,
  entryBundlePath,
  inclusionProofRanges,
  leafHash,
  makeConsistencyProof,
  makeInclusionProof,
  merkleRoot,
  nodesForRanges,
  parseEntryBundle,
  parseTilePath,
  tileHashes,
  tileNodeReader,
  tilePath,
  tileSpan,
  tilesForGrowth,
  tilesForNodes,
  tilesForTreeSize,
  treeRoot,
} from '../../src/tlog/index.js';

const SIZE = 70_000;
const tree = new MerkleTree();
for (let i = 0; i < SIZE; i += 1) tree.append(new TextEncoder().encode(`e${i}`));

function publish(size: number): Map<string, Uint8Array> {
  const tiles = new Map<string, Uint8Array>();
  for (const tile of tilesForTreeSize(size)) {
    tiles.set(tilePath(tile), encodeTile(tileHashes(tree, tile)));
  }
  return tiles;
}

test('tile and entry bundle paths follow the C2SP tlog-tiles encoding', () => {
  assert.equal(tilePath({ level: 0, index: 1_234_067, width: 256 }), 'tile/0/x001/x234/067');
  assert.equal(tilePath({ level: 2, index: 0, width: 1 }), 'tile/2/000.p/1');
  assert.equal(tilePath({ level: 63, index: 1000, width: 255 }), 'tile/63/x001/000.p/255');
  assert.equal(entryBundlePath({ index: 273, width: 112 }), 'tile/entries/273.p/112');
  assert.deepEqual(parseTilePath('tile/entries/x001/x234/067'), {
    kind: 'entries',
    bundle: { index: 1_234_067, width: 256 },
  });
  assert.throws(() => tilePath({ level: 64, index: 0, width: 256 }), PatchcastError);
  assert.throws(() => tilePath({ level: 0, index: 0, width: 0 }), PatchcastError);
});

test('tile paths round-trip', () => {
  const tile = fc.record({
    level: fc.integer({ min: 0, max: 63 }),
    index: fc.integer({ min: 0, max: 2 ** 45 }),
    width: fc.integer({ min: 1, max: 256 }),
  });
  fc.assert(
    fc.property(tile, ({ level, index, width }) => {
      const t = { level, index, width };
      assert.deepEqual(parseTilePath(tilePath(t)), { kind: 'tile', tile: t });
      const bundle = { index: t.index, width: t.width };
      assert.deepEqual(parseTilePath(entryBundlePath(bundle)), { kind: 'entries', bundle });
    }),
  );
});

test('non-canonical or malformed tile paths are refused', () => {
  const bad = [
    'tile/0/x000/005',
    'tile/0/5',
    'tile/00/000',
    'tile/64/000',
    'tile/-1/000',
    'tile/0/000.p/256',
    'tile/0/000.p/0',
    'tile/0/000.p/017',
    'tile/0/000.p',
    'tile/0/000.p/1/2',
    '/tile/0/000',
    'tile/0/000/',
    'tile/0/x001',
    'tile/0/001/002',
    'tile/0',
    'tile/entry/000',
    'tile/0/x1000/000',
    'tile/0/0a0',
  ];
  for (const path of bad) assert.equal(parseTilePath(path), undefined, path);
});

test('tile counts match the C2SP tlog-tiles examples for sizes 70,000 and 256', () => {
  const tiles = tilesForTreeSize(70_000);
  const summary = (level: number): [number, number[]] => {
    const atLevel = tiles.filter((t) => t.level === level);
    const partial = atLevel.filter((t) => t.width < 256).map((t) => t.width);
    return [atLevel.length - partial.length, partial];
  };
  assert.deepEqual(
    [summary(0), summary(1), summary(2)],
    [
      [273, [112]],
      [1, [17]],
      [0, [1]],
    ],
  );
  assert.equal(tiles.length, 273 + 1 + 1 + 1 + 1);
  assert.deepEqual(tilesForTreeSize(256), [
    { level: 0, index: 0, width: 256 },
    { level: 1, index: 0, width: 1 },
  ]);
  assert.deepEqual(tilesForTreeSize(0), []);
});

test('tiles published while the log grows are immutable and cover the final tree', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 8 }), (steps) => {
      const served = new Map<string, Uint8Array>();
      let size = 0;
      for (const step of steps) {
        for (const tile of tilesForGrowth(size, size + step)) {
          const path = tilePath(tile);
          assert.equal(served.has(path), false, `${path} published twice`);
          served.set(path, encodeTile(tileHashes(tree, tile)));
        }
        size += step;
      }
      const expected = tilesForTreeSize(size).map(tilePath);
      assert.deepEqual(
        expected.filter((path) => !served.has(path)),
        [],
      );
    }),
    { numRuns: 30 },
  );
});

test('a level-1 tile holds the root of each full level-0 tile', () => {
  const [first] = tileHashes(tree, { level: 1, index: 0, width: 256 });
  const level0 = decodeTile(publish(SIZE).get('tile/0/000') as Uint8Array, 256);
  assert.deepEqual(first, merkleRoot(level0));
  const leaves = Array.from({ length: 256 }, (_, i) => leafHash(new TextEncoder().encode(`e${i}`)));
  assert.deepEqual(level0, leaves);
});

test('proofs computed from tiles equal proofs computed from the whole tree', () => {
  const sizes = [1, 255, 256, 257, 65_536, 65_537, SIZE];
  for (const size of sizes) {
    const tiles = publish(size);
    const readTile = (t: TileId): Uint8Array => tiles.get(tilePath(t)) ?? assert.fail(tilePath(t));
    const reader = tileNodeReader(size, { readTile });
    assert.deepEqual(treeRoot(reader, size), tree.root(size));
    for (const index of [0, Math.floor(size / 3), size - 1]) {
      assert.deepEqual(makeInclusionProof(reader, index, size), tree.inclusionProof(index, size));
      const old = Math.max(1, index);
      assert.deepEqual(makeConsistencyProof(reader, old, size), tree.consistencyProof(old, size));
    }
  }
});

test('a client knows which tiles to fetch for a proof', () => {
  const ranges = [...inclusionProofRanges(12_345, SIZE), ...consistencyProofRanges(777, SIZE)];
  const needed = tilesForNodes(nodesForRanges(ranges), SIZE).map(tilePath);
  const all = publish(SIZE);
  assert.ok(needed.every((path) => all.has(path)));
  assert.ok(needed.length <= 10, `${needed.length} tiles`);
  assert.deepEqual(tileSpan({ level: 9, index: 1 }, SIZE), {
    tile: { level: 1, index: 0, width: 256 },
    offset: 2,
    count: 2,
  });
  assert.throws(() => tileSpan({ level: 0, index: SIZE }, SIZE), PatchcastError);
});

test('tiles of the wrong length are refused as untrusted input', () => {
  assert.throws(() => decodeTile(new Uint8Array(32 * 3 - 1), 3), SecurityError);
  assert.throws(() => decodeTile(new Uint8Array(32 * 4), 3), SecurityError);
  const reader = tileNodeReader(SIZE, { readTile: () => new Uint8Array(32) });
  assert.throws(() => reader.readNode(0, 5), SecurityError);
});

test('entry bundles carry a big-endian uint16 length before each entry', () => {
  const entries = [new Uint8Array(0), Uint8Array.of(0x61), new Uint8Array(300).fill(7)];
  const bundle = encodeEntryBundle(entries);
  assert.equal(Buffer.from(bundle.subarray(0, 5)).toString('hex'), '0000000161');
  assert.equal(Buffer.from(bundle.subarray(5, 7)).toString('hex'), '012c');
  assert.deepEqual(parseEntryBundle(bundle, 3), entries);
  assert.throws(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1), 3), SecurityError);
  assert.throws(() => parseEntryBundle(bundle.subarray(0, 1), 1), SecurityError);
  assert.throws(() => parseEntryBundle(bundle, 2), SecurityError);
  assert.throws(() => parseEntryBundle(bundle, 4), SecurityError);
  assert.throws(() => parseEntryBundle(new Uint8Array(1000), 256), SecurityError);
  assert.throws(() => encodeEntryBundle([new Uint8Array(65_536)]), PatchcastError);
  assert.deepEqual(parseEntryBundle(encodeEntryBundle([new Uint8Array(65_535)]), 1).length, 1);
});
