/**
 * Key rotation end to end with real processes: a root ceremony replaces the root key, the targets
 * key and the timestamp key; the agent walks the root chain and installs the next patch signed
 * with the new targets key; the revoked targets key can sign nothing any more, neither at the
 * server nor behind its back (a mirror serving targets signed with it). tuf-js 5.0.1, a stock
 * client, is the oracle for both.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { TrustFleet } from './fleet.js';
import { assertRefused, keyHolder, ok, serverKey } from './trust-helpers.js';
import { resign, signersOf } from './forge.js';

/** A fresh tuf-js client that trusts only root v1 and reads the repository at `base`. */
async function tufJs(dir: string, base: string, firstRoot: Buffer): Promise<Updater> {
  const metadataDir = join(dir, 'metadata');
  const targetDir = join(dir, 'targets');
  await mkdir(metadataDir, { recursive: true });
  await mkdir(targetDir, { recursive: true });
  await writeFile(join(metadataDir, 'root.json'), firstRoot);
  return new Updater({
    metadataDir,
    metadataBaseUrl: `${base}/tuf/metadata`,
    targetDir,
    targetBaseUrl: `${base}/tuf/targets`,
  });
}

describe('rotating the root, targets and timestamp keys', () => {
  let fleet: TrustFleet;
  let firstRoot: Buffer;
  let newTargets: string;

  before(async () => {
    fleet = await TrustFleet.start();
    firstRoot = (await fleet.mirror.fetchReal('/tuf/metadata/1.root.json')) ?? Buffer.alloc(0);
  });
  after(() => fleet.close());

  test('the agent follows root v2 and installs a patch signed with the new targets key', async () => {
    const { h } = fleet;
    await fleet.expectInstalled(await fleet.publish('before-rotation'));
    const alice = await keyHolder(h, 'alice');
    newTargets = await keyHolder(h, 'targets-2');
    await mkdir(join(h.dir, 'server/keys/online'), { recursive: true });
    const timestamp2 = join(h.dir, 'server/keys/online/timestamp-2.key');
    await ok(h, ['keys', 'generate', '--out', timestamp2]);

    const draft = join(h.dir, 'root-2.json');
    await ok(h, [
      'root',
      'init',
      '--key',
      `${alice}.pub`,
      '--targets-key',
      `${newTargets}.pub`,
      '--timestamp-key',
      `${timestamp2}.pub`,
      '--out',
      draft,
    ]);
    await ok(h, ['root', 'sign', draft, '--key', serverKey(h, 'root')]);
    await ok(h, ['root', 'sign', draft, '--key', alice]);
    const published = await h.cliJson<{ root: number; targets: number }>([
      'root',
      'publish',
      draft,
      '--targets-key',
      newTargets,
    ]);
    assert.equal(published.root, 2);

    // The revoked targets key cannot publish any more.
    const source = join(h.dir, 'src-revoked');
    await mkdir(join(source, 'files'), { recursive: true });
    await writeFile(join(source, 'files', 'revoked'), 'x\n');
    const revoked = await h.cli([
      'publish',
      source,
      '--name',
      'revoked',
      '--version',
      '1',
      '--key',
      serverKey(h, 'targets'),
    ]);
    assertRefused(revoked, 'KEY_INVALID');

    const ref = await fleet.publish('after-rotation', newTargets);
    await fleet.expectInstalled(ref);
    const trusted = JSON.parse(
      await readFile(join(h.agentDirs(fleet.agent).data, 'tuf', 'root.json'), 'utf8'),
    ) as { signed: { version: number } };
    assert.equal(trusted.signed.version, 2, 'the agent now trusts root v2');

    const oracle = await tufJs(join(h.dir, 'tufjs-good'), h.server, firstRoot);
    await oracle.refresh();
    const info = await oracle.getTargetInfo('after-rotation/1.0.0/bundle.tar');
    assert.ok(info, 'tuf-js walks 1.root.json -> 2.root.json and finds the new patch');
    const path = await oracle.downloadTarget(info, join(h.dir, 'tufjs-good', 'bundle.tar'));
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    assert.equal(sha256, info.hashes.sha256);
  });

  test('targets signed with the revoked key are refused by the agent and by tuf-js', async () => {
    const { h, mirror } = fleet;
    const ref = await fleet.publish('signed-by-revoked', newTargets);
    const oldKey = await signersOf(serverKey(h, 'targets'));
    const version = (await h.cliJson<{ repository: { targets: number } }>(['status'])).repository
      .targets;
    // The mirror serves the real targets, re-signed by the revoked key only.
    mirror.tamper(`/tuf/metadata/${version}.targets.json`, (real) => resign(real, oldKey));
    await fleet.expectRefused(ref, 'SECURITY_SIGNATURE_INVALID');
    const oracle = await tufJs(join(h.dir, 'tufjs-bad'), mirror.url, firstRoot);
    await assert.rejects(oracle.refresh(), /targets was signed by 0\/1 keys/);
    mirror.heal();
    await fleet.expectInstalled(await fleet.publish('next-good', newTargets));
  });

  test('a server missing an online key the root names refuses to start, and starts once it is back', async () => {
    const { h } = fleet;
    const key = join(h.dir, 'server/keys/online/timestamp-2.key');
    const aside = join(h.dir, 'timestamp-2.key.aside');
    await fleet.server?.stop();
    await rename(key, aside);
    const dataDir = join(h.dir, 'server');
    await assert.rejects(
      h.start(['server', '--data', dataDir, '--listen', '127.0.0.1:0'], /listening on /),
      /error\[ROOT_ONLINE_KEYS_MISSING\]: the server holds 0 of 1 Ed25519 and 0 of 1 ML-DSA-65 timestamp key/,
    );
    await rename(aside, key);
    await fleet.restartServer();
    await fleet.expectInstalled(await fleet.publish('after-restart', newTargets));
  });
});
