/**
 * An RPM root end to end: packages built with rpmbuild and installed with rpm --root, collected
 * by `patchcast inventory --rpm-root`, scanned by `patchcast scan` against AlmaLinux advisories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { RPM_DB as DB, buildRpm, rpmIn, rpmMissing } from '../rpm-tools.js';

function advisory(id: string, ecosystem: string, name: string, fixed: string) {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  };
}

test('an AlmaLinux 9 rpm root: inventory, then scan, finds exactly the affecting advisory', async (t) => {
  const reason = await rpmMissing();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const h = await Harness.create();
  try {
    const root = join(h.dir, 'el9');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/os-release'), 'ID="almalinux"\nVERSION_ID="9.3"\n');
    await rpmIn(root, ['--initdb']);
    const openssl = await buildRpm(h.dir, {
      name: 'pc-openssl',
      epoch: '1',
      version: '3.0.7',
      release: '24.el9',
    });
    const tool = await buildRpm(h.dir, {
      name: 'pc-tool',
      epoch: '0',
      version: '2.0~rc1',
      release: '1.el9',
    });
    await rpmIn(root, ['-i', openssl, tool]);

    const collected = await h.cli([
      'inventory',
      '--rpm-root',
      root,
      '--rpm-dbpath',
      DB,
      '--os-release',
      join(root, 'etc/os-release'),
    ]);
    assert.equal(collected.code, 0, collected.stderr);
    const inventory = JSON.parse(collected.stdout) as { rpm: { name: string; epoch?: string }[] };
    assert.deepEqual(inventory.rpm.map((p) => `${p.name}:${p.epoch ?? ''}`).sort(), [
      'pc-openssl:1',
      'pc-tool:0',
    ]);
    await writeFile(join(h.dir, 'host.json'), collected.stdout);

    const dir = join(h.dir, 'advisories');
    await mkdir(dir);
    const records = [
      // 3.0.7-25 without the epoch would be below 1:3.0.7-24: the epoch decides.
      advisory('ALSA-HIT', 'AlmaLinux:9', 'pc-openssl', '1:3.0.7-25.el9_3'),
      advisory('ALSA-EPOCH', 'AlmaLinux:9', 'pc-openssl', '3.0.8-1.el9'),
      advisory('ALSA-EL8', 'AlmaLinux:8', 'pc-openssl', '1:9.9-1.el8'),
      advisory('RLSA-ROCKY', 'Rocky Linux:9', 'pc-openssl', '1:9.9-1.el9'),
      advisory('ALSA-TILDE', 'AlmaLinux:9', 'pc-tool', '2.0~beta-1.el9'),
    ];
    for (const r of records) await writeFile(join(dir, `${r.id}.json`), JSON.stringify(r));
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
      findings: { advisoryId: string }[];
      summary: { packages: { rpm: number } };
    };
    assert.deepEqual(
      report.findings.map((f) => f.advisoryId),
      ['ALSA-HIT'],
    );
    assert.equal(report.summary.packages.rpm, 2);
  } finally {
    await h.close();
  }
});
