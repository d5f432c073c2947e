/**
 * Delegated targets roles with real processes: the targets key holder delegates path patterns to
 * a team key; the team publishes under them with `publish --role`; the agent finds the patch
 * through the delegation (§5.6.7) and installs it; tuf-js finds it too. Overlapping delegations,
 * paths outside the patterns and a delegated role signed by another key are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { TrustFleet } from './fleet.js';
import { assertRefused, keyHolder, ok, serverKey } from './trust-helpers.js';
import { resign, signersOf } from './forge.js';

describe('delegated targets roles', () => {
  let fleet: TrustFleet;
  let teamA: string;

  before(async () => {
    fleet = await TrustFleet.start();
  });
  after(() => fleet.close());

  const delegate = (name: string, key: string, path: string) =>
    fleet.h.cli([
      'delegate',
      'add',
      name,
      '--key',
      `${key}.pub`,
      '--path',
      path,
      '--targets-key',
      serverKey(fleet.h, 'targets'),
    ]);

  test('a team publishes under its patterns; the agent and tuf-js find the patch through the delegation', async () => {
    const { h } = fleet;
    teamA = await keyHolder(h, 'team-a');
    const teamB = await keyHolder(h, 'team-b');
    await ok(h, [
      'delegate',
      'add',
      'team-a',
      '--key',
      `${teamA}.pub`,
      '--path',
      'team-a-*/*/bundle.tar',
      '--targets-key',
      serverKey(h, 'targets'),
    ]);
    assertRefused(await delegate('team-b', teamB, '*/*/bundle.tar'), 'DELEGATION_OVERLAP');
    assertRefused(await delegate('Team B', teamB, 'b/*/bundle.tar'), 'DELEGATION_INVALID');
    const classical = join(h.dir, 'holders', 'classical.key');
    await ok(h, ['keys', 'generate', '--type', 'ed25519', '--out', classical]);
    assertRefused(
      await delegate('team-c', classical, 'team-c-*/*/bundle.tar'),
      'DELEGATION_INVALID',
      /no ML-DSA-65 keys/,
    );
    const listed = await h.cliJson<{ roles: { name: string; paths: string[] }[] }>([
      'delegate',
      'list',
    ]);
    assert.deepEqual(
      listed.roles.map((r) => [r.name, r.paths]),
      [['team-a', ['team-a-*/*/bundle.tar']]],
    );

    const ref = await fleet.publish('team-a-app', teamA, 'team-a');
    await fleet.expectInstalled(ref);
    // Handing team-a's role to other keys would orphan what team-a already signed.
    assertRefused(
      await delegate('team-a', teamB, 'team-a-*/*/bundle.tar'),
      'DELEGATION_INVALID',
      /would no longer verify/,
    );

    const source = join(h.dir, 'src-outside');
    await mkdir(join(source, 'files'), { recursive: true });
    await writeFile(join(source, 'files', 'x'), 'x\n');
    const publishAs = (name: string, key: string) =>
      h.cli([
        'publish',
        source,
        '--name',
        name,
        '--version',
        '1',
        '--key',
        key,
        '--role',
        'team-a',
      ]);
    assertRefused(await publishAs('other-app', teamA), 'DELEGATION_PATH_DENIED');
    assertRefused(await publishAs('team-a-tool', teamB), 'KEY_INVALID');

    const dir = join(h.dir, 'tufjs');
    await mkdir(join(dir, 'metadata'), { recursive: true });
    await mkdir(join(dir, 'targets'), { recursive: true });
    await writeFile(
      join(dir, 'metadata', 'root.json'),
      (await fleet.mirror.fetchReal('/tuf/metadata/1.root.json')) ?? '',
    );
    const oracle = new Updater({
      metadataDir: join(dir, 'metadata'),
      metadataBaseUrl: `${h.server}/tuf/metadata`,
      targetDir: join(dir, 'targets'),
      targetBaseUrl: `${h.server}/tuf/targets`,
    });
    await oracle.refresh();
    const info = await oracle.getTargetInfo('team-a-app/1.0.0/bundle.tar');
    assert.ok(info, 'tuf-js follows the delegation');
    const path = await oracle.downloadTarget(info, join(dir, 'targets', 'bundle.tar'));
    assert.equal(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
      info.hashes.sha256,
    );
  });

  test('delegated metadata signed by the top-level targets key instead of the team key is refused', async () => {
    const ref = await fleet.publish('team-a-second', teamA, 'team-a');
    const targetsKey = await signersOf(serverKey(fleet.h, 'targets'));
    fleet.mirror.tamper('/tuf/metadata/2.team-a.json', (real) => resign(real, targetsKey));
    await fleet.expectRefused(ref, 'SECURITY_SIGNATURE_INVALID');
    fleet.mirror.heal();
    await fleet.expectInstalled(await fleet.publish('team-a-third', teamA, 'team-a'));
  });

  test('a team hands its role over to a new key; the old key alone is then refused', async () => {
    const { h } = fleet;
    const teamA2 = await keyHolder(h, 'team-a-2');
    const pattern = 'team-a-*/*/bundle.tar';
    const delegateTo = (...keys: string[]) =>
      ok(h, [
        'delegate',
        'add',
        'team-a',
        ...keys.flatMap((k) => ['--key', `${k}.pub`]),
        '--path',
        pattern,
        '--targets-key',
        serverKey(h, 'targets'),
      ]);
    let n = 0;
    const publishWith = async (...keys: string[]) => {
      const source = join(h.dir, `src-handover-${++n}`);
      await mkdir(join(source, 'files', 'etc'), { recursive: true });
      await writeFile(
        join(source, 'files', 'etc', `team-a-handover-${n}`),
        `team-a-handover-${n}\n`,
      );
      const args = ['publish', source, '--name', `team-a-handover-${n}`, '--version', '1.0.0'];
      return h.cli([...args, ...keys.flatMap((k) => ['--key', k]), '--role', 'team-a']);
    };
    await delegateTo(teamA, teamA2); // 1 of either key
    assert.equal((await publishWith(teamA, teamA2)).code, 0, 'signed by the old and the new key');
    await fleet.expectInstalled('team-a-handover-1@1.0.0');
    await delegateTo(teamA2); // the old key is revoked
    assertRefused(await publishWith(teamA), 'METADATA_INVALID', /role team-a/);
    assert.equal((await publishWith(teamA2)).code, 0);
    await fleet.expectInstalled('team-a-handover-3@1.0.0');
  });
});
