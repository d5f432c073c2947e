/** Ecosystem names: the closed set, OSV suffixes, and refusal of anything else. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VERSION_ECOSYSTEMS,
  compareParsedVersions,
  compareVersions,
  isValidVersion,
  parseVersion,
  resolveEcosystem,
} from '../../src/versions/index.js';
import { assertInvalidInput } from './vector-files.js';

test('the supported ecosystems are a closed, ordered tuple', () => {
  assert.deepEqual(VERSION_ECOSYSTEMS, [
    'Debian',
    'npm',
    'PyPI',
    'SemVer',
    'Red Hat',
    'AlmaLinux',
    'Rocky Linux',
  ]);
});

test('OSV ecosystem strings select their ordering by the part before the colon', () => {
  assert.equal(resolveEcosystem('Debian:12'), 'Debian');
  assert.equal(resolveEcosystem('Debian:11'), 'Debian');
  assert.equal(resolveEcosystem('PyPI'), 'PyPI');
  assert.ok(compareVersions('Debian:12', '1.0~rc1', '1.0') < 0);
  assert.ok(isValidVersion('Debian:10', '1:2.3-4'));
});

test('RPM ecosystems, with OSV suffixes, order by rpm EVR', () => {
  assert.equal(resolveEcosystem('Red Hat:enterprise_linux:9::appstream'), 'Red Hat');
  assert.equal(resolveEcosystem('AlmaLinux:9'), 'AlmaLinux');
  assert.equal(resolveEcosystem('Rocky Linux:8'), 'Rocky Linux');
  for (const ecosystem of ['Red Hat', 'AlmaLinux:9', 'Rocky Linux:9']) {
    assert.equal(compareVersions(ecosystem, '1:1.0-1.el9', '2.0-1.el9'), 1);
    assert.equal(compareVersions(ecosystem, '1.0~rc1-1', '1.0-1'), -1);
    assert.equal(compareVersions(ecosystem, '1.0^git1-1', '1.0-1'), 1);
    assert.equal(compareVersions(ecosystem, '0:1.0-1', '1.0-1'), 0);
  }
  for (const name of ['RedHat', 'Red hat', 'Alma Linux', 'Rocky', 'rhel']) {
    assert.throws(() => compareVersions(name, '1', '1'), /Unknown version ecosystem/);
  }
});

test('unknown ecosystems are refused with the list of supported ones', () => {
  for (const name of ['Maven', 'debian', 'PYPI', 'semver', '', ':12', 'Debian12', ' Debian']) {
    for (const run of [
      () => compareVersions(name, '1.0.0', '1.0.0'),
      () => parseVersion(name, '1.0.0'),
      () => isValidVersion(name, '1.0.0'),
    ]) {
      assert.throws(run, (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INVALID_INPUT');
        assert.match(error.message, /Unknown version ecosystem/);
        for (const known of VERSION_ECOSYSTEMS) assert.ok(error.message.includes(known));
        return true;
      });
    }
  }
});

test('compareParsedVersions refuses versions of different schemes', () => {
  const debian = parseVersion('Debian', '1.0');
  const python = parseVersion('PyPI', '1.0');
  assertInvalidInput(() => compareParsedVersions(debian, python), 'debian', 'mixed schemes');
  assert.equal(
    compareParsedVersions(parseVersion('npm', '1.0.0'), parseVersion('SemVer', 'v1.0.0')),
    0,
  );
});

test('the result is a sign: -1, 0 or 1', () => {
  assert.equal(compareVersions('Debian', '1.0', '9.0'), -1);
  assert.equal(compareVersions('Debian', '1.0a', '1.0.'), -1);
  assert.equal(compareVersions('npm', '2.0.0', '1.0.0'), 1);
  assert.equal(compareVersions('PyPI', '1.0', '1.0.0'), 0);
});
