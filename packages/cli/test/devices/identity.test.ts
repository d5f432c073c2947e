/**
 * Device identity and labels end to end, with real server and agent processes on loopback:
 * labels change through the server (`devices label`), an agent's differing --label flags are
 * reported as ignored, enrolling again with the same data folder keeps the device, and a
 * replacement token lets a new host take over a lost one's id without a duplicate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Device } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';

interface DeviceList {
  readonly devices: readonly Device[];
}

describe('device identity and labels', () => {
  let h: Harness;
  let deviceId = '';

  before(async () => {
    h = await Harness.create();
    await h.startServer();
  });
  after(() => h.close());

  /** The device list, read by `devices` in this process (the agents are under test). */
  const devices = async () => (await h.hereJson<DeviceList>(['devices'])).devices;
  const agentArgs = (dirs: { data: string; root: string }, ...extra: string[]) => [
    'agent',
    '--server',
    h.server,
    '--data',
    dirs.data,
    '--root',
    dirs.root,
    ...extra,
  ];

  test('an agent restarted with other --label flags says they are ignored and how to change them', async () => {
    const first = await h.startAgent('web-1', ['env=staging']);
    deviceId = (await devices())[0]?.id ?? '';
    await first.stop();
    const again = await h.startAgent('web-1', ['env=prod']);
    const output = await eventually(
      () =>
        Promise.resolve(
          /--label env=prod ignored/.test(again.output()) ? again.output() : undefined,
        ),
      'the ignored-label notice',
    );
    assert.match(output, /labels of dev_\w+ now: env=staging/);
    assert.match(output, new RegExp(`patchcast devices label ${deviceId} env=prod`));
    assert.deepEqual(
      (await devices())[0]?.labels,
      { env: 'staging' },
      'the server keeps its labels',
    );
    await again.stop();
  });

  test('devices label sets and removes labels, visible in devices at once', async () => {
    const set = await h.cliJson<{ device: Device; changed: boolean }>([
      'devices',
      'label',
      deviceId,
      'env=prod',
      'ring=canary',
      'tier=web',
    ]);
    assert.equal(set.changed, true);
    assert.deepEqual(set.device.labels, { env: 'prod', ring: 'canary', tier: 'web' });
    const removed = await h.cli(['devices', 'label', deviceId, 'tier-']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`labels of ${deviceId}: env=prod,ring=canary`));
    assert.deepEqual((await devices())[0]?.labels, { env: 'prod', ring: 'canary' });
    const bad = await h.cli(['devices', 'label', deviceId, 'ring']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error\[USAGE\]: "ring" is not KEY=VALUE/);
    const unknown = await h.cli(['devices', 'label', 'dev_nope', 'env=x']);
    assert.match(unknown.stderr, /error\[NOT_FOUND\]: no device dev_nope/);
  });

  test('enrolling again with the same data folder keeps the device; its --label flags apply', async () => {
    const dirs = h.agentDirs('web-1');
    const token = await h.enrollToken();
    const { proc, match } = await h.start(
      agentArgs(dirs, '--enroll', token, '--label', 'env=qa', '--name', 'web-1'),
      /re-enrolled as (dev_\w+)/,
    );
    assert.equal(match[1], deviceId);
    const list = await devices();
    assert.equal(list.length, 1, 'no duplicate device');
    assert.deepEqual(list[0]?.labels, { env: 'qa' });
    await proc.stop();
    const reused = await h.start(
      agentArgs(dirs, '--enroll', token, '--name', 'web-1'),
      new RegExp(`connected to .* as ${deviceId}`),
    );
    assert.match(
      reused.proc.output(),
      /WARNING: could not enroll again \(ENROLL_TOKEN_INVALID: the enrollment token was already used\); running as dev_/,
    );
    await reused.proc.stop();
  });

  test('a replacement token lets a new host take over the device; the old key is refused', async () => {
    const old = await h.startAgent('web-1');
    const plain = await h.enrollToken();
    const newDirs = h.agentDirs('web-1-rebuilt');
    const refused = await h.cli([...agentArgs(newDirs, '--enroll', plain, '--replace', deviceId)]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error\[ENROLL_TOKEN_INVALID\]: this enrollment token cannot replace/,
    );
    assert.match(refused.stderr, new RegExp(`enroll-token create --replace ${deviceId}`));

    const replacement = await h.cliJson<{ token: string; replaces: string }>([
      'enroll-token',
      'create',
      '--replace',
      deviceId,
    ]);
    assert.equal(replacement.replaces, deviceId);
    const { proc } = await h.start(
      agentArgs(newDirs, '--enroll', replacement.token, '--replace', deviceId, '--name', 'rebuilt'),
      new RegExp(`connected to .* as ${deviceId}`),
    );
    const list = await devices();
    assert.equal(list.length, 1, 'no duplicate device');
    assert.equal(list[0]?.id, deviceId);
    assert.equal(list[0]?.name, 'rebuilt');
    assert.deepEqual(list[0]?.labels, { env: 'qa' }, 'labels kept');
    await eventually(
      () => Promise.resolve(/server refused: SECURITY_AUTH_FAILED/.test(old.output()) || undefined),
      'the old host to be refused',
    );
    await old.stop();
    await proc.stop();
    const other = h.agentDirs('other');
    const unspent = await h.start(
      agentArgs(other, '--enroll', plain, '--name', 'other'),
      /enrolled as dev_\w+\n/,
    );
    await unspent.proc.stop();
    assert.equal((await devices()).length, 2, 'the refused token was not spent');
  });

  test('audit verify --data agrees with the log (device keys included) after re-enrollment, relabelling and a replacement', async () => {
    const audit = await h.cli(['audit', 'verify', '--data', join(h.dir, 'server'), '--json']);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    const report = JSON.parse(audit.stdout) as { ok: boolean; problems: unknown[] };
    assert.deepEqual(report.problems, []);
  });
});
