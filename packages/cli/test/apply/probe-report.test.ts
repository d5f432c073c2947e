/** A real agent rolls back a patch whose health probe fails and reports the probe by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface Status {
  readonly state: string;
  readonly devices: readonly {
    readonly state: string;
    readonly error: { readonly code: string; readonly message: string } | null;
  }[];
}

test('a failing probe on an agent: rolled back, HEALTH_CHECK_FAILED naming the probe', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    await h.startAgent('probed');
    const root = h.agentDirs('probed').root;
    const good = await writePatchSource(join(h.dir, 'good'), { 'etc/app.conf': 'v1\n' });
    await h.publish(good, 'probed-app', '1');
    const first = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'probed-app@1',
      '--devices',
      'all',
    ]);
    const one = await h.cliJson<Status>(['rollout', 'status', first.id, '--watch']);
    assert.equal(one.state, 'completed');
    const probes = {
      deadlineMs: 300,
      intervalMs: 50,
      checks: [{ kind: 'file', name: 'ready-flag', path: 'run/ready' }],
    };
    const bad = await writePatchSource(join(h.dir, 'bad'), { 'etc/app.conf': 'v2\n' }, { probes });
    await h.publish(bad, 'probed-app', '2');
    const second = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'probed-app@2',
      '--devices',
      'all',
    ]);
    const status = await eventually(async () => {
      const s = await h.cliJson<Status>(['rollout', 'status', second.id]);
      return s.state === 'in-progress' ? undefined : s;
    }, 'the second rollout to finish');
    const device = status.devices[0];
    assert.equal(device?.state, 'rolled-back');
    assert.equal(device?.error?.code, 'HEALTH_CHECK_FAILED');
    assert.match(
      device?.error?.message ?? '',
      /health probe "ready-flag" failed: run\/ready does not exist/,
    );
    assert.equal(await readFile(join(root, 'etc/app.conf'), 'utf8'), 'v1\n');
  } finally {
    await h.close();
  }
});
