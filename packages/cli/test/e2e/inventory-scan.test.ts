import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';

interface Inventory {
  os: { id: string; versionId?: string };
  dpkg: { name: string; source: string; sourceVersion: string }[];
}

test("this machine's dpkg inventory, scanned against advisories, gives exactly the affecting one", async (t) => {
  if (!existsSync('/var/lib/dpkg/status')) {
    t.skip('no dpkg database on this machine');
    return;
  }
  const h = await Harness.create();
  try {
    const collected = await h.cli(['inventory']);
    assert.equal(collected.code, 0, collected.stderr);
    const inventory = JSON.parse(collected.stdout) as Inventory;
    assert.ok(inventory.dpkg.length > 0);
    const target = inventory.dpkg.find((p) => p.source !== p.name) ?? inventory.dpkg[0];
    assert.ok(target);
    const ecosystem = `Debian:${inventory.os.versionId ?? '12'}`;
    const advisory = (id: string, fixed: string, pkg = target.source, eco = ecosystem) => ({
      schema_version: '1.6.0',
      id,
      modified: '2026-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: eco, name: pkg },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
        },
      ],
    });
    const dir = join(h.dir, 'advisories');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'hit.json'),
      JSON.stringify(advisory('TEST-HIT', `${target.sourceVersion}+1`)),
    );
    await writeFile(
      join(dir, 'fixed.json'),
      JSON.stringify(advisory('TEST-FIXED', target.sourceVersion)),
    );
    await writeFile(
      join(dir, 'other-release.json'),
      JSON.stringify(
        advisory('TEST-OTHER', `${target.sourceVersion}+1`, target.source, 'Debian:7'),
      ),
    );
    await writeFile(join(h.dir, 'host.json'), collected.stdout);
    const scan = await h.cli([
      'scan',
      '--inventory',
      join(h.dir, 'host.json'),
      '--advisories',
      dir,
      '--json',
    ]);
    assert.equal(scan.code, 1, `findings exit 1: ${scan.stderr}`);
    const report = JSON.parse(scan.stdout) as {
      findings: { advisory?: { id: string }; id?: string }[];
    };
    const ids = JSON.stringify(report.findings);
    assert.match(ids, /TEST-HIT/);
    assert.doesNotMatch(ids, /TEST-FIXED|TEST-OTHER/);
  } finally {
    await h.close();
  }
});
