import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface RolloutJson {
  id: string;
  state: string;
  counts: { installed: number; failed: number; pending: number };
  devices: { id: string; name: string; state: string; error: { code: string } | null }[];
}
interface DevicesJson {
  devices: {
    id: string;
    name: string;
    online: boolean;
    inventory: { installed: { name: string; version: string }[] };
  }[];
}

describe('the patch path, end to end with real processes', () => {
  let h: Harness;
  const agents = ['alpha', 'bravo', 'charlie'];
  const start = (ref: string, devices: string) =>
    h.cliJson<RolloutJson>(['rollout', 'start', ref, '--devices', devices]);
  /** Publishing is under test here: a real `patchcast publish` process. */
  const publish = (source: string, name: string, version: string) =>
    h.cliJson<{ alreadyPublished: boolean }>([
      ...['publish', source, '--name', name, '--version', version],
      ...['--key', join(h.dir, 'server/keys/targets.key')],
    ]);

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    await Promise.all(
      agents.map((name, i) => h.startAgent(name, [`ring=${i === 0 ? 'canary' : 'main'}`])),
    );
  });
  after(() => h.close());

  test('publish, roll out to all, every managed root holds the new files', async () => {
    const source = await writePatchSource(
      join(h.dir, 'src-1'),
      { 'etc/app/config': 'version=2\n', 'bin/tool': '#!/bin/sh\necho tool\n' },
      {
        health: { command: 'grep -q version=2 etc/app/config', timeoutSeconds: 10 },
      },
    );
    assert.equal((await publish(source, 'app-fix', '1.0.0')).alreadyPublished, false);
    const started = await start('app-fix@1.0.0', 'all');
    const done = await h.cliJson<RolloutJson>(['rollout', 'status', started.id, '--watch']);
    assert.equal(done.state, 'completed');
    assert.deepEqual(done.counts, { installed: 3, failed: 0, pending: 0, total: 3 });
    for (const name of agents) {
      assert.equal(
        await readFile(join(h.agentDirs(name).root, 'etc/app/config'), 'utf8'),
        'version=2\n',
      );
    }
    const { devices } = await h.cliJson<DevicesJson>(['devices']);
    assert.equal(devices.length, 3);
    for (const device of devices) {
      assert.deepEqual(
        device.inventory.installed.map((p) => `${p.name}@${p.version}`),
        ['app-fix@1.0.0'],
      );
    }
  });

  test('publishing the same name@version again is idempotent; different bytes are refused', async () => {
    assert.equal((await publish(join(h.dir, 'src-1'), 'app-fix', '1.0.0')).alreadyPublished, true);
    const other = await writePatchSource(join(h.dir, 'src-other'), {
      'etc/app/config': 'tampered\n',
    });
    const refused = await h.cli([
      'publish',
      other,
      '--name',
      'app-fix',
      '--version',
      '1.0.0',
      '--key',
      join(h.dir, 'server/keys/targets.key'),
    ]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error\[CONFLICT\]: app-fix@1\.0\.0 is already published with other contents/,
    );
  });

  test('a failing health check rolls the files back and the rollout reports it', async () => {
    const config = join(h.agentDirs('alpha').root, 'etc/app/config');
    const before = await readFile(config, 'utf8');
    const source = await writePatchSource(
      join(h.dir, 'src-bad'),
      { 'etc/app/config': 'broken\n', 'etc/app/new-file': 'x' },
      {
        health: { command: 'grep -q version= etc/app/config', timeoutSeconds: 10 },
      },
    );
    await publish(source, 'app-fix', '1.0.1');
    const started = await start('app-fix@1.0.1', 'ring=canary');
    const result = await h.cli(['rollout', 'status', started.id, '--watch', '--json']);
    assert.equal(result.code, 1, 'a watched rollout with failures exits 1');
    const done = JSON.parse(result.stdout) as RolloutJson;
    assert.equal(done.state, 'completed-with-failures');
    assert.equal(done.devices.length, 1);
    assert.equal(done.devices[0]?.state, 'rolled-back');
    assert.equal(done.devices[0]?.error?.code, 'HEALTH_CHECK_FAILED');
    assert.equal(await readFile(config, 'utf8'), before);
    await assert.rejects(readFile(join(h.agentDirs('alpha').root, 'etc/app/new-file')), {
      code: 'ENOENT',
    });
  });

  test('an agent that was offline during publish installs after it reconnects', async () => {
    const late = await h.startAgent('delta', ['ring=late']);
    await late.stop();
    await publish(
      await writePatchSource(join(h.dir, 'src-late'), { 'etc/late': 'hello\n' }),
      'late-fix',
      '2',
    );
    const started = await start('late-fix@2', 'ring=late');
    const pending = await h.cliJson<RolloutJson>(['rollout', 'status', started.id]);
    assert.equal(pending.counts.pending, 1);
    await h.startAgent('delta');
    assert.equal((await h.settled<RolloutJson>(started.id)).state, 'completed');
    assert.equal(await readFile(join(h.agentDirs('delta').root, 'etc/late'), 'utf8'), 'hello\n');
  });

  test('a file planted in the root is replaced and restored exactly on rollback', async () => {
    const root = h.agentDirs('bravo').root;
    await mkdir(join(root, 'opt'), { recursive: true });
    await writeFile(join(root, 'opt/keep'), 'original\n', { mode: 0o640 });
    const source = await writePatchSource(
      join(h.dir, 'src-keep'),
      { 'opt/keep': 'new\n' },
      { health: { command: 'false', timeoutSeconds: 5 } },
    );
    await publish(source, 'keep-fix', '1');
    const started = await start('keep-fix@1', 'ring=main');
    const done = await h.settled<RolloutJson>(started.id);
    assert.equal(done.counts.failed, 2);
    assert.equal(await readFile(join(root, 'opt/keep'), 'utf8'), 'original\n');
    assert.equal((await stat(join(root, 'opt/keep'))).mode & 0o777, 0o640);
    await assert.rejects(stat(join(h.agentDirs('charlie').root, 'opt')), { code: 'ENOENT' });
  });
});
