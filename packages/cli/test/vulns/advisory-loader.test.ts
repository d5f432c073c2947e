/** Advisory loading: files, folders (recursively), arrays, zip archives; bad records set aside. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { loadAdvisories } from '../../src/vulns/advisory-loader.js';
import { progressOn } from '../../src/vulns/progress.js';
import { captureIo } from './io.js';
import { fixture, sharedData } from './paths.js';

const quiet = () => progressOn(captureIo(), 'advisories');

test('a folder is read recursively; arrays, withdrawn records and bad JSON are handled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-adv-'));
  try {
    cpSync(fixture('advisories'), dir, { recursive: true });
    writeFileSync(join(dir, 'npm', 'broken.json'), '{ "id": "BROKEN-1", ');
    const loaded = await loadAdvisories([dir], quiet());
    assert.deepEqual(
      loaded.records.map((r) => r.id),
      ['DSA-5532-1', 'ELA-1000-1', 'GHSA-semver-pre', 'GHSA-withdrawn', 'GHSA-35jh-r3h4-6jhm'],
    );
    assert.deepEqual(
      loaded.rejected.map((r) => [r.file.slice(dir.length), r.id, r.reason.split(':')[0]]),
      [
        ['/debian/ELA-669-1-dirty.json', 'ELA-669-1', 'affected[0].ranges'],
        ['/npm/broken.json', undefined, 'not JSON'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a zip archive: JSON entries only, rejected ones named archive!/entry', async () => {
  const loaded = await loadAdvisories([fixture('python-zipfile.zip')], quiet());
  assert.deepEqual(
    loaded.records.map((r) => r.id),
    ['GHSA-aaaa-bbbb-cccc', 'GHSA-dddd-eeee-ffff'],
  );
  assert.equal(loaded.rejected.length, 1);
  assert.match(loaded.rejected[0]?.file ?? '', /python-zipfile\.zip!\/nested\/bad\.json$/);
  assert.equal(
    loaded.rejected[0]?.reason,
    'modified: "yesterday" is not an RFC 3339 UTC timestamp ending in Z',
  );
});

test('a missing source is NOT_FOUND', async () => {
  await assert.rejects(
    loadAdvisories(['/nonexistent/advisories'], quiet()),
    (e: unknown) => e instanceof PatchcastError && e.code === 'NOT_FOUND',
  );
});

test('the real Debian ELTS folder: 1,694 records load, 18 are rejected; progress goes to stderr', async (t) => {
  const dir = sharedData('osv/debian-elts');
  if (dir === undefined)
    return t.skip('../shared/data/osv/debian-elts is absent: real-data test not run');
  const io = captureIo(true);
  const loaded = await loadAdvisories([dir], progressOn(io, 'advisories'));
  assert.equal(loaded.records.length, 1694);
  assert.equal(loaded.rejected.length, 18);
  assert.match(io.stderr(), /\radvisories: 1712 records read, 18 rejected\n$/);
});
