/**
 * Only a publisher can withdraw (ADR 0017), with real processes and a hostile mirror playing the
 * compromised server: it holds the online keys, never a targets key. A withdrawal it forges, or
 * one it strips from a withdrawn version, is refused by the agent with its security code and
 * nothing is installed. A delegated role withdraws its own versions with its own key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PatchesResponse } from '@patchcast/protocol';
import { TrustFleet } from './fleet.js';
import type { RolloutJson } from './fleet.js';
import { resign, signersOf } from './forge.js';
import type { Json } from './forge.js';
import { assertRefused, keyHolder, ok, serverKey } from './trust-helpers.js';

describe('withdrawals are the publisher’s alone', () => {
  let fleet: TrustFleet;
  let onlineKey: Awaited<ReturnType<typeof signersOf>>;

  before(async () => {
    fleet = await TrustFleet.start();
    onlineKey = await signersOf(serverKey(fleet.h, 'snapshot'));
  });
  after(() => fleet.close());

  const targetsVersion = async () =>
    (await fleet.h.cliJson<{ repository: { targets: number } }>(['status'])).repository.targets;

  /** Serves the current targets metadata changed by `change`, signed with the online key. */
  async function forgeTargets(change: (entry: Json) => void): Promise<string> {
    const path = `/tuf/metadata/${await targetsVersion()}.targets.json`;
    const forged = resign(await fleet.mirror.fetchReal(path), onlineKey, (signed) => {
      for (const entry of Object.values(signed.targets as Record<string, Json>)) change(entry);
      return signed;
    });
    fleet.mirror.tamper(path, () => forged);
    return path;
  }

  test('a withdrawal forged by the server is refused by the agent', async () => {
    const ref = await fleet.publish('forged-withdrawal');
    const path = await forgeTargets((entry) => {
      const custom = entry.custom as { patchcast: Json };
      custom.patchcast.withdrawn = { reason: 'forged', at: '2026-01-01T00:00:00Z' };
    });
    const done = await fleet.expectRefused(ref, 'SECURITY_SIGNATURE_INVALID');
    assert.ok(fleet.mirror.served.includes(path), 'the agent read the forgery');
    assert.doesNotMatch(done.devices[0]?.error?.message ?? '', /forged/);
    fleet.mirror.heal();
  });

  test('an un-withdrawal forged by the server is refused by the agent', async () => {
    const ref = await fleet.publish('unwithdrawn');
    await fleet.stopAgent();
    const started = await fleet.h.cliJson<RolloutJson>([
      'rollout',
      'start',
      ref,
      '--devices',
      'all',
    ]);
    await ok(fleet.h, ['withdraw', ref, '--reason', 'bad', '--key', serverKey(fleet.h, 'targets')]);
    const path = await forgeTargets((entry) => {
      delete (entry.custom as { patchcast: Json }).patchcast.withdrawn;
    });
    await fleet.startAgent();
    const done = await fleet.h.settled<RolloutJson>(started.id);
    assert.equal(done.devices[0]?.error?.code, 'SECURITY_SIGNATURE_INVALID');
    assert.ok(fleet.mirror.served.includes(path), 'the agent read the forgery');
    assert.equal(await fleet.installed('unwithdrawn'), false, 'nothing installed');
    fleet.mirror.heal();
  });

  test('a delegated role withdraws its own version with its key and --role', async () => {
    const { h } = fleet;
    const team = await keyHolder(h, 'team-w');
    await ok(h, [
      'delegate',
      'add',
      'team-w',
      '--key',
      `${team}.pub`,
      '--path',
      'team-w-*/*/bundle.tar',
      '--targets-key',
      serverKey(h, 'targets'),
    ]);
    const ref = await fleet.publish('team-w-app', team, 'team-w');
    const withdraw = ['withdraw', ref, '--reason', 'team says no'];
    assertRefused(
      await h.cli([...withdraw, '--key', serverKey(h, 'targets')]),
      'NOT_FOUND',
      /not published in the top-level/,
    );
    assertRefused(
      await h.cli([...withdraw, '--role', 'team-w', '--key', serverKey(h, 'targets')]),
      'KEY_INVALID',
    );
    await ok(h, [...withdraw, '--role', 'team-w', '--key', team]);
    const { patches } = await h.cliJson<PatchesResponse>(['patches']);
    const listed = patches.find((p) => p.name === 'team-w-app')?.versions[0];
    assert.deepEqual([listed?.state, listed?.role], ['withdrawn', 'team-w']);
    assertRefused(
      await h.cli(['rollout', 'start', ref, '--devices', 'all']),
      'PATCH_WITHDRAWN',
      /team says no/,
    );
    const audit = await h.cli(['audit', 'verify', '--json']);
    assert.equal(audit.code, 0, audit.stdout);
  });
});
