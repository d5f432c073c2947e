/** How `patchcast vulns import PATH...` tells OSV, KEV, EPSS and policy files apart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PatchcastError } from '@patchcast/core';
import { classifySources } from '../../src/vulns/import-sources.js';
import { fixture } from './paths.js';

const NO_FLAGS = { osv: [], kev: undefined, epss: undefined, policy: undefined };
const EPSS =
  '#model_version:v2025.03.14,score_date:2025-03-01T00:00:00+0000\ncve,epss,percentile\n';

function usage(message: RegExp) {
  return (e: unknown) =>
    e instanceof PatchcastError && e.code === 'USAGE' && message.test(e.message);
}

test('paths are told apart by name and content; flags are kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-sources-'));
  try {
    const file = async (name: string, data: string | Buffer) => {
      await writeFile(join(dir, name), data);
      return join(dir, name);
    };
    await mkdir(join(dir, 'osv'));
    const scores = await file(
      'epss_scores-2025-03-01.csv.gz',
      gzipSync(EPSS + 'CVE-1,0.1,0.2\n'.repeat(20_000)),
    );
    const headerless = await file('scores.csv', 'cve,epss,percentile\nCVE-2023-1,0.1,0.2\n');
    const policy = await file(
      'table.csv',
      'row,In KEV,Publicly Exposed,Automatable,Technical Impact,Outcome\n',
    );
    const catalog = await file(
      'catalog.json',
      '{\n  "title": "CISA Catalog",\n  "catalogVersion": "2025.02.01"}',
    );
    const record = await file('record.json', '{"id": "X-1", "modified": "2026-01-01T00:00:00Z"}');
    const sources = await classifySources(
      [join(dir, 'osv'), fixture('python-zipfile.zip'), scores, policy, catalog, record],
      { ...NO_FLAGS, osv: [fixture('advisories/npm')] },
    );
    assert.deepEqual(sources, {
      osv: [fixture('advisories/npm'), join(dir, 'osv'), fixture('python-zipfile.zip'), record],
      kev: catalog,
      epss: scores,
      policy,
    });
    assert.equal((await classifySources([headerless], NO_FLAGS)).epss, headerless);
    assert.equal(
      (await classifySources([fixture('kev-small.json')], NO_FLAGS)).kev,
      fixture('kev-small.json'),
      'by name',
    );
    await assert.rejects(
      classifySources([catalog], { ...NO_FLAGS, kev: catalog }),
      usage(/two kev files/),
    );
    const other = await file('other.csv', 'a,b\n1,2\n');
    await assert.rejects(
      classifySources([other], NO_FLAGS),
      usage(/neither EPSS scores nor a deadline policy/),
    );
    const text = await file('notes.txt', 'hello');
    await assert.rejects(
      classifySources([text], NO_FLAGS),
      usage(/cannot tell what .*notes\.txt holds/),
    );
    await assert.rejects(
      classifySources([join(dir, 'missing.json')], NO_FLAGS),
      (e: unknown) => e instanceof PatchcastError && e.code === 'NOT_FOUND',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
