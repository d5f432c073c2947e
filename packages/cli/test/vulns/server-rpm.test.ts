/**
 * An RPM-based endpoint end to end, with real processes: an agent whose managed root is an
 * AlmaLinux 9 rpm root sends its rpm inventory; an imported AlmaLinux advisory opens a finding;
 * a patch of installer kind rpm, rolled out, upgrades the package with rpm, and the finding
 * closes naming the patch. A second patch whose health check fails is rolled back by rpm to the
 * exact previous package. The same agent lists a Python site-packages folder: its distribution
 * is matched against a PyPI advisory on the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { RPM_DB, buildRpm, rpmIn, rpmMissing } from '../rpm-tools.js';

type Finding = { advisoryId: string; package: string; closedBy: string | null };

const ADVISORY = {
  schema_version: '1.6.0',
  id: 'ALSA-2024:0310',
  modified: '2024-02-01T10:00:00Z',
  related: ['CVE-2023-5678'],
  affected: [
    {
      package: { ecosystem: 'AlmaLinux:9', name: 'pc-openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-25.el9_3' }] }],
    },
  ],
};

const PYPI_ADVISORY = {
  schema_version: '1.6.0',
  id: 'GHSA-h5c8-rqwp-cp95',
  modified: '2024-01-11T10:00:00Z',
  aliases: ['CVE-2024-22195'],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'jinja2' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.3' }] }],
    },
  ],
};

async function rpmPatch(
  dir: string,
  rpm: string,
  config: Record<string, unknown>,
): Promise<string> {
  await mkdir(join(dir, 'files', 'rpms'), { recursive: true });
  await copyFile(rpm, join(dir, 'files', 'rpms', 'pc-openssl.noarch.rpm'));
  await writeFile(
    join(dir, 'patchcast.json'),
    JSON.stringify({ installer: { kind: 'rpm' }, ...config }),
  );
  return dir;
}

async function findings(h: Harness, state: string): Promise<Finding[]> {
  return (await h.cliJson<{ findings: Finding[] }>(['vulns', 'findings', '--state', state]))
    .findings;
}

test('an AlmaLinux rpm endpoint: rpm inventory, a finding, an rpm patch that closes it, a rollback', async (t) => {
  const reason = await rpmMissing();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const h = await Harness.create();
  try {
    await h.startServer();
    const { data, root } = h.agentDirs('alma-1');
    await mkdir(join(root, 'etc'), { recursive: true });
    await mkdir(join(root, 'opt'), { recursive: true });
    await mkdir(data, { recursive: true });
    await writeFile(join(root, 'etc/os-release'), 'ID="almalinux"\nVERSION_ID="9.3"\n');
    await rpmIn(root, ['--initdb']);
    const spec = { name: 'pc-openssl', epoch: '1', version: '3.0.7' };
    const v24 = await buildRpm(h.dir, { ...spec, release: '24.el9' });
    const v25 = await buildRpm(h.dir, { ...spec, release: '25.el9_3' });
    const v26 = await buildRpm(h.dir, { ...spec, release: '26.el9_3' });
    await writeFile(
      join(data, 'inventory.json'),
      JSON.stringify({
        dpkgStatus: join(root, 'var/lib/dpkg/status'),
        rpmRoot: root,
        rpmDbPath: RPM_DB,
        osRelease: [join(root, 'etc/os-release')],
        pythonSitePackages: [join(root, 'srv/site-packages')],
      }),
    );
    await mkdir(join(root, 'srv/site-packages/Jinja2-3.1.2.dist-info'), { recursive: true });
    await writeFile(
      join(root, 'srv/site-packages/Jinja2-3.1.2.dist-info/METADATA'),
      'Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n',
    );
    // Version 24 goes in through Patchcast, so that later patches can roll back to it.
    await h.publish(await rpmPatch(join(h.dir, 'p24'), v24, {}), 'pc-openssl', '24.0.0');
    await h.startAgent('alma-1');
    const first = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'pc-openssl@24.0.0',
      '--devices',
      'all',
    ]);
    assert.equal((await h.settled<{ state: string }>(first.id)).state, 'completed');
    assert.equal(await rpmIn(root, ['-q', 'pc-openssl']), 'pc-openssl-3.0.7-24.el9.noarch\n');

    await writeFile(join(h.dir, 'ALSA-2024-0310.json'), JSON.stringify(ADVISORY));
    await writeFile(join(h.dir, 'PYSEC.json'), JSON.stringify(PYPI_ADVISORY));
    const imported = await h.cli([
      'vulns',
      'import',
      join(h.dir, 'ALSA-2024-0310.json'),
      join(h.dir, 'PYSEC.json'),
      '--json',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const open = await eventually(async () => {
      const list = await findings(h, 'open');
      return list.find((f) => f.advisoryId === 'ALSA-2024:0310');
    }, 'the AlmaLinux finding');
    assert.equal(open.package, 'pc-openssl');
    const jinja = (await findings(h, 'open')).find((f) => f.advisoryId === 'GHSA-h5c8-rqwp-cp95');
    assert.equal(jinja?.package, 'jinja2');

    // A patch whose health check fails: rpm puts 24 back exactly.
    const broken = await rpmPatch(join(h.dir, 'p26'), v26, {
      health: { command: ['sh', '-c', 'exit 3'] },
    });
    await h.publish(broken, 'pc-openssl', '26.0.0');
    const bad = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'pc-openssl@26.0.0',
      '--devices',
      'all',
    ]);
    const failed = await h.settled<{
      state: string;
      devices: { state: string; error: { code: string } | null }[];
    }>(bad.id);
    assert.deepEqual(
      failed.devices.map((d) => [d.state, d.error?.code]),
      [['rolled-back', 'HEALTH_CHECK_FAILED']],
    );
    assert.equal(await rpmIn(root, ['-q', 'pc-openssl']), 'pc-openssl-3.0.7-24.el9.noarch\n');
    assert.equal(
      (await findings(h, 'open')).filter((f) => f.advisoryId === 'ALSA-2024:0310').length,
      1,
    );

    // The fix, declared and installed: the finding closes naming the patch.
    const fix = await rpmPatch(join(h.dir, 'p25'), v25, {
      fixes: [
        {
          advisories: ['ALSA-2024:0310'],
          package: 'pc-openssl',
          ecosystem: 'AlmaLinux:9',
          fixedVersion: '1:3.0.7-25.el9_3',
        },
      ],
    });
    await h.publish(fix, 'pc-openssl', '25.0.0');
    const good = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'pc-openssl@25.0.0',
      '--devices',
      'all',
    ]);
    assert.equal((await h.settled<{ state: string }>(good.id)).state, 'completed');
    assert.equal(await rpmIn(root, ['-q', 'pc-openssl']), 'pc-openssl-3.0.7-25.el9_3.noarch\n');
    const closed = await eventually(async () => {
      const list = await findings(h, 'closed');
      return list.find((f) => f.advisoryId === 'ALSA-2024:0310');
    }, 'the AlmaLinux finding to close');
    assert.equal(closed.closedBy, 'pc-openssl@25.0.0');
  } finally {
    await h.close();
  }
});
