/**
 * The serving peer's checks of a piece request (docs/protocol/peers.md §4): each refusal reason
 * on its own, against one request that passes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { PEER_HEADERS, peerPiecePath, peerRequestStatement } from '@patchcast/protocol';
import type { PeerPieceRequest } from '@patchcast/protocol';
import { RequestChecker } from '../../src/peer/request-check.js';

const NOW = 1_765_000_000_000;
const requester = generateEd25519();
const stranger = generateEd25519();

function setup(vouched: Record<string, string> = { 'dev-asker': requester.publicHex }) {
  const asked: string[] = [];
  const checker = new RequestChecker({
    deviceId: 'dev-server',
    now: () => NOW,
    vouch: (id) => {
      asked.push(id);
      return Promise.resolve(vouched[id]);
    },
  });
  return { checker, asked };
}

function signed(
  overrides: Partial<PeerPieceRequest> = {},
  key = requester,
): { url: string; headers: Record<string, string> } {
  const request: PeerPieceRequest = {
    sha256: 'c'.repeat(64),
    piece: 3,
    from: 'dev-asker',
    to: 'dev-server',
    time: NOW - 1000,
    nonce: 'nonce-0001',
    ...overrides,
  };
  const signature = ed25519Signer(key).sign(peerRequestStatement(request));
  return {
    url: peerPiecePath(request),
    headers: {
      [PEER_HEADERS.device]: request.from,
      [PEER_HEADERS.time]: String(request.time),
      [PEER_HEADERS.nonce]: request.nonce,
      [PEER_HEADERS.signature]: signature,
    },
  };
}

const why = async (
  checker: RequestChecker,
  r: { url: string; headers: Record<string, string> },
) => {
  const checked = await checker.check(r.url, r.headers);
  return checked.ok ? 'ok' : `${checked.status} ${checked.why}`;
};

describe('piece request checks', () => {
  test('a fresh request signed by a vouched key passes once; its replay is refused', async () => {
    const { checker } = setup();
    const request = signed();
    assert.equal(await why(checker, request), 'ok');
    assert.equal(await why(checker, request), '403 replayed nonce');
  });

  test('each refusal', async () => {
    const { checker, asked } = setup();
    assert.equal(
      await why(checker, signed({ to: 'dev-other' })),
      '403 addressed to another device',
    );
    assert.equal(
      await why(checker, signed({ time: NOW - 61_000 })),
      '403 time outside the allowed skew',
    );
    assert.equal(
      await why(checker, signed({ time: NOW + 61_000 })),
      '403 time outside the allowed skew',
    );
    assert.equal(
      await why(checker, signed({ from: 'dev-stranger', nonce: 'n-stranger' }, stranger)),
      '403 not an enrolled device of this site',
    );
    assert.equal(
      await why(checker, signed({ nonce: 'n-forged' }, stranger)),
      '403 bad signature',
      "another key under the asker's id",
    );
    const tampered = signed({ nonce: 'n-tampered' });
    assert.equal(
      await why(checker, { ...tampered, url: tampered.url.replace('/3?', '/4?') }),
      '403 bad signature',
      'another piece than the one signed',
    );
    const bad = signed({ nonce: 'n-bad' });
    assert.equal(await why(checker, { ...bad, url: `${bad.url}&x=1` }), '400 malformed request');
    const noNonce = Object.fromEntries(
      Object.entries(bad.headers).filter(([name]) => name !== PEER_HEADERS.nonce),
    );
    assert.equal(await why(checker, { ...bad, headers: noNonce }), '400 malformed request');
    assert.deepEqual(asked, ['dev-stranger', 'dev-asker'], 'keys are cached, asked once each');
  });
});
