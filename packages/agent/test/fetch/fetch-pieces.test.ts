/**
 * The piece-wise download (docs/protocol/peers.md §5) against a real HTTP origin that serves byte
 * ranges and fake peers (fakes over mocks): bytes from a good peer, a lying peer dropped and
 * reported with the origin serving its piece, a peer that lacks a piece not reported, and an
 * origin whose bytes are not the signed ones refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityError } from '@patchcast/core';
import { pieceListOf, pieceSpan } from '@patchcast/protocol';
import type { PeerFault } from '@patchcast/protocol';
import { fetchPieces } from '../../src/fetch/fetch-pieces.js';
import { PeerFailure, PeerLacksPiece } from '../../src/fetch/piece-swarm.js';
import type { PeerView, PieceSwarm } from '../../src/fetch/piece-swarm.js';

const SIZE = 1 << 16;
const BYTES = new Uint8Array(randomBytes(SIZE * 5 + 123));
const SHA = createHash('sha256').update(BYTES).digest('hex');
const PIECES = pieceListOf(BYTES, SIZE);
const INFO = { length: BYTES.length, hashes: { sha256: SHA } };
const ALL = new Set([0, 1, 2, 3, 4, 5]);

/** An origin serving `bytes` with byte ranges; counts the bytes it sent. */
async function origin(bytes: Uint8Array) {
  const state = { sent: 0 };
  const server = createServer((req, res) => {
    const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '') ?? [];
    const start = Number(a);
    const end = Math.min(Number(b), bytes.length - 1);
    const body = bytes.subarray(start, end + 1);
    state.sent += body.length;
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.length}` });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tuf/targets/${SHA}.t`;
  return { url, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

type Behaviour = (index: number) => Uint8Array;

function fakeSwarm(peers: Record<string, Behaviour>) {
  const reports: [string, number, PeerFault][] = [];
  const offered: number[] = [];
  const swarm: PieceSwarm = {
    peers: () =>
      Promise.resolve(
        Object.keys(peers).map((deviceId): PeerView => ({
          deviceId,
          address: 'http://x',
          have: new Set(ALL),
        })),
      ),
    fetchPiece: (peer, _sha, index) => Promise.resolve().then(() => peers[peer.deviceId]!(index)),
    report: (_sha, deviceId, piece, fault) => void reports.push([deviceId, piece, fault]),
    offer: (_sha, file) => void offered.push(file.held.size),
  };
  return { swarm, reports, offered };
}

const piece = (index: number) => {
  const { offset, length } = pieceSpan(BYTES.length, SIZE, index);
  return BYTES.slice(offset, offset + length);
};

async function run(swarm: PieceSwarm | undefined, bytes = BYTES) {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-pieces-'));
  const served = await origin(bytes);
  try {
    const target = { path: 't', url: served.url, info: INFO, pieces: PIECES };
    const options = { downloadsDir: dir, swarm, log: () => undefined, baseDelayMs: 1 };
    const result = await fetchPieces(options, target).catch((error: unknown) => error as Error);
    return { result, originSent: served.state.sent, left: await readdir(dir) };
  } finally {
    await served.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('piece-wise downloads', () => {
  test('every piece from a good peer: nothing from the origin', async () => {
    const { swarm, reports } = fakeSwarm({ good: piece });
    const { result, originSent } = await run(swarm);
    assert.ok(!(result instanceof Error), result instanceof Error ? result.message : '');
    assert.deepEqual(Buffer.from(result.bytes), Buffer.from(BYTES));
    assert.deepEqual([result.peerBytes, result.originBytes, originSent], [BYTES.length, 0, 0]);
    assert.deepEqual(reports, []);
  });

  test('a peer that lies is dropped and reported once; the origin serves; the file is right', async () => {
    const liar: Behaviour = (index) => piece(index).map((b) => b ^ 1);
    const { swarm, reports } = fakeSwarm({ liar });
    const { result } = await run(swarm);
    assert.ok(!(result instanceof Error), result instanceof Error ? result.message : '');
    assert.deepEqual(Buffer.from(result.bytes), Buffer.from(BYTES));
    assert.equal(result.peerBytes, 0);
    assert.equal(result.originBytes, BYTES.length);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.[0], 'liar');
    assert.equal(reports[0]?.[2], 'wrong-bytes');
  });

  test('short bytes and a stall are faults; a piece a peer lacks is not', async () => {
    const short: Behaviour = (index) => piece(index).subarray(1);
    const stalls: Behaviour = () => {
      throw new PeerFailure('stalled', 'no answer');
    };
    const lacks: Behaviour = () => {
      throw new PeerLacksPiece('not held');
    };
    const { swarm, reports } = fakeSwarm({ short, stalls, lacks });
    const { result } = await run(swarm);
    assert.ok(!(result instanceof Error), result instanceof Error ? result.message : '');
    assert.deepEqual(Buffer.from(result.bytes), Buffer.from(BYTES));
    const faults = Object.fromEntries(reports.map(([id, , fault]) => [id, fault]));
    assert.deepEqual(faults, { short: 'truncated', stalls: 'stalled' });
  });

  test('an origin whose bytes are not the signed pieces is refused; nothing is kept', async () => {
    const wrong = BYTES.slice();
    wrong[SIZE * 2 + 7] = (wrong[SIZE * 2 + 7] ?? 0) ^ 0xff;
    const { result, left } = await run(undefined, wrong);
    assert.ok(result instanceof SecurityError, 'a security error');
    assert.equal(result.code, 'SECURITY_TARGET_MISMATCH');
    assert.deepEqual(left, []);
  });

  test('without peers, the finished download is not kept', async () => {
    const { result, left, originSent } = await run(undefined);
    assert.ok(!(result instanceof Error), result instanceof Error ? result.message : '');
    assert.equal(originSent, BYTES.length);
    assert.deepEqual(left, []);
  });
});
