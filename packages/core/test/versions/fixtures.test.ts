/** Hand-picked tricky cases: dpkg tildes, semver.org §11, PEP 440 spellings and ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, parseVersion } from '../../src/versions/index.js';
import { FIXTURES, asStrings, checkComparison, readComparisons, readJson } from './vector-files.js';

const COMPARISON_FIXTURES = [
  { name: 'debian-tricky.txt', ecosystems: ['Debian', 'Debian:12'] },
  { name: 'semver-precedence.txt', ecosystems: ['npm', 'SemVer'] },
  { name: 'pep440-ordering.txt', ecosystems: ['PyPI'] },
  { name: 'rpm-tricky.txt', ecosystems: ['Red Hat', 'AlmaLinux:9', 'Rocky Linux:9'] },
] as const;

for (const { name, ecosystems } of COMPARISON_FIXTURES) {
  for (const ecosystem of ecosystems) {
    test(`${name}: every comparison holds both ways for ${ecosystem}`, (t) => {
      const comparisons = readComparisons(FIXTURES, name);
      const failures = comparisons.map((c) => checkComparison(ecosystem, c));
      assert.deepEqual(
        failures.filter((f) => f !== undefined),
        [],
      );
      t.diagnostic(`${comparisons.length} comparisons`);
    });
  }
}

test('pep440-normalisation.json: spellings normalise per PEP 440 "Normalization"', () => {
  const cases = readJson(FIXTURES, 'pep440-normalisation.json');
  assert.ok(Array.isArray(cases));
  const rows: readonly unknown[] = cases;
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const [input = '', normalized = ''] = asStrings(row, 'normalisation case');
    assert.equal(parseVersion('PyPI', input).normalized, normalized, input);
    assert.equal(compareVersions('PyPI', input, normalized), 0, input);
  }
});

test('parseVersion exposes the parts of a Debian version (deb-version(7))', () => {
  assert.deepEqual(parseVersion('Debian:12', '2:1.0~rc1-1-3+b1'), {
    kind: 'debian',
    normalized: '2:1.0~rc1-1-3+b1',
    epoch: 2,
    upstream: '1.0~rc1-1',
    revision: '3+b1',
  });
  assert.deepEqual(parseVersion('Debian', '1.0'), {
    kind: 'debian',
    normalized: '1.0',
    epoch: 0,
    upstream: '1.0',
    revision: '',
  });
});

test('parseVersion exposes the parts of a semantic version (semver.org §9, §10)', () => {
  assert.deepEqual(parseVersion('SemVer', 'v1.2.3-rc.1+build.7'), {
    kind: 'semver',
    normalized: '1.2.3-rc.1+build.7',
    major: 1n,
    minor: 2n,
    patch: 3n,
    prerelease: ['rc', '1'],
    build: ['build', '7'],
  });
});

test('parseVersion exposes the parts of a PEP 440 version', () => {
  assert.deepEqual(parseVersion('PyPI', '1!2.0-RC.3.post-4.DEV5+Ubuntu_1'), {
    kind: 'pep440',
    normalized: '1!2.0rc3.post4.dev5+ubuntu.1',
    epoch: 1n,
    release: [2n, 0n],
    pre: { label: 'rc', number: 3n },
    post: 4n,
    dev: 5n,
    local: ['ubuntu', '1'],
  });
});

test('parseVersion exposes the parts of an RPM version (rpm parseEVR)', () => {
  assert.deepEqual(parseVersion('AlmaLinux:9', '1:3.0.7-24.el9'), {
    kind: 'rpm',
    normalized: '1:3.0.7-24.el9',
    epoch: '1',
    version: '3.0.7',
    release: '24.el9',
  });
  assert.deepEqual(parseVersion('Rocky Linux', '1.0^git1'), {
    kind: 'rpm',
    normalized: '1.0^git1',
    epoch: '0',
    version: '1.0^git1',
    release: '',
  });
});
