/** CVSS v3.x and v4.0: published vectors as data, malformed vectors, and score properties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { scoreCvss } from '../../src/vulns/cvss.js';
import { roundup31, scoreCvss3 } from '../../src/vulns/cvss-v3.js';
import { cvss4Score, scoreCvss4 } from '../../src/vulns/cvss-v4.js';
import { CVSS4_MACROVECTOR_SCORES } from '../../src/vulns/cvss-v4-table.js';
import { FIXTURES } from './fixtures.js';

interface Vector {
  readonly vector: string;
  readonly score: number;
  readonly source: string;
}

function vectors(name: string): readonly Vector[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('//'))
    .map((line) => {
      const [vector = '', score = '', source = ''] = line.split(' ');
      return { vector, score: Number(score), source };
    });
}

for (const file of ['cvss-v3.txt', 'cvss-v4.txt']) {
  test(`${file}: every vector scores as published`, () => {
    const list = vectors(file);
    assert.ok(list.length >= 20);
    for (const { vector, score, source } of list) {
      const result = scoreCvss(vector);
      assert.ok(result.ok, `${vector}: ${result.ok ? '' : result.reason}`);
      const got = source === 'bte' ? cvss4Score(result.score.metrics) : result.score.baseScore;
      assert.equal(got, score, `${source} ${vector}`);
    }
  });
}

test('the base score of a v4 vector with threat metrics ignores them (CVSS-B)', () => {
  const result = scoreCvss4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U');
  assert.equal(result.ok && result.score.baseScore, 9.3);
});

test('the MacroVector table has all 270 MacroVectors', () => {
  assert.equal(Object.keys(CVSS4_MACROVECTOR_SCORES).length, 270);
  assert.equal(CVSS4_MACROVECTOR_SCORES['000000'], 10);
  assert.equal(CVSS4_MACROVECTOR_SCORES['212221'], 0.1);
});

const MALFORMED: readonly (readonly [string, RegExp])[] = [
  ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /not a CVSS v3\.0, v3\.1 or v4\.0/],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /missing base metric\(s\) A/],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L', /"A" appears twice/],
  ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV must be one of N, A, L, P/],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1', /unknown metric "ZZ"/],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /is not METRIC:VALUE/],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N', /SI must be one of H, L, N/],
  ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /missing base metric\(s\) AT/],
  [`CVSS:3.1/${'AV:N/'.repeat(200)}`, /longer than 512/],
];

for (const [vector, reason] of MALFORMED) {
  test(`malformed vector refused: ${vector.slice(0, 50)}`, () => {
    const result = scoreCvss(vector);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, reason);
  });
}

const v3Base = fc.record({
  AV: fc.constantFrom('N', 'A', 'L', 'P'),
  AC: fc.constantFrom('L', 'H'),
  PR: fc.constantFrom('N', 'L', 'H'),
  UI: fc.constantFrom('N', 'R'),
  S: fc.constantFrom('U', 'C'),
  C: fc.constantFrom('H', 'L', 'N'),
  I: fc.constantFrom('H', 'L', 'N'),
  A: fc.constantFrom('H', 'L', 'N'),
});

const vectorOf = (prefix: string, metrics: Record<string, string>) =>
  `${prefix}${Object.entries(metrics)
    .map(([k, v]) => `${k}:${v}`)
    .join('/')}`;

test('v3.1: scores are one-decimal numbers in [0, 10], 0 exactly without impact; order is free', () => {
  fc.assert(
    fc.property(v3Base, (m) => {
      const result = scoreCvss3(vectorOf('CVSS:3.1/', m));
      assert.ok(result.ok);
      const s = result.score.baseScore;
      assert.ok(s >= 0 && s <= 10 && Math.round(s * 10) === s * 10);
      assert.equal(s === 0, m.C === 'N' && m.I === 'N' && m.A === 'N');
      const reversed = Object.fromEntries(Object.entries(m).reverse());
      const again = scoreCvss3(vectorOf('CVSS:3.1/', reversed));
      assert.equal(again.ok && again.score.baseScore, s);
    }),
  );
});

test('v3.1 Roundup: the smallest one-decimal number not below its input (at 5 decimals)', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 10, noNaN: true }), (x) => {
      const r = roundup31(x);
      const five = Math.round(x * 100000) / 100000;
      assert.ok(r >= five - 1e-12 && r - five < 0.1 + 1e-12);
      assert.equal(Math.round(r * 10) / 10, r);
    }),
  );
  assert.equal(roundup31(4.02), 4.1);
  assert.equal(roundup31(4.0), 4.0);
});

const v4Base = fc.record({
  AV: fc.constantFrom('N', 'A', 'L', 'P'),
  AC: fc.constantFrom('L', 'H'),
  AT: fc.constantFrom('N', 'P'),
  PR: fc.constantFrom('N', 'L', 'H'),
  UI: fc.constantFrom('N', 'P', 'A'),
  VC: fc.constantFrom('H', 'L', 'N'),
  VI: fc.constantFrom('H', 'L', 'N'),
  VA: fc.constantFrom('H', 'L', 'N'),
  SC: fc.constantFrom('H', 'L', 'N'),
  SI: fc.constantFrom('H', 'L', 'N'),
  SA: fc.constantFrom('H', 'L', 'N'),
});

test('v4.0: scores are one-decimal numbers in [0, 10], never above their MacroVector', () => {
  fc.assert(
    fc.property(v4Base, (m) => {
      const result = scoreCvss4(vectorOf('CVSS:4.0/', m));
      assert.ok(result.ok);
      const s = result.score.baseScore;
      assert.ok(s >= 0 && s <= 10 && Math.round(s * 10) === s * 10);
      const noImpact = ['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every(
        (k) => m[k as keyof typeof m] === 'N',
      );
      assert.equal(s === 0, noImpact);
    }),
  );
});
