/** Properties of OSV range evaluation, checked with generated versions in every ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareVersions } from '../../src/versions/index.js';
import { evaluateAffected } from '../../src/vulns/osv-evaluate.js';
import type { OsvAffected, OsvEvent } from '../../src/vulns/osv-record.js';
import { debianVersion, pep440Version, semverVersion } from '../versions/arbitraries.js';

const ORDERINGS = [
  ['npm', semverVersion],
  ['Debian:12', debianVersion],
  ['PyPI', pep440Version],
] as const;
const NUM_RUNS = 300;

function entry(events: readonly OsvEvent[]): OsvAffected {
  return {
    package: undefined,
    ranges: [{ type: 'ECOSYSTEM', repo: undefined, events }],
    versions: [],
    severity: [],
    ecosystemSpecific: undefined,
    databaseSpecific: undefined,
  };
}

function sorted(ecosystem: string, versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareVersions(ecosystem.split(':')[0] ?? '', a, b));
}

const cmp = (eco: string, a: string, b: string) => compareVersions(eco.split(':')[0] ?? '', a, b);

for (const [ecosystem, version] of ORDERINGS) {
  test(`${ecosystem}: v is affected by [introduced a, fixed b) iff a <= v < b`, () => {
    fc.assert(
      fc.property(fc.tuple(version, version, version), ([x, y, v]) => {
        const [a, b] = sorted(ecosystem, [x, y]) as [string, string];
        const events: OsvEvent[] = [
          { kind: 'fixed', version: b },
          { kind: 'introduced', version: a },
        ];
        const expected = cmp(ecosystem, a, v) <= 0 && cmp(ecosystem, v, b) < 0;
        const match = evaluateAffected(v, entry(events), ecosystem);
        assert.equal(match !== undefined, expected, `${a} <= ${v} < ${b}`);
        if (match !== undefined) assert.equal(match.fixed, b);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test(`${ecosystem}: v is affected by [introduced a, last_affected b] iff a <= v <= b`, () => {
    fc.assert(
      fc.property(fc.tuple(version, version, version), ([x, y, v]) => {
        const [a, b] = sorted(ecosystem, [x, y]) as [string, string];
        const events: OsvEvent[] = [
          { kind: 'introduced', version: a },
          { kind: 'last_affected', version: b },
        ];
        const expected = cmp(ecosystem, a, v) <= 0 && cmp(ecosystem, v, b) <= 0;
        assert.equal(evaluateAffected(v, entry(events), ecosystem) !== undefined, expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test(`${ecosystem}: introduced "0" with no fix affects every version`, () => {
    fc.assert(
      fc.property(
        version,
        (v) =>
          evaluateAffected(v, entry([{ kind: 'introduced', version: '0' }]), ecosystem) !==
          undefined,
      ),
      { numRuns: NUM_RUNS },
    );
  });
}
