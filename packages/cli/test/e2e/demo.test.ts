import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../harness.js';

test('patchcast demo --json reports every agent installed', async () => {
  const h = await Harness.create();
  try {
    const result = await h.cli(['demo', '--agents', '4', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(summary.agents, 4);
    assert.equal(summary.installed, 4);
    assert.equal(summary.failed, 0);
    assert.equal(summary.verifiedOnDisk, 4);
    assert.equal(typeof summary.publishToAllInstalledMs, 'number');
    assert.ok((summary.publishToAllInstalledMs as number) > 0);
  } finally {
    await h.close();
  }
});

test('patchcast demo --keep-running serves the console; its token signs in; Ctrl-C stops it', async () => {
  const h = await Harness.create();
  try {
    const { proc, match } = await h.start(
      ['demo', '--agents', '1', '--keep-running'],
      /console stays at (http:\/\/\S+\/) /,
      60_000,
    );
    const printed = /console {2}(http:\/\/\S+\/) {2}\(sign in with the API token (\S+)\)/.exec(
      proc.output(),
    );
    assert.ok(printed !== null, proc.output());
    const [, url = '', token = ''] = printed;
    assert.equal(match[1], url);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app"><\/div>/);
    const session = await fetch(`${url}api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    assert.equal(session.status, 200);
    assert.equal(((await session.json()) as { role: string }).role, 'operator');
    const patches = await fetch(`${url}api/v1/patches`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed = (await patches.json()) as { patches: { versions: { version: string }[] }[] };
    assert.deepEqual(listed.patches.flatMap((p) => p.versions.map((v) => v.version)).sort(), [
      '1.0.0',
      '1.0.1',
    ]);
    const rollouts = await fetch(`${url}api/v1/rollouts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const list = (await rollouts.json()) as {
      rollouts: { patch: { version: string }; state: string }[];
    };
    assert.ok(
      list.rollouts.some((r) => r.patch.version === '1.0.1' && r.state === 'in-progress'),
      'the rollout of 1.0.1 waits in the console',
    );
    assert.equal(await proc.stop('SIGINT'), 0);
  } finally {
    await h.close();
  }
});
