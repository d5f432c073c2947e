/** Real-world ordering vectors from the shared data folder beside the repository (../shared/data/versions) (OSV's semantic fixtures). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { parseVersion } from '../../src/versions/index.js';
import {
  FIXTURES,
  SHARED_VECTORS,
  asStrings,
  assertInvalidInput,
  checkComparison,
  hasFile,
  member,
  readComparisons,
  readJson,
} from './vector-files.js';
import type { Comparison } from './vector-files.js';

const FILES = [
  { name: 'debian-versions.txt', ecosystem: 'Debian' },
  { name: 'debian-versions-generated.txt', ecosystem: 'Debian' },
  { name: 'pypi-versions.txt', ecosystem: 'PyPI' },
  { name: 'pypi-versions-generated.txt', ecosystem: 'PyPI' },
  { name: 'semver-versions.txt', ecosystem: 'SemVer' },
] as const;

/** Versions in the shared files that are outside the ecosystem's spec, refused by design. */
function exclusions(ecosystem: string): ReadonlySet<string> {
  const entry = member(readJson(FIXTURES, 'shared-vector-exclusions.json'), ecosystem);
  return new Set(entry === undefined ? [] : asStrings(member(entry, 'versions'), ecosystem));
}

function sharedFilesPresent(t: TestContext): boolean {
  const missing = FILES.filter((f) => !hasFile(SHARED_VECTORS, f.name)).map((f) => f.name);
  if (missing.length === 0) return true;
  t.skip(`shared version vectors absent from ${SHARED_VECTORS.pathname}: ${missing.join(', ')}`);
  return false;
}

function checkAll(
  ecosystem: string,
  comparisons: readonly Comparison[],
  skip: ReadonlySet<string>,
) {
  const failures: string[] = [];
  let checked = 0;
  for (const c of comparisons) {
    if (skip.has(c.a) || skip.has(c.b)) continue;
    const failure = checkComparison(ecosystem, c);
    if (failure !== undefined) failures.push(failure);
    checked++;
  }
  return { failures, checked, excluded: comparisons.length - checked };
}

for (const file of FILES) {
  test(`${file.name}: every ${file.ecosystem} comparison holds both ways`, (t) => {
    if (!sharedFilesPresent(t)) return;
    const comparisons = readComparisons(SHARED_VECTORS, file.name);
    const result = checkAll(file.ecosystem, comparisons, exclusions(file.ecosystem));
    assert.deepEqual(result.failures, []);
    assert.ok(result.checked > 0);
    t.diagnostic(
      `${result.checked} comparisons hold; ${result.excluded} lines use excluded non-spec versions`,
    );
  });
}

test('excluded non-spec versions are refused with INVALID_INPUT and occur in the vectors', (t) => {
  if (!sharedFilesPresent(t)) return;
  for (const ecosystem of ['PyPI', 'SemVer'] as const) {
    const seen = new Set(
      FILES.filter((f) => f.ecosystem === ecosystem)
        .flatMap((f) => readComparisons(SHARED_VECTORS, f.name))
        .flatMap((c) => [c.a, c.b]),
    );
    const excluded = exclusions(ecosystem);
    assert.ok(excluded.size > 0);
    for (const version of excluded) {
      assert.ok(seen.has(version), `${version} no longer occurs in the ${ecosystem} vectors`);
      assertInvalidInput(() => parseVersion(ecosystem, version), ecosystem, version);
    }
  }
});

test('semver-versions.txt: npm agrees where no leading v is used, and refuses the v', (t) => {
  if (!sharedFilesPresent(t)) return;
  const comparisons = readComparisons(SHARED_VECTORS, 'semver-versions.txt');
  const prefixed = comparisons.filter((c) => c.a.startsWith('v') || c.b.startsWith('v'));
  const plain = comparisons.filter((c) => !prefixed.includes(c));
  const result = checkAll('npm', plain, exclusions('SemVer'));
  assert.deepEqual(result.failures, []);
  assert.ok(prefixed.length > 0);
  for (const c of prefixed) {
    const version = c.a.startsWith('v') ? c.a : c.b;
    assertInvalidInput(() => parseVersion('npm', version), 'npm', c.where);
  }
  t.diagnostic(
    `${result.checked} npm comparisons hold; ${prefixed.length} v-prefixed lines refused`,
  );
});
