/**
 * `patchcast vulns import PATH...` against a real server process: paths told apart by name and
 * content, bad records skipped and listed (file, index, id, reason) while the rest imports,
 * whole-file problems and nothing-to-import refused with their codes and nothing stored, the
 * same data imported twice changing nothing; and the real Debian ELTS set from ../shared/data
 * (skipped visibly when absent), whose 18 dirty records are reported while 1,694 import.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { fixture, sharedData } from './paths.js';
import { writeZip } from './zip-writer.js';

interface Skipped {
  file: string;
  index: number | null;
  id: string | null;
  reason: string;
}

interface ImportJson {
  advisories: { staged: number; added: number; updated: number; unchanged: number; total: number };
  data: string[];
  dataUnchanged: string[];
  devicesRecomputed: number;
  skipped: Skipped[];
  changed: boolean;
}

const EPSS =
  '#model_version:v2025.03.14,score_date:2025-03-01T00:00:00+0000\ncve,epss,percentile\nCVE-2023-5363,0.42,0.97\n';

function advisory(id: string, name: string): unknown {
  return {
    id,
    modified: '2026-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
      },
    ],
  };
}

async function refused(h: Harness, args: readonly string[], code: string, message: RegExp) {
  const result = await h.cli(['vulns', 'import', ...args, '--json']);
  assert.equal(result.code, 1, result.stderr);
  const body = JSON.parse(result.stdout) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, result.stdout);
  assert.match(body.error.message, message);
  return result;
}

test('vulns import: bad records are skipped and listed, the rest imports; whole-file problems refuse', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    const dirty = fixture('advisories/debian/ELA-669-1-dirty.json');

    // Whole-file problems refuse the import, naming the file; nothing is stored.
    const zipped = await readFile(fixture('python-zipfile.zip'));
    const truncated = join(h.dir, 'osv', 'truncated.zip');
    await mkdir(join(h.dir, 'osv'), { recursive: true });
    await writeFile(truncated, zipped.subarray(0, Math.floor(zipped.length / 2)));
    await refused(h, [fixture('advisories/npm'), truncated], 'ARCHIVE_INVALID', /truncated\.zip/);
    await refused(h, [join(h.dir, 'osv')], 'ARCHIVE_INVALID', /truncated\.zip/);
    await refused(
      h,
      [fixture('advisories/npm'), fixture('kev-wrong-shape.json')],
      'THREAT_DATA_INVALID',
      /kev-wrong-shape\.json/,
    );
    await refused(
      h,
      ['--epss', fixture('kev-small.json')],
      'THREAT_DATA_INVALID',
      /Not an EPSS scores file/,
    );
    const badPolicy = join(h.dir, 'policy.csv');
    await writeFile(badPolicy, 'row,In KEV\n1,yes\n');
    await refused(h, [fixture('advisories/npm'), badPolicy], 'POLICY_INVALID', /policy\.csv/);
    // Nothing at all to import: every record is bad.
    const allBad = await refused(h, [dirty], 'ADVISORY_INVALID', /none of the 1 advisory records/);
    assert.match(
      allBad.stderr,
      /skipped ELA-669-1 in .*ELA-669-1-dirty\.json: affected\[0\]\.ranges/,
    );
    const allBadJson = JSON.parse(allBad.stdout) as { skipped: Skipped[] };
    assert.deepEqual(
      allBadJson.skipped.map((r) => [r.file, r.index, r.id]),
      [[dirty, null, 'ELA-669-1']],
      'the error document lists every skipped record',
    );
    const unknown = await h.cli(['vulns', 'import', join(h.dir, 'notes.txt')]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error\[NOT_FOUND\]: .*notes\.txt does not exist/);

    // A folder with a dirty record, an array holding a bad record, KEV and EPSS by detection.
    const array = join(h.dir, 'array.json');
    await writeFile(
      array,
      JSON.stringify([
        advisory('TEST-2026-1', 'left-pad'),
        { id: 'TEST-2026-2', modified: 'soon' },
      ]),
    );
    const epss = join(h.dir, 'scores.csv');
    await writeFile(epss, EPSS);
    const zip = join(h.dir, 'npm.zip');
    await writeFile(
      zip,
      writeZip([
        { name: 'GHSA-zip-1.json', data: JSON.stringify(advisory('GHSA-zip-1', 'zipped')) },
        { name: 'broken.json', data: '{"id": "GHSA-zip-2", "modif' },
      ]),
    );
    const args = [fixture('advisories/debian'), array, zip, fixture('kev-small.json'), epss];
    const first = await h.cliJson<ImportJson>(['vulns', 'import', ...args]);
    assert.deepEqual(first.data, ['epss', 'kev'], 'the KEV catalog and EPSS told by content');
    assert.equal(first.advisories.staged, 4, 'DSA-5532-1, ELA-1000-1, TEST-2026-1, GHSA-zip-1');
    // Nothing of the refused imports was stored: every record is new, KEV and EPSS replaced.
    assert.deepEqual([first.advisories.added, first.advisories.total], [4, 4]);
    assert.equal(first.changed, true);
    assert.deepEqual(
      first.skipped.map((s) => [s.file, s.index, s.id]),
      [
        [dirty, null, 'ELA-669-1'],
        [array, 1, 'TEST-2026-2'],
        [`${zip}!/broken.json`, null, null],
      ],
    );
    assert.match(first.skipped[0]?.reason ?? '', /^affected\[0\]\.ranges: /);
    assert.match(first.skipped[1]?.reason ?? '', /^modified: /);
    assert.match(first.skipped[2]?.reason ?? '', /^not JSON: /);

    // The same data again changes nothing, and says so (text form: the skipped records listed).
    const again = await h.cliJson<ImportJson>(['vulns', 'import', ...args]);
    assert.deepEqual(
      [again.changed, again.advisories.added, again.advisories.updated, again.advisories.unchanged],
      [false, 0, 0, 4],
    );
    assert.deepEqual(
      [again.data, again.dataUnchanged, again.devicesRecomputed],
      [[], ['epss', 'kev'], 0],
    );
    const text = await h.cli(['vulns', 'import', ...args]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^imported 4 advisories \(0 new, 0 updated, 4 unchanged; 4 stored\), epss unchanged, kev unchanged; findings recomputed on 0 devices\n/,
    );
    assert.match(text.stdout, /\nnothing changed: the server already had all of this data\n/);
    assert.match(
      text.stdout,
      /\nskipped 3 bad advisory records:\n {2}skipped ELA-669-1 in \S+ELA-669-1-dirty\.json: /,
    );
    assert.match(text.stdout, /\n {2}skipped TEST-2026-2 in \S+array\.json#1: modified: /);

    // Explicit flags still work, and two catalogs of one kind are a usage error.
    const flags = await h.cliJson<ImportJson>([
      'vulns',
      'import',
      '--osv',
      array,
      '--kev',
      fixture('kev-small.json'),
    ]);
    assert.deepEqual([flags.advisories.unchanged, flags.dataUnchanged], [1, ['kev']]);
    const twice = await h.cli([
      'vulns',
      'import',
      fixture('kev-small.json'),
      '--kev',
      fixture('kev-small.json'),
    ]);
    assert.equal(twice.code, 2, twice.stderr);
    assert.match(twice.stderr, /error\[USAGE\]: two kev files given/);
  } finally {
    await h.close();
  }
});

const ELTS_DIRTY = [
  'ELA-1047-1',
  'ELA-1094-1',
  'ELA-1168-1',
  'ELA-1245-1',
  'ELA-1325-1',
  'ELA-148-1',
  'ELA-168-1',
  'ELA-214-1',
  'ELA-230-1',
  'ELA-31-1',
  'ELA-376-1',
  'ELA-408-1',
  'ELA-669-1',
  'ELA-698-1',
  'ELA-87-1',
  'ELA-895-1',
  'ELA-904-1',
  'ELA-908-1',
];

test('vulns import of the real Debian ELTS set: 1,694 records import, the 18 dirty ones are listed', async (t) => {
  const elts = sharedData('osv/debian-elts');
  const kev = sharedData('kev/known_exploited_vulnerabilities.json');
  if (elts === undefined || kev === undefined) {
    t.skip('../shared/data/osv/debian-elts or the KEV catalog is absent');
    return;
  }
  const h = await Harness.create();
  try {
    await h.startServer();
    const result = await h.cliJson<ImportJson>(['vulns', 'import', elts, kev]);
    assert.equal(result.advisories.added, 1694);
    assert.equal(result.advisories.total, 1694);
    assert.deepEqual(result.data, ['kev']);
    assert.deepEqual(result.skipped.map((s) => s.id).sort(), ELTS_DIRTY);
    const ela669 = result.skipped.find((s) => s.id === 'ELA-669-1');
    assert.match(ela669?.reason ?? '', /^affected\[0\]\.ranges: /);
    assert.ok(
      result.skipped.every((s) => s.file.startsWith(elts) && s.file.endsWith(`${s.id}.json`)),
      'each skipped record names its file',
    );
    const truncated = result.skipped.filter((s) => /looks truncated/.test(s.reason));
    assert.equal(truncated.length, 17, 'the 17 records with truncated fixed versions');
    const again = await h.cliJson<ImportJson>(['vulns', 'import', elts, kev]);
    assert.deepEqual([again.changed, again.advisories.unchanged], [false, 1694]);
  } finally {
    await h.close();
  }
});
