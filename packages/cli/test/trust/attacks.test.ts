/**
 * The attack suite against real processes: a real server, a real agent, and between them a
 * hostile mirror playing a compromised server or network path (it holds the server's online
 * keys where an attack needs them, never the offline root or targets keys). For each attack a
 * patch is published honestly, the mirror tampers with what the agent downloads, and the
 * rollout must show the agent's refusal with its security code; the agent installs nothing; then
 * the mirror heals and the next good patch installs normally. The operator's side (publishing,
 * rollouts, root ceremonies) runs the CLI's commands inside the test process: it is setup here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { generateKeyPairSet, signersOf as signersOfSet } from '@patchcast/core';
import { TrustFleet } from './fleet.js';
import { envelopeOf, isMlDsaSignature, resign, signersOf, strip, swapKeyIds } from './forge.js';
import type { Json } from './forge.js';
import { keyHolder, serverKey, setup } from './trust-helpers.js';

interface Versions {
  root: number;
  targets: number;
  snapshot: number;
  timestamp: number;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('attacks on the repository, refused by a real agent', () => {
  let fleet: TrustFleet;
  let timestampKey: Awaited<ReturnType<typeof signersOf>>;
  let snapshotKeys: Awaited<ReturnType<typeof signersOf>>;
  let allSnapshotKeys: Awaited<ReturnType<typeof signersOf>>;
  let firstTimestamp: Buffer;
  let firstSnapshot: Buffer;
  let patches = 0;

  const versions = async () =>
    (await fleet.h.hereJson<{ repository: Versions }>(['status'])).repository;
  const real = async (path: string) => {
    const bytes = await fleet.mirror.fetchReal(path);
    if (bytes === undefined) throw new Error(`no ${path}`);
    return bytes;
  };
  /** A timestamp as the compromised server would sign it: version `version`, naming `snapshot`. */
  const forgeTimestamp = async (version: number, snapshot: Buffer, snapshotVersion: number) =>
    resign(await real('/tuf/metadata/timestamp.json'), timestampKey, (signed) => ({
      ...signed,
      version,
      meta: {
        'snapshot.json': {
          version: snapshotVersion,
          length: snapshot.length,
          hashes: { sha256: sha256(snapshot) },
        },
      },
    }));

  /** Publishes a new patch honestly, lets `tamper` corrupt what the mirror serves, expects
   * `code`, heals the mirror, and expects the next good patch to install. */
  async function attack(
    code: string,
    tamper: (now: Versions, ref: string) => Promise<void> | void,
  ) {
    const ref = await fleet.publish(`attacked-${++patches}`);
    await tamper(await versions(), ref);
    await fleet.expectRefused(ref, code);
    fleet.mirror.heal();
    await fleet.expectInstalled(await fleet.publish(`good-${patches}`));
  }

  before(async () => {
    fleet = await TrustFleet.start();
    const { h } = fleet;
    firstTimestamp = await real('/tuf/metadata/timestamp.json');
    firstSnapshot = await real('/tuf/metadata/1.snapshot.json');
    // Snapshot needs 2 of 2 online keys from now on, so that one stolen key is under threshold.
    const online = join(h.dir, 'server/keys/online');
    await mkdir(online, { recursive: true });
    for (const n of [1, 2])
      await setup(h, ['keys', 'generate', '--out', join(online, `snapshot-${n}.key`)]);
    const draft = join(h.dir, 'root-2.json');
    await setup(h, [
      'root',
      'init',
      '--snapshot-key',
      join(online, 'snapshot-1.key.pub'),
      '--snapshot-key',
      join(online, 'snapshot-2.key.pub'),
      '--snapshot-threshold',
      '2',
      '--out',
      draft,
    ]);
    await setup(h, ['root', 'sign', draft, '--key', serverKey(h, 'root')]);
    await setup(h, ['root', 'publish', draft]);
    timestampKey = await signersOf(serverKey(h, 'timestamp'));
    snapshotKeys = await signersOf(join(online, 'snapshot-1.key'));
    allSnapshotKeys = await signersOf(
      join(online, 'snapshot-1.key'),
      join(online, 'snapshot-2.key'),
    );
    await fleet.expectInstalled(await fleet.publish('baseline'));
  });
  after(() => fleet.close());

  test('rollback of the timestamp: an older timestamp is refused', () =>
    attack('SECURITY_ROLLBACK', () => {
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => firstTimestamp);
    }));

  test('rollback of the snapshot: a new timestamp naming an older snapshot is refused', () =>
    attack('SECURITY_ROLLBACK', async (now) => {
      const forged = await forgeTimestamp(now.timestamp, firstSnapshot, 1);
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => forged);
    }));

  test('rollback of targets: a snapshot naming an older targets version is refused', () =>
    attack('SECURITY_ROLLBACK', async (now) => {
      const path = `/tuf/metadata/${now.snapshot}.snapshot.json`;
      const snapshot = resign(await real(path), allSnapshotKeys, (signed) => ({
        ...signed,
        meta: { 'targets.json': { version: 1 } },
      }));
      const timestamp = await forgeTimestamp(now.timestamp, snapshot, now.snapshot);
      fleet.mirror.tamper(path, () => snapshot);
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => timestamp);
    }));

  test('freeze: an expired timestamp is refused', () =>
    attack('SECURITY_EXPIRED', async (now) => {
      const stale = resign(await real('/tuf/metadata/timestamp.json'), timestampKey, (signed) => ({
        ...signed,
        version: now.timestamp,
        expires: '2020-01-01T00:00:00Z',
      }));
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => stale);
    }));

  test('mix-and-match: a snapshot other than the one the timestamp records is refused', () =>
    attack('SECURITY_MIX_AND_MATCH', (now) => {
      fleet.mirror.tamper(`/tuf/metadata/${now.snapshot}.snapshot.json`, () => firstSnapshot);
    }));

  test('a tampered target behind valid metadata: a bundle that does not match its signed hash is refused', () =>
    attack('SECURITY_TARGET_MISMATCH', async (_now, ref) => {
      const path = await targetUrl(ref);
      fleet.mirror.tamper(path, (bytes) => {
        const evil = Buffer.from(bytes ?? Buffer.alloc(0));
        evil.writeUInt8(evil.readUInt8(evil.length - 1) ^ 0xff, evil.length - 1);
        return evil;
      });
    }));

  test('endless data: a bundle longer than its signed length is cut off and refused', () =>
    attack('SECURITY_LENGTH_EXCEEDED', async (_now, ref) => {
      const path = await targetUrl(ref);
      fleet.mirror.tamper(path, (bytes) =>
        Buffer.concat([bytes ?? Buffer.alloc(0), Buffer.alloc(1 << 20)]),
      );
    }));

  test('threshold not met (snapshot): one stolen key of 2 signs a snapshot, refused', () =>
    attack('SECURITY_SIGNATURE_INVALID', async (now) => {
      const path = `/tuf/metadata/${now.snapshot}.snapshot.json`;
      const snapshot = resign(await real(path), snapshotKeys, (signed: Json) => signed);
      const timestamp = await forgeTimestamp(now.timestamp, snapshot, now.snapshot);
      fleet.mirror.tamper(path, () => snapshot);
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => timestamp);
    }));

  test('stripped post-quantum signatures: Ed25519 alone is refused', () =>
    attack('SECURITY_PQ_SIGNATURE_MISSING', async () => {
      const stripped = strip(
        await real('/tuf/metadata/timestamp.json'),
        (s) => !isMlDsaSignature(s),
      );
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => stripped);
    }));

  test('a root signed by an untrusted key is refused', () =>
    attack('SECURITY_SIGNATURE_INVALID', async (now) => {
      const attacker = signersOfSet(generateKeyPairSet('hybrid'));
      const current = await real(`/tuf/metadata/${now.root}.root.json`);
      const forged = resign(current, attacker, (signed) => ({ ...signed, version: now.root + 1 }));
      fleet.mirror.tamper(`/tuf/metadata/${now.root + 1}.root.json`, () => forged);
    }));

  test('post-quantum downgrade: a root without ML-DSA keys is refused (--require-pq default)', () =>
    attack('SECURITY_PQ_SIGNATURE_MISSING', async (now) => {
      // Signed by the real root key, both halves: a stock client would follow it.
      const rootKey = await signersOf(serverKey(fleet.h, 'root'));
      const current = await real(`/tuf/metadata/${now.root}.root.json`);
      const classical = resign(current, rootKey, (signed) => {
        const roles = signed.roles as Record<string, Json>;
        for (const role of Object.values(roles)) delete role['x-patchcast-pq'];
        return { ...signed, version: now.root + 1, roles };
      });
      fleet.mirror.tamper(`/tuf/metadata/${now.root + 1}.root.json`, () => classical);
    }));

  test('arbitrary install, wrongly signed target: a compromised server key trying to sign targets is refused', () =>
    attack('SECURITY_SIGNATURE_INVALID', async (now) => {
      const path = `/tuf/metadata/${now.targets}.targets.json`;
      const forged = resign(await real(path), [...timestampKey, ...allSnapshotKeys]);
      fleet.mirror.tamper(path, () => forged);
    }));

  test('arbitrary install, unsigned target: a notice for a patch no signed targets names is refused', () =>
    attack('SECURITY_TARGET_UNKNOWN', async (now, ref) => {
      // The compromised server announces the new patch, but it cannot sign targets: with its
      // online keys it keeps agents on the targets version before the patch, which does not
      // name it (a snapshot naming the version the agent already trusts is no rollback).
      const [name, version] = ref.split('@') as [string, string];
      const previous = envelopeOf(await real(`/tuf/metadata/${now.targets - 1}.targets.json`));
      const named = Object.keys(previous.signed.targets as Json);
      assert.ok(named.length > 0 && !named.includes(`${name}/${version}/bundle.tar`), ref);
      const path = `/tuf/metadata/${now.snapshot}.snapshot.json`;
      const snapshot = resign(await real(path), allSnapshotKeys, (signed) => ({
        ...signed,
        meta: { ...(signed.meta as Json), 'targets.json': { version: now.targets - 1 } },
      }));
      const timestamp = await forgeTimestamp(now.timestamp, snapshot, now.snapshot);
      fleet.mirror.tamper(path, () => snapshot);
      fleet.mirror.tamper('/tuf/metadata/timestamp.json', () => timestamp);
    }));

  test('key-type confusion: ML-DSA signature bytes under the Ed25519 key id (and the reverse) are refused', () =>
    attack('SECURITY_SIGNATURE_INVALID', async (now) => {
      // The publisher's real targets signatures, each filed under the other kind's key id: a
      // verifier that chose the algorithm from the signature or key material instead of the
      // key's declared keytype and scheme would count both. Ours checks each signature only as
      // its key declares it, and each verifier refuses material of the wrong type.
      const path = `/tuf/metadata/${now.targets}.targets.json`;
      const swapped = swapKeyIds(await real(path));
      fleet.mirror.tamper(path, () => swapped);
    }));

  test('fast-forward: a stolen timestamp key locks agents out until a root rotates it', async () => {
    const { h, mirror } = fleet;
    // The thief's timestamp jumps 1000 versions ahead; it names the real snapshot, so this
    // patch still installs, but the agent now trusts version +1000.
    const ahead = await fleet.publish('fast-forwarded');
    const now = await versions();
    const snapshot = await real(`/tuf/metadata/${now.snapshot}.snapshot.json`);
    const forged = await forgeTimestamp(now.timestamp + 1000, snapshot, now.snapshot);
    mirror.tamper('/tuf/metadata/timestamp.json', () => forged);
    await fleet.expectInstalled(ahead);
    mirror.heal();
    await fleet.expectRefused(await fleet.publish('locked-out'), 'SECURITY_ROLLBACK');
    // Recovery (§5.3.11): a new root replaces the timestamp key; agents forget the old timestamp.
    const next = join(h.dir, 'server/keys/online/timestamp-2.key');
    await setup(h, ['keys', 'generate', '--out', next]);
    const draft = join(h.dir, 'root-rotate-timestamp.json');
    await setup(h, ['root', 'init', '--timestamp-key', `${next}.pub`, '--out', draft]);
    await setup(h, ['root', 'sign', draft, '--key', serverKey(h, 'root')]);
    await setup(h, ['root', 'publish', draft]);
    await fleet.expectInstalled(await fleet.publish('recovered'));
  });

  test('threshold not met (targets): targets signed by 1 of 2 targets keys is refused', async () => {
    const { h, mirror } = fleet;
    // Root moves targets to 2 of 2 keys; the targets in force already carry both signatures.
    const first = serverKey(h, 'targets');
    const second = await keyHolder(h, 'targets-2');
    const both = [first, second];
    await fleet.expectInstalled(await fleet.publish('signed-by-both', both));
    const draft = join(h.dir, 'root-targets-2-of-2.json');
    await setup(h, [
      'root',
      'init',
      '--targets-key',
      join(h.dir, 'server/keys/targets.pub'), // the dev key set's public file
      '--targets-key',
      `${second}.pub`,
      '--targets-threshold',
      '2',
      '--out',
      draft,
    ]);
    await setup(h, ['root', 'sign', draft, '--key', serverKey(h, 'root')]);
    await setup(h, ['root', 'publish', draft]);
    await fleet.expectInstalled(await fleet.publish('after-2-of-2', both));

    // One stolen targets key: the attacker re-signs the real targets (or any of its own) alone.
    const ref = await fleet.publish('under-targets-threshold', both);
    const now = await versions();
    const path = `/tuf/metadata/${now.targets}.targets.json`;
    const oneKey = resign(await real(path), await signersOf(first));
    mirror.tamper(path, () => oneKey);
    await fleet.expectRefused(ref, 'SECURITY_SIGNATURE_INVALID');
    assert.ok(mirror.served.includes(path), 'the under-threshold targets were served');
    mirror.heal();
    await fleet.expectInstalled(await fleet.publish('two-of-two', both));
  });

  /** The consistent-snapshot URL of `ref`'s bundle, from the real targets metadata. */
  async function targetUrl(ref: string): Promise<string> {
    const [name, version] = ref.split('@') as [string, string];
    const now = await versions();
    const targets = envelopeOf(await real(`/tuf/metadata/${now.targets}.targets.json`)).signed
      .targets as Record<string, { hashes: { sha256: string } }>;
    const info = targets[`${name}/${version}/bundle.tar`];
    if (info === undefined) throw new Error(`${ref} is not in targets`);
    return `/tuf/targets/${name}/${version}/${info.hashes.sha256}.bundle.tar`;
  }
});
