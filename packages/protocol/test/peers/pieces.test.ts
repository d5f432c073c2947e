/** Piece lists (docs/protocol/peers.md §2) and the tracker's bitfields (§3). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PatchcastError } from '@patchcast/core';
import {
  decodeBitfield,
  encodeBitfield,
  isSignedPiece,
  parsePeerRequest,
  pieceListOf,
  pieceSpan,
  signedPiecesOf,
} from '../../src/index.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const SIZE = 1 << 16;

describe('piece lists', () => {
  const bytes = new Uint8Array(SIZE * 2 + 100).map((_, i) => (i * 31) % 251);

  test('each piece hash is the SHA-256 of its span; the last piece is the remainder', () => {
    const list = pieceListOf(bytes, SIZE);
    assert.equal(list.sha256.length, 3);
    for (let index = 0; index < 3; index++) {
      const span = pieceSpan(bytes.length, SIZE, index);
      const piece = bytes.subarray(span.offset, span.offset + span.length);
      assert.equal(list.sha256[index], sha(piece));
      assert.ok(isSignedPiece(list, index, piece));
    }
    assert.equal(pieceSpan(bytes.length, SIZE, 2).length, 100);
    assert.ok(!isSignedPiece(list, 2, bytes.subarray(0, 99)), 'a truncated piece');
    assert.ok(!isSignedPiece(list, 3, bytes.subarray(0, 1)), 'no such piece');
  });

  test('signed lists are read from custom.patchcast.pieces; absent means none', () => {
    const list = pieceListOf(bytes, SIZE);
    const info = { length: bytes.length, custom: { patchcast: { pieces: list } } };
    assert.deepEqual(signedPiecesOf('t', info), list);
    assert.equal(signedPiecesOf('t', { length: 5, custom: { patchcast: {} } }), undefined);
  });

  test('a list that cannot cover the signed length, or is malformed, is refused', () => {
    const list = pieceListOf(bytes, SIZE);
    const bad = [
      { ...list, sha256: list.sha256.slice(1) },
      { ...list, size: SIZE + 1 },
      { ...list, size: 1024 },
      { ...list, sha256: ['x'.repeat(64), ...list.sha256.slice(1)] },
      { ...list, extra: 1 },
    ];
    for (const pieces of bad) {
      const info = { length: bytes.length, custom: { patchcast: { pieces } } };
      assert.throws(
        () => signedPiecesOf('t', info),
        (e: unknown) => e instanceof PatchcastError && e.code === 'METADATA_INVALID',
      );
    }
  });
});

describe('bitfields', () => {
  test('decode(encode(set)) is the set, below the count', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(300)), fc.nat(300), (held, count) => {
        const decoded = decodeBitfield(encodeBitfield(held, count), count);
        assert.deepEqual(
          [...decoded].sort((a, b) => a - b),
          held.filter((i) => i < count).sort((a, b) => a - b),
        );
      }),
    );
  });

  test('tracker requests are strict', () => {
    const have = encodeBitfield([0, 2], 3);
    const ok = {
      kind: 'have',
      sha256: 'a'.repeat(64),
      pieces: 3,
      have,
      address: 'http://127.0.0.2:4000',
    };
    assert.deepEqual(parsePeerRequest(ok), ok);
    assert.equal(parsePeerRequest({ ...ok, address: 'http://h:1/path' }), undefined);
    assert.equal(parsePeerRequest({ ...ok, extra: true }), undefined);
    assert.equal(
      parsePeerRequest({
        kind: 'report',
        sha256: 'a'.repeat(64),
        deviceId: 'd',
        piece: 1,
        fault: 'x',
      }),
      undefined,
    );
  });
});
