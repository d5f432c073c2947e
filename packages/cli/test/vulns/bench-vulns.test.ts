import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';

test('bench vulns with 50 devices reports matching time, findings and memory', async () => {
  const h = await Harness.create();
  try {
    const out = join(h.dir, 'results');
    const result = await h.cli(['bench', 'vulns', '--agents', '50', '--json', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Record<string, number>;
    assert.equal(json.devices, 50);
    assert.equal(json.advisories, 50_000);
    for (const key of ['parseMs', 'matchTotalMs', 'matchPerDeviceMeanMs', 'peakRssMiB'])
      assert.ok(Number.isFinite(json[key]) && (json[key] ?? 0) > 0, `${key} is positive`);
    assert.ok((json.findings ?? 0) > 0, 'the generated fleet has findings');
    assert.ok((await readdir(out)).some((f) => f.endsWith('-vulns.json')));
  } finally {
    await h.close();
  }
});
