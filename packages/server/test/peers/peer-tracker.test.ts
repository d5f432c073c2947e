/**
 * The tracker (docs/protocol/peers.md §3): answers only connected, enrolled, not revoked devices
 * of the asker's site; vouches for keys on the same terms; malformed bodies are ignored.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBitfield } from '@patchcast/protocol';
import type { ServerMessage } from '@patchcast/protocol';
import { PeerFeature } from '../../src/features/peers/peer-feature.js';
import type { DeviceRecord } from '../../src/storage/store.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function device(id: string, labels: Record<string, string>, revoked = false): DeviceRecord {
  return {
    id,
    name: id,
    publicKey: id.padEnd(64, '0').slice(0, 64),
    labels,
    inventory: { hostname: id, os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: '2026-12-08T00:00:00Z',
    lastSeenAt: null,
    lastTimestampVersion: 0,
    ...(revoked ? { revokedAt: '2026-12-08T00:01:00Z' } : {}),
  };
}

function fixture() {
  const devices = new Map<string, DeviceRecord>(
    [
      device('asker', { site: 'hq' }),
      device('same', { site: 'hq' }),
      device('far', { site: 'branch' }),
      device('nosite', {}),
      device('revoked', { site: 'hq' }, true),
      device('offline', { site: 'hq' }),
      device('empty', { site: 'hq' }),
    ].map((d) => [d.id, d]),
  );
  const warnings: string[] = [];
  const feature = new PeerFeature({
    getDevice: (id) => Promise.resolve(devices.get(id)),
    online: (id) => id !== 'offline',
    warn: (_fields, message) => void warnings.push(message),
  });
  return { feature, devices, warnings };
}

const have = (pieces: number[], address = 'http://127.0.0.2:7475') => ({
  kind: 'have',
  sha256: SHA,
  pieces: 4,
  have: encodeBitfield(pieces, 4),
  address,
});

function body(message: ServerMessage | undefined): Record<string, unknown> {
  assert.equal(message?.type, 'peer');
  return (message as { body: Record<string, unknown> }).body;
}

describe('the tracker', () => {
  test('want: only connected, enrolled, not revoked devices of the asker site holding pieces', async () => {
    const { feature } = fixture();
    for (const id of ['same', 'far', 'nosite', 'offline', 'asker'])
      await feature.receive(id, have([0, 1]));
    await feature.receive('revoked', have([0]));
    await feature.receive('empty', have([]));
    await feature.receive('same', { ...have([2]), sha256: OTHER }); // another target
    const answer = body(
      await feature.receive('asker', { kind: 'want', requestId: 'r1', sha256: SHA }),
    );
    const peers = answer.peers as { deviceId: string; address: string; have: string }[];
    assert.deepEqual(
      peers.map((p) => p.deviceId).sort(),
      ['same'],
      'far: another site; nosite and revoked: not tracked; offline: gone; empty: nothing held',
    );
    assert.equal(answer.requestId, 'r1');
    const fromFar = body(
      await feature.receive('far', { kind: 'want', requestId: 'r2', sha256: SHA }),
    );
    assert.deepEqual(fromFar.peers, [], 'far is alone in its site');
    const fromNoSite = body(
      await feature.receive('nosite', { kind: 'want', requestId: 'r3', sha256: SHA }),
    );
    assert.deepEqual(fromNoSite.peers, [], 'a device without a site has no peers');
  });

  test('drop forgets a holder', async () => {
    const { feature } = fixture();
    await feature.receive('same', have([0]));
    await feature.receive('same', { kind: 'drop', sha256: SHA });
    const answer = body(
      await feature.receive('asker', { kind: 'want', requestId: 'r', sha256: SHA }),
    );
    assert.deepEqual(answer.peers, []);
  });

  test('check vouches for the keys of enrolled, not revoked devices of the same site only', async () => {
    const { feature, devices } = fixture();
    const check = async (asker: string, deviceIds: string[]) =>
      body(await feature.receive(asker, { kind: 'check', requestId: 'c', deviceIds })).keys;
    const all = ['same', 'far', 'revoked', 'nosite', 'unknown'];
    assert.deepEqual(await check('asker', all), { same: devices.get('same')?.publicKey });
    assert.deepEqual(await check('revoked', ['same']), {}, 'a revoked asker gets nothing');
    assert.deepEqual(await check('nosite', ['same']), {});
  });

  test('reports are logged; malformed bodies are ignored and logged', async () => {
    const { feature, warnings } = fixture();
    const report = {
      kind: 'report',
      sha256: SHA,
      deviceId: 'same',
      piece: 1,
      fault: 'wrong-bytes',
    };
    assert.equal(await feature.receive('asker', report), undefined);
    assert.equal(await feature.receive('asker', { kind: 'have', sha256: 'x' }), undefined);
    assert.equal(
      await feature.receive('asker', { ...have([0]), address: 'file:///etc' }),
      undefined,
    );
    assert.deepEqual(warnings, [
      'peer reported by a device of its site',
      'malformed peer message ignored',
      'malformed peer message ignored',
    ]);
  });
});
