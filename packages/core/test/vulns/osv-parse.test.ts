/** The strict OSV parser: valid records come out typed; each bad one yields one precise problem. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsvRecord } from '../../src/vulns/osv-parse.js';
import { osvJson, parsed, problemOf } from './fixtures.js';
import type { Json } from './fixtures.js';

const RANGE = { events: [{ introduced: '0' }, { fixed: '1.2.3' }] };

test('a complete record parses into typed fields', () => {
  const record = parsed(
    osvJson('npm', 'left-pad', [RANGE], {
      published: '2024-04-30T00:00:00.123Z',
      summary: 'prototype pollution',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      database_specific: { source: 'test' },
    }),
  );
  assert.equal(record.id, 'TEST-2024-0001');
  assert.equal(record.schemaVersion, '1.6.0');
  assert.deepEqual(record.aliases, ['CVE-2024-0001']);
  assert.deepEqual(record.affected[0]?.ranges[0]?.events, [
    { kind: 'introduced', version: '0' },
    { kind: 'fixed', version: '1.2.3' },
  ]);
  assert.equal(record.severity[0]?.type, 'CVSS_V3');
});

test('schema_version defaults to 1.0.0 and unknown fields are ignored', () => {
  const json = osvJson('npm', 'a', [RANGE], { schema_version: undefined, x_extra: { a: 1 } });
  assert.equal(parsed(json).schemaVersion, '1.0.0');
});

const CASES: readonly (readonly [string, Json, string, RegExp])[] = [
  ['missing id', { id: undefined }, 'id', /is required/],
  ['bad id', { id: 'has space' }, 'id', /<DB>-<ENTRYID>/],
  ['missing modified', { modified: undefined }, 'modified', /is required/],
  ['modified not UTC', { modified: '2024-05-01T12:00:00+02:00' }, 'modified', /RFC 3339/],
  ['impossible date', { modified: '2023-02-30T00:00:00Z' }, 'modified', /RFC 3339/],
  ['schema 2.x', { schema_version: '2.0.0' }, 'schema_version', /1\.x only/],
  ['aliases not strings', { aliases: [1] }, 'aliases[0]', /expected a string/],
  ['affected not array', { affected: {} }, 'affected', /expected an array/],
  ['severity type', { severity: [{ type: 'CVSS_V9', score: 'x' }] }, 'severity[0].type', /one of/],
  [
    'bad cvss',
    { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] },
    'severity[0].score',
    /missing base metric/,
  ],
];

for (const [name, override, path, reason] of CASES) {
  test(`refused: ${name} -> ${path}`, () => {
    const problem = problemOf(osvJson('npm', 'a', [RANGE], override));
    assert.equal(problem.path, path);
    assert.match(problem.reason, reason);
  });
}

function withRange(range: unknown, ecosystem = 'npm'): Json {
  return {
    ...osvJson(ecosystem, 'a', []),
    affected: [{ package: { ecosystem, name: 'a' }, ranges: [range] }],
  };
}

const RANGE_CASES: readonly (readonly [string, unknown, string, RegExp])[] = [
  ['ranges object', undefined, 'affected[0].ranges', /expected an array/],
  ['no type', { events: [{ introduced: '0' }] }, 'affected[0].ranges[0].type', /is required/],
  [
    'bad type',
    { type: 'RANGE', events: [] },
    'affected[0].ranges[0].type',
    /SEMVER, ECOSYSTEM, GIT/,
  ],
  [
    'GIT without repo',
    { type: 'GIT', events: [{ introduced: 'abc' }] },
    'affected[0].ranges[0].repo',
    /required/,
  ],
  [
    'two keys',
    { type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] },
    'affected[0].ranges[0].events[0]',
    /exactly one/,
  ],
  [
    'unknown key',
    { type: 'SEMVER', events: [{ introduced: '0' }, { patched: '1.0.0' }] },
    'affected[0].ranges[0].events[1]',
    /exactly one/,
  ],
  [
    'no introduced',
    { type: 'SEMVER', events: [{ fixed: '1.0.0' }] },
    'affected[0].ranges[0].events',
    /at least one "introduced"/,
  ],
  [
    'fixed and last_affected',
    {
      type: 'SEMVER',
      events: [{ introduced: '0' }, { fixed: '1.0.0' }, { last_affected: '0.9.0' }],
    },
    'affected[0].ranges[0].events',
    /not both/,
  ],
  [
    'bad semver',
    { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0' }] },
    'affected[0].ranges[0].events[1].fixed',
    /SemVer/,
  ],
  [
    'empty version',
    { type: 'SEMVER', events: [{ introduced: '' }] },
    'affected[0].ranges[0].events[0].introduced',
    /empty/,
  ],
];

for (const [name, range, path, reason] of RANGE_CASES) {
  test(`refused range: ${name} -> ${path}`, () => {
    const json =
      range === undefined
        ? {
            ...withRange(null),
            affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges: { events: [] } }],
          }
        : withRange(range);
    const problem = problemOf(json);
    assert.equal(problem.path, path);
    assert.match(problem.reason, reason);
  });
}

test('range versions are checked with the ecosystem ordering (Debian truncation refused); versions lists keep legacy spellings', () => {
  const bad = withRange(
    { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:9.10.3.dfsg.' }] },
    'Debian:9',
  );
  assert.match(problemOf(bad).reason, /looks truncated/);
  const pypi = withRange(
    { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not a version' }] },
    'PyPI',
  );
  assert.match(problemOf(pypi).reason, /PyPI/);
  const legacy = {
    ...osvJson('PyPI', 'a', []),
    affected: [{ package: { ecosystem: 'PyPI', name: 'a' }, versions: ['1.0', '0.1dev-r1234'] }],
  };
  assert.deepEqual(parsed(legacy).affected[0]?.versions, ['1.0', '0.1dev-r1234']);
});

test('unknown ecosystems keep their ECOSYSTEM versions unchecked (they are never matched)', () => {
  const json = withRange(
    { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'r1234' }] },
    'Hackage',
  );
  assert.equal(parsed(json).affected[0]?.package?.ecosystem, 'Hackage');
});

test('package-level and top-level severity together are refused', () => {
  const json = osvJson('npm', 'a', [RANGE], {
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  });
  const affected = (json['affected'] as Json[])[0] ?? {};
  affected['severity'] = [
    { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' },
  ];
  assert.equal(problemOf(json).path, 'affected[0].severity');
});

test('hostile values never throw: they are reported', () => {
  for (const value of [null, 42, 'x', [], { id: 7 }, { id: 'A-1', modified: [] }]) {
    const result = parseOsvRecord(value);
    assert.equal(result.ok, false);
  }
  const result = parseOsvRecord({ id: 'A-1', modified: '2024-01-01T00:00:00Z', affected: [7] });
  assert.deepEqual(result.ok ? undefined : [result.id, result.problem.path], [
    'A-1',
    'affected[0]',
  ]);
});
