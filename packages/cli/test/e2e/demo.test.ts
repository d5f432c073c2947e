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
