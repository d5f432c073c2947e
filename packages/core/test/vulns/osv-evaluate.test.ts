/** OSV "Evaluation" on small hand-made ranges, one ecosystem at a time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAffected } from '../../src/vulns/osv-evaluate.js';
import type { OsvAffected } from '../../src/vulns/osv-record.js';
import { osvJson, parsed } from './fixtures.js';
import type { Json, RangeSpec } from './fixtures.js';

function affected(ecosystem: string, ranges: readonly RangeSpec[], extra: Json = {}): OsvAffected {
  const json = osvJson(ecosystem, 'pkg', ranges);
  const entry = (json['affected'] as Json[])[0] ?? {};
  Object.assign(entry, extra);
  const result = parsed(json).affected[0];
  assert.ok(result !== undefined);
  return result;
}

function check(
  entry: OsvAffected,
  ecosystem: string,
  table: Readonly<Record<string, boolean>>,
): void {
  for (const [version, expected] of Object.entries(table)) {
    const got = evaluateAffected(version, entry, ecosystem) !== undefined;
    assert.equal(
      got,
      expected,
      `${ecosystem} ${version}: expected ${expected ? 'affected' : 'not affected'}`,
    );
  }
}

const ev = (...events: Json[]): RangeSpec => ({ events });

test('npm: [introduced 0, fixed) with semver precedence, pre-releases included (not `satisfies`)', () => {
  const entry = affected('npm', [ev({ introduced: '0' }, { fixed: '1.2.3' })]);
  check(entry, 'npm', {
    '0.0.0': true,
    '1.2.2': true,
    '1.2.3-rc.1': true,
    '1.2.3': false,
    '1.2.3+build.7': false,
    '1.2.4-alpha': false,
    '2.0.0': false,
  });
  assert.deepEqual(evaluateAffected('1.0.0', entry, 'npm'), { via: 'range', fixed: '1.2.3' });
});

test('npm: several intervals in one range, events in any order', () => {
  const entry = affected('npm', [
    ev({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
  ]);
  check(entry, 'npm', {
    '0.9.9': false,
    '1.0.0': true,
    '1.0.1': true,
    '1.0.2': false,
    '2.0.0': false,
    '3.0.0-beta.1': false,
    '3.0.0': true,
    '3.2.4': true,
    '3.2.5': false,
  });
  assert.equal(evaluateAffected('1.0.1', entry, 'npm')?.fixed, '1.0.2');
  assert.equal(evaluateAffected('3.1.0', entry, 'npm')?.fixed, '3.2.5');
});

test('last_affected is inclusive and leaves no fixed version', () => {
  const entry = affected('npm', [ev({ introduced: '2.0.0' }, { last_affected: '2.1.214' })]);
  check(entry, 'npm', { '1.9.9': false, '2.0.0': true, '2.1.214': true, '2.1.215': false });
  assert.deepEqual(evaluateAffected('2.1.0', entry, 'npm'), { via: 'range', fixed: undefined });
});

test('limit: a version must lie below at least one limit', () => {
  const one = affected('npm', [ev({ introduced: '0' }, { limit: '2.0.0' })]);
  check(one, 'npm', { '1.9.9': true, '2.0.0': false, '3.0.0': false });
  const two = affected('npm', [
    ev({ introduced: '1.0.0' }, { limit: '1.5.0' }, { limit: '3.0.0' }),
  ]);
  check(two, 'npm', { '0.5.0': false, '2.0.0': true, '3.0.0': false });
  const star = affected('npm', [ev({ introduced: '1.0.0' }, { limit: '*' })]);
  check(star, 'npm', { '0.1.0': false, '99.0.0': true });
});

test('the versions list matches by version equality; GIT ranges are skipped', () => {
  const entry = affected('npm', [], { versions: ['1.5.0', '2.0.0-rc.1'] });
  check(entry, 'npm', { '1.5.0': true, '1.5.1': false, '2.0.0-rc.1': true, '2.0.0': false });
  const pypi = affected('PyPI', [], { versions: ['1.0', '0.1dev-r1234'] });
  check(pypi, 'PyPI', { '1.0.0': true, '1.0.post1': false });
  assert.throws(() => evaluateAffected('0.1dev-r1234', pypi, 'PyPI'), /Invalid PyPI version/);
  assert.deepEqual(evaluateAffected('1.5.0', entry, 'npm'), { via: 'versions', fixed: undefined });
  const git = affected(
    'npm',
    [
      {
        type: 'GIT',
        repo: 'https://example.org/r',
        events: [{ introduced: '0' }, { fixed: 'abc' }],
      },
    ],
    { versions: ['1.0.0'] },
  );
  check(git, 'npm', { '1.0.0': true, '0.5.0': false });
});

test('Debian: security backports, ~ before anything, epochs', () => {
  const backport = affected('Debian:11', [ev({ introduced: '0' }, { fixed: '1.1.1n-0+deb11u5' })]);
  check(backport, 'Debian:11', {
    '1.1.1n-0': true,
    '1.1.1n-0+deb11u4': true,
    '1.1.1n-0+deb11u5': false,
    '1.1.1n-0+deb11u6': false,
    '1.1.1w-0+deb11u1': false,
    '1.1.1k-1+deb11u2': true,
  });
  const tilde = affected('Debian:12', [ev({ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' })]);
  check(tilde, 'Debian:12', {
    '3.0.11-1~deb12u1': true,
    '3.0.9-1': true,
    '3.0.11-1~deb12u2': false,
    '3.0.11-1': false,
  });
  const epoch = affected('Debian:12', [ev({ introduced: '0' }, { fixed: '1:2.0-1' })]);
  check(epoch, 'Debian:12', { '2.5-1': true, '1:1.9-1': true, '1:2.0-1': false, '2:0.1-1': false });
});

test('PyPI: PEP 440 ordering, spellings normalised', () => {
  const entry = affected('PyPI', [ev({ introduced: '1.0' }, { fixed: '2.0.0' })]);
  check(entry, 'PyPI', {
    '0.9': false,
    '1.0.0': true,
    '1.9.dev0': true,
    '2.0.0rc1': true,
    '2.0.0-RC1': true,
    '2.0': false,
    '2.0.0.post1': false,
  });
});

test('an installed version its ordering cannot read is an error, not a guess', () => {
  const entry = affected('npm', [ev({ introduced: '0' }, { fixed: '1.2.3' })]);
  assert.throws(() => evaluateAffected('1.2', entry, 'npm'), /Invalid npm version/);
});
