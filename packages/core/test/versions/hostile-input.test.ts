/** Malformed and hostile versions are refused with INVALID_INPUT, quickly and precisely. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_VERSION_LENGTH,
  VERSION_ECOSYSTEMS,
  compareVersions,
  isValidVersion,
  parseVersion,
} from '../../src/versions/index.js';
import type { VersionEcosystem } from '../../src/versions/index.js';
import { FIXTURES, asStrings, assertInvalidInput, member, readJson } from './vector-files.js';

const VALID: Readonly<Record<VersionEcosystem, string>> = {
  Debian: '1.0-1',
  npm: '1.0.0',
  PyPI: '1.0',
  SemVer: '1.0.0',
  'Red Hat': '1.0-1.el9',
  AlmaLinux: '1.0-1.el9',
  'Rocky Linux': '1.0-1.el9',
};

function assertRefused(ecosystem: VersionEcosystem, version: string): void {
  const label = `${ecosystem} ${JSON.stringify(version)}`;
  assertInvalidInput(() => parseVersion(ecosystem, version), ecosystem, label);
  assertInvalidInput(() => compareVersions(ecosystem, version, VALID[ecosystem]), ecosystem, label);
  assertInvalidInput(() => compareVersions(ecosystem, VALID[ecosystem], version), ecosystem, label);
  assert.equal(isValidVersion(ecosystem, version), false, label);
}

/** A version of exactly `length` characters that the grammar otherwise accepts. */
function padded(ecosystem: VersionEcosystem, length: number): string {
  const rpm = ecosystem === 'Red Hat' || ecosystem === 'AlmaLinux' || ecosystem === 'Rocky Linux';
  const filler = rpm
    ? '1.0-1'
    : { Debian: '1.0-1', npm: '1.0.0-', PyPI: '1.0', SemVer: 'v1.0.0-' }[ecosystem];
  const unit = rpm ? '0' : { Debian: '0', npm: 'x', PyPI: '0', SemVer: 'x' }[ecosystem];
  return `${filler}${unit.repeat(length)}`.slice(0, length);
}

test('invalid-versions.json: each malformed version is refused by its ecosystem', () => {
  const table = readJson(FIXTURES, 'invalid-versions.json');
  for (const ecosystem of VERSION_ECOSYSTEMS) {
    const versions = asStrings(member(table, ecosystem), ecosystem);
    assert.ok(versions.length > 0, ecosystem);
    for (const version of versions) assertRefused(ecosystem, version);
  }
});

const HOSTILE = [
  '',
  ' ',
  '\t',
  '\n',
  ' 1.0.0',
  '1.0.0 ',
  '1.0.0\n',
  '1.0 .0',
  '\u00001.0.0',
  '1.0.0\u0000',
  '1.0.0\u200b',
  '\uff11.0.0',
  '1.0.0-\u00e9',
  '1.0.0\u{1f600}',
  '"1.0.0"',
  "1.0.0'",
  '1.0.0;rm',
  '../1.0.0',
];

test('hostile strings are refused by every ecosystem', () => {
  for (const ecosystem of VERSION_ECOSYSTEMS) {
    for (const version of HOSTILE) assertRefused(ecosystem, version);
  }
});

test(`versions over ${MAX_VERSION_LENGTH} characters are refused; the limit itself is fine`, () => {
  assert.equal(MAX_VERSION_LENGTH, 256);
  for (const ecosystem of VERSION_ECOSYSTEMS) {
    const longest = padded(ecosystem, MAX_VERSION_LENGTH);
    assert.equal(longest.length, MAX_VERSION_LENGTH);
    assert.ok(isValidVersion(ecosystem, longest), `${ecosystem} ${longest}`);
    for (const length of [MAX_VERSION_LENGTH + 1, 10_000, 1_000_000]) {
      const version = padded(ecosystem, length);
      assertRefused(ecosystem, version);
      assert.throws(
        () => parseVersion(ecosystem, version),
        (error: Error) => {
          assert.match(error.message, /longer than 256 characters/);
          assert.ok(error.message.length < 200, 'the message quotes a bounded prefix only');
          return true;
        },
      );
    }
  }
});

test('non-string values are refused, not coerced', () => {
  const values: readonly unknown[] = [undefined, null, 1, 1.5, {}, ['1.0.0'], Symbol('v')];
  for (const ecosystem of VERSION_ECOSYSTEMS) {
    for (const value of values) {
      assertRefused(ecosystem, value as string);
    }
  }
});

test('the message names the ecosystem and the bad version, with a hint', () => {
  assert.throws(
    () => parseVersion('Debian:12', '1.0-'),
    (error: Error & { hint?: string }) => {
      assert.equal(
        error.message,
        'Invalid Debian version "1.0-": the revision must be ' +
          'non-empty and contain only alphanumerics and . + ~.',
      );
      assert.match(error.hint ?? '', /deb-version\(7\)/);
      return true;
    },
  );
  assert.throws(
    () => parseVersion('npm', 'v1.0.0'),
    /Invalid npm version "v1\.0\.0": .*leading 'v'/,
  );
  assert.throws(() => parseVersion('PyPI', 'trunk'), /Invalid PyPI version "trunk": .*PEP 440/);
  assert.throws(() => parseVersion('SemVer', '1.0'), /Invalid SemVer version "1\.0": .*§2/);
});

const ADVERSARIAL = [
  (n: number) => `1${'.1'.repeat(n)}!`,
  (n: number) => `1${'-'.repeat(n)}`,
  (n: number) => `1${'.0'.repeat(n)}+${'a.'.repeat(n)}`,
  (n: number) => `1.0.0-${'a-'.repeat(n)}.`,
  (n: number) => `1${'0'.repeat(n)}~`,
  (n: number) => `${'1:'.repeat(n)}`,
];

test('near-limit adversarial strings are parsed or refused in linear time', () => {
  const started = performance.now();
  for (const ecosystem of VERSION_ECOSYSTEMS) {
    for (const make of ADVERSARIAL) {
      const version = make(MAX_VERSION_LENGTH).slice(0, MAX_VERSION_LENGTH);
      for (let i = 0; i < 20; i++) isValidVersion(ecosystem, version);
    }
  }
  assert.ok(performance.now() - started < 1000, 'parsing 480 adversarial strings took over 1 s');
});
