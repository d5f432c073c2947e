/**
 * A Python virtual environment end to end: created with python3 -m venv (pip comes from
 * ensurepip, offline), collected by `patchcast inventory --python-site`, scanned by `patchcast
 * scan` against PyPI advisories whose names are spelled differently (PEP 503).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Harness } from '../harness.js';

const run = promisify(execFile);

function advisory(id: string, name: string, fixed: string) {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'PyPI', name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  };
}

test('a virtual environment: inventory, then scan, finds exactly the affecting advisory', async (t) => {
  const venvOk = await run('python3', ['-c', 'import venv, ensurepip']).then(
    () => true,
    () => false,
  );
  if (!venvOk) {
    t.skip(
      'python3 with venv and ensurepip is not installed: the Python end-to-end test did not run',
    );
    return;
  }
  const h = await Harness.create();
  try {
    const venv = join(h.dir, 'venv');
    await run('python3', ['-m', 'venv', venv]);
    const pip = (await run(join(venv, 'bin/python'), ['-m', 'pip', '--version'])).stdout;
    const version = /^pip (\S+)/.exec(pip)?.[1];
    assert.ok(version !== undefined, pip);

    const collected = await h.cli(['inventory', '--python-site', venv]);
    assert.equal(collected.code, 0, collected.stderr);
    const inventory = JSON.parse(collected.stdout) as { pypi: { name: string; version: string }[] };
    assert.ok(inventory.pypi.some((p) => p.name === 'pip' && p.version === version));
    await writeFile(join(h.dir, 'host.json'), collected.stdout);

    const dir = join(h.dir, 'advisories');
    await mkdir(dir);
    const records = [
      advisory('PYSEC-HIT', 'PIP', `${version}.post1`),
      advisory('PYSEC-FIXED', 'pip', version),
      advisory('PYSEC-OTHER', 'pip-tools', '999'),
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
      findings: { advisoryId: string; installedVersion: string }[];
      summary: { packages: { PyPI: number } };
    };
    assert.deepEqual(
      report.findings.map((f) => [f.advisoryId, f.installedVersion]),
      [['PYSEC-HIT', version]],
    );
    assert.equal(report.summary.packages.PyPI, inventory.pypi.length);
  } finally {
    await h.close();
  }
});
