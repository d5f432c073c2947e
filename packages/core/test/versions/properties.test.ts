/** Order properties (fast-check) for every ecosystem, and sorting of known ordered lists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  VERSION_ECOSYSTEMS,
  compareParsedVersions,
  compareVersions,
  parseVersion,
} from '../../src/versions/index.js';
import type { VersionEcosystem } from '../../src/versions/index.js';
import { VERSION_ARBITRARIES, semverVersion } from './arbitraries.js';
import {
  FIXTURES,
  SHARED_VECTORS,
  hasFile,
  orderedChains,
  readComparisons,
  shuffled,
} from './vector-files.js';

const NUM_RUNS = 500;

function sign(ecosystem: VersionEcosystem, a: string, b: string): number {
  return Math.sign(compareVersions(ecosystem, a, b));
}

for (const ecosystem of VERSION_ECOSYSTEMS) {
  const version = VERSION_ARBITRARIES[ecosystem];

  test(`${ecosystem}: reflexive (v = v)`, () => {
    fc.assert(
      fc.property(version, (v) => sign(ecosystem, v, v) === 0),
      { numRuns: NUM_RUNS },
    );
  });

  test(`${ecosystem}: antisymmetric (sign(a, b) = -sign(b, a))`, () => {
    const antisymmetric = (a: string, b: string) =>
      sign(ecosystem, a, b) === -sign(ecosystem, b, a);
    fc.assert(fc.property(version, version, antisymmetric), { numRuns: NUM_RUNS });
  });

  test(`${ecosystem}: transitive on sorted triples`, () => {
    const transitive = (triple: readonly string[]) => {
      const [x = '', y = '', z = ''] = [...triple].sort((a, b) => compareVersions(ecosystem, a, b));
      const [xy, yz, xz] = [sign(ecosystem, x, y), sign(ecosystem, y, z), sign(ecosystem, x, z)];
      const strict = xy < 0 || yz < 0;
      return xy <= 0 && yz <= 0 && (strict ? xz < 0 : xz === 0);
    };
    fc.assert(fc.property(fc.array(version, { minLength: 3, maxLength: 3 }), transitive), {
      numRuns: NUM_RUNS,
    });
  });

  test(`${ecosystem}: the normalised form parses to an equal version`, () => {
    const roundTrip = (v: string) => {
      const parsed = parseVersion(ecosystem, v);
      const again = parseVersion(ecosystem, parsed.normalized);
      return again.normalized === parsed.normalized && compareParsedVersions(parsed, again) === 0;
    };
    fc.assert(fc.property(version, roundTrip), { numRuns: NUM_RUNS });
  });
}

test('npm and SemVer order identically; a leading v changes nothing for SemVer', () => {
  const same = (a: string, b: string) =>
    sign('npm', a, b) === sign('SemVer', a, b) && sign('SemVer', `v${a}`, b) === sign('npm', a, b);
  fc.assert(fc.property(semverVersion, semverVersion, same), { numRuns: NUM_RUNS });
});

const FIXTURE_LISTS = [
  { name: 'debian-tricky.txt', ecosystem: 'Debian' },
  { name: 'semver-precedence.txt', ecosystem: 'npm' },
  { name: 'pep440-ordering.txt', ecosystem: 'PyPI' },
  { name: 'rpm-tricky.txt', ecosystem: 'Red Hat' },
] as const;

const SHARED_LISTS = [
  { name: 'debian-versions-generated.txt', ecosystem: 'Debian' },
  { name: 'pypi-versions-generated.txt', ecosystem: 'PyPI' },
  { name: 'semver-versions.txt', ecosystem: 'SemVer' },
] as const;

function assertSortsBack(ecosystem: VersionEcosystem, dir: URL, name: string): number {
  const keep = (v: string) => parseVersionOrUndefined(ecosystem, v) !== undefined;
  const chains = orderedChains(readComparisons(dir, name), keep);
  chains.forEach((chain, index) => {
    const byVersion = (a: string, b: string) => compareVersions(ecosystem, a, b);
    assert.deepEqual(shuffled(chain, index + 1).sort(byVersion), chain, `${name} list ${index}`);
    assert.deepEqual([...chain].reverse().sort(byVersion), chain, `${name} list ${index}`);
  });
  assert.ok(chains.length > 0, `${name} holds no ordered list`);
  return chains.length;
}

function parseVersionOrUndefined(ecosystem: VersionEcosystem, v: string): unknown {
  try {
    return parseVersion(ecosystem, v);
  } catch {
    return undefined;
  }
}

for (const { name, ecosystem } of FIXTURE_LISTS) {
  test(`sorting shuffled lists from ${name} restores their order`, (t) => {
    t.diagnostic(`${assertSortsBack(ecosystem, FIXTURES, name)} ordered lists`);
  });
}

for (const { name, ecosystem } of SHARED_LISTS) {
  test(`sorting shuffled lists from shared ${name} restores their order`, (t) => {
    if (!hasFile(SHARED_VECTORS, name)) {
      t.skip(`shared version vectors absent: ${new URL(name, SHARED_VECTORS).pathname}`);
      return;
    }
    t.diagnostic(`${assertSortsBack(ecosystem, SHARED_VECTORS, name)} ordered lists`);
  });
}
