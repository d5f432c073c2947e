/**
 * Results per device and the reboot-required flag, end to end: real server and agent processes
 * on loopback. A bundle marked rebootRequired is installed (the agent reboots nothing), and the
 * server shows it in `devices`, `devices show` and `rollout status`; a failing health check shows
 * up in the device's results with its error code, next to the timings of each phase. Publishing,
 * starting rollouts and waiting for them run the CLI's commands in the test process (setup).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceResultsResponse, Rollout, RolloutProgress } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

const PLAN = `version: 1
target: { all: true }
waves:
  - name: all
    rest: true
    bake: 0s
`;

interface DeviceList {
  readonly devices: readonly { readonly id: string; readonly rebootRequired?: boolean }[];
}

test('reboot required and per-device results through devices, devices show and rollout status', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    const kernel = await writePatchSource(
      join(h.dir, 'kernel'),
      { 'boot/kernel.img': 'kernel 2\n' },
      { rebootRequired: true },
    );
    await h.publish(kernel, 'kernel', '2');
    const broken = await writePatchSource(
      join(h.dir, 'broken'),
      { 'etc/app.conf': 'broken\n' },
      { health: { command: 'echo unhealthy; exit 3' } },
    );
    await h.publish(broken, 'app', '1');
    const dirs = h.agentDirs('box');
    process.env.PATCHCAST_BOOT_ID = 'e2e-boot-1'; // inherited by the agent process
    const agent = await h.startAgent('box');

    const first = await h.hereJson<{ id: string }>([
      'rollout',
      'start',
      'kernel@2',
      '--devices',
      'all',
    ]);
    const done = await h.settled<Rollout>(first.id);
    assert.equal(done.state, 'completed');
    assert.equal(done.devices[0]?.rebootRequired, true);
    assert.equal(await readFile(join(dirs.root, 'boot/kernel.img'), 'utf8'), 'kernel 2\n');
    const status = await h.cli(['rollout', 'status', first.id]);
    assert.match(status.stdout, /box +installed {2}\(reboot required\)/);

    const list = await h.cliJson<DeviceList>(['devices']);
    const id = list.devices[0]?.id ?? '';
    assert.equal(list.devices[0]?.rebootRequired, true);
    assert.match((await h.cli(['devices'])).stdout, /online +reboot required/);

    const second = await h.hereJson<{ id: string }>([
      'rollout',
      'start',
      'app@1',
      '--devices',
      'all',
    ]);
    assert.equal((await h.settled<Rollout>(second.id)).state, 'completed-with-failures');

    const shown = await h.cliJson<DeviceResultsResponse>(['devices', 'show', id]);
    assert.equal(shown.device.id, id);
    assert.equal(shown.device.rebootRequired, true);
    assert.deepEqual(
      shown.results.map((r) => [r.rolloutId, `${r.patch.name}@${r.patch.version}`, r.state]),
      [
        [second.id, 'app@1', 'rolled-back'],
        [first.id, 'kernel@2', 'installed'],
      ],
    );
    const [failed, installed] = shown.results;
    assert.equal(failed?.error?.code, 'HEALTH_CHECK_FAILED');
    assert.equal(failed?.rebootRequired, false);
    assert.equal(installed?.error, null);
    assert.equal(installed?.rebootRequired, true);
    for (const phase of ['downloadMs', 'verifyMs', 'installMs', 'healthMs', 'totalMs'])
      assert.equal(typeof installed?.timings?.[phase], 'number', phase);
    assert.deepEqual(
      (await h.cliJson<DeviceResultsResponse>(['devices', 'show', id, '--limit', '1'])).results.map(
        (r) => r.rolloutId,
      ),
      [second.id],
    );

    const text = (await h.cli(['devices', 'show', id])).stdout;
    assert.match(text, new RegExp(`^device ${id} \\(box\\): online, reboot required\\n`));
    assert.match(text, /app@1 +rolled-back .*HEALTH_CHECK_FAILED: /);
    assert.match(text, /kernel@2 +installed .* reboot required/);

    const kernel3 = await writePatchSource(
      join(h.dir, 'kernel3'),
      { 'boot/kernel.img': 'kernel 3\n' },
      { rebootRequired: true },
    );
    await h.publish(kernel3, 'kernel', '3');
    await writeFile(join(h.dir, 'plan.yaml'), PLAN);
    const planned = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'kernel@3',
      '--plan',
      'plan.yaml',
    ]);
    const progress = await h.settled<RolloutProgress>(planned.id);
    assert.equal(progress.state, 'completed');
    assert.equal(progress.devices[0]?.rebootRequired, true);
    const table = (await h.cli(['rollout', 'status', planned.id])).stdout;
    assert.match(table, /REBOOT +ERROR\n/);
    assert.match(table, /box +1 +installed .* required *\n/);

    await agent.stop('SIGKILL');
    process.env.PATCHCAST_BOOT_ID = 'e2e-boot-2'; // the machine has rebooted
    await h.startAgent('box');
    const cleared = await eventually(async () => {
      const devices = await h.hereJson<DeviceList>(['devices']);
      return devices.devices[0]?.rebootRequired === false ? devices : undefined;
    }, 'the reboot to clear "reboot required"');
    assert.equal(cleared.devices.length, 1);
    const after = await h.cliJson<DeviceResultsResponse>(['devices', 'show', id]);
    assert.deepEqual(
      after.results.map((r) => r.rebootRequired),
      [false, false, false],
    );
  } finally {
    delete process.env.PATCHCAST_BOOT_ID;
    await h.close();
  }
});

test('devices show refuses an unknown device, a missing ID and a bad --limit with one clear error', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    const cases: [string[], string][] = [
      [['devices', 'show', 'dev_nope'], 'NOT_FOUND'],
      [['devices', 'show'], 'USAGE'],
      [['devices', 'list'], 'USAGE'],
      [['devices', 'show', 'dev_nope', '--limit', '0'], 'USAGE'],
      [['devices', 'show', 'dev_nope', '--limit', 'many'], 'USAGE'],
    ];
    for (const [args, code] of cases) {
      const result = await h.cli(args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, new RegExp(`^error\\[${code}\\]: `), args.join(' '));
      assert.equal(result.stdout, '');
    }
  } finally {
    await h.close();
  }
});
