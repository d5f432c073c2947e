/**
 * A real agent with a maintenance window in its local policy: a patch that arrives before the
 * window is downloaded, reported `deferred`, and installed once the window opens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface Status {
  readonly state: string;
  readonly devices: readonly { readonly state: string }[];
}

const hms = (ms: number) => new Date(ms).toISOString().slice(11, 19);

test('outside its window an agent defers the install, then installs when the window opens', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    const source = await writePatchSource(join(h.dir, 'src'), {
      'etc/windowed.conf': 'in window\n',
    });
    await h.publish(source, 'windowed', '1');
    const dirs = h.agentDirs('night-owl');
    await mkdir(dirs.data, { recursive: true });
    const opens = Math.ceil((Date.now() + 15_000) / 1000) * 1000;
    const window = { start: hms(opens), end: hms(opens + 3_600_000), timezone: 'UTC' };
    await writeFile(join(dirs.data, 'maintenance.json'), JSON.stringify({ windows: [window] }));
    const agent = await h.startAgent('night-owl');
    const { id } = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'windowed@1',
      '--devices',
      'all',
    ]);
    await eventually(async () => {
      const status = await h.cliJson<Status>(['rollout', 'status', id]);
      return status.devices[0]?.state === 'deferred' ? true : undefined;
    }, 'the device to report deferred');
    assert.equal(Date.now() < opens, true, 'the window was not open yet (test setup too slow)');
    await assert.rejects(stat(join(dirs.root, 'etc/windowed.conf')), { code: 'ENOENT' });
    assert.match(agent.output(), /install deferred until /);
    const done = await eventually(async () => {
      const status = await h.cliJson<Status>(['rollout', 'status', id]);
      return status.state === 'in-progress' ? undefined : status;
    }, 'the rollout to finish in the window');
    assert.equal(done.state, 'completed');
    assert.equal(await readFile(join(dirs.root, 'etc/windowed.conf'), 'utf8'), 'in window\n');
    const installedAt = (await stat(join(dirs.root, 'etc/windowed.conf'))).mtimeMs;
    assert.ok(installedAt >= opens - 1000, 'installed in the window, not before');
  } finally {
    await h.close();
  }
});
