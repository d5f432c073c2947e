/** The order of patch versions (ADR 0017): vectors for each rule, and the order's laws. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { comparePatchVersions } from '../../src/versions/index.js';

/** [lower, higher] pairs, by the rule that orders them. */
const ASCENDING: readonly (readonly [string, string])[] = [
  // both SemVer: precedence (§11), numeric parts numerically, pre-releases first
  ['1.9.0', '1.10.0'],
  ['1.0.0-rc.1', '1.0.0'],
  ['1.0.0-alpha', '1.0.0-alpha.1'],
  ['v1.2.3', '1.2.4'],
  // both Debian, not both SemVer: epochs, then upstream with '~' before anything
  ['1.0~rc1', '1.0'],
  ['9.9', '1:0.1'],
  ['1.2', '1.2.1'],
  ['2.4.52-1ubuntu4', '2.4.52-1ubuntu4.1'],
  // anything else: dpkg's verrevcmp over the whole strings
  ['build_7', 'build_12'],
  ['r9', 'r10'],
];

test('vectors: each pair is ordered, both ways', () => {
  for (const [lower, higher] of ASCENDING) {
    assert.ok(comparePatchVersions(lower, higher) < 0, `${lower} < ${higher}`);
    assert.ok(comparePatchVersions(higher, lower) > 0, `${higher} > ${lower}`);
  }
});

test('versions equal by precedence are not ordered (SemVer build metadata)', () => {
  assert.equal(comparePatchVersions('1.0.0+build.1', '1.0.0+build.2'), 0);
  assert.equal(comparePatchVersions('1.0.0', '1.0.0'), 0);
});

const PATCH_VERSION = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.+~:_-]{0,20}$/);

test('property: reflexive and antisymmetric on any two patch versions', () => {
  fc.assert(
    fc.property(PATCH_VERSION, PATCH_VERSION, (a, b) => {
      assert.equal(comparePatchVersions(a, a), 0);
      const [ab, ba] = [comparePatchVersions(a, b), comparePatchVersions(b, a)];
      assert.ok(Math.sign(ab) + Math.sign(ba) === 0, `${a} vs ${b}: ${ab}, ${ba}`);
    }),
    { numRuns: 2000 },
  );
});
