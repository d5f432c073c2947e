/** The risk formula: its breakdown always sums to the score, and each factor moves it the right way. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CRITICALITY_LEVELS,
  EXPOSURE_LEVELS,
  assetContextOf,
} from '../../src/vulns/asset-context.js';
import type { AssetContext } from '../../src/vulns/asset-context.js';
import { scoreCvss } from '../../src/vulns/cvss.js';
import type { CvssScore } from '../../src/vulns/cvss-score.js';
import { RISK_FACTORS, riskOf } from '../../src/vulns/risk.js';

function cvss(vector: string): CvssScore {
  const result = scoreCvss(vector);
  assert.ok(result.ok);
  return result.score;
}

const CRITICAL = cvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
const DEFAULT_ASSET = assetContextOf({}).context;

function sumOf(factors: readonly { readonly contribution: number }[]): number {
  return factors.reduce((sum, f) => sum + Math.round(f.contribution * 10), 0) / 10;
}

test('a worked example: CVSS 9.8, EPSS 0.5, not in KEV, default labels', () => {
  const risk = riskOf({ cvss: CRITICAL, epss: 0.5, inKev: false, asset: DEFAULT_ASSET });
  assert.equal(risk.score, 25.7);
  assert.deepEqual(
    risk.factors.map((f) => [f.factor, f.value, f.contribution]),
    [
      ['cvss', 9.8, 98],
      ['epss', 0.5, -36.7],
      ['kev', false, 0],
      ['criticality', 'medium', -24.5],
      ['exposure', 'internal', -11.1],
    ],
  );
  assert.equal(sumOf(risk.factors), risk.score);
});

test('KEV membership raises likelihood to 1; internet-facing critical assets keep the full score', () => {
  const asset = assetContextOf({ criticality: 'critical', exposure: 'internet' }).context;
  const risk = riskOf({ cvss: CRITICAL, epss: 0.01, inKev: true, asset });
  assert.equal(risk.score, 98);
  assert.match(risk.factors[2]?.explanation ?? '', /in CISA KEV/);
});

test('no CVSS vector: a base of 5.0 is assumed and said', () => {
  const risk = riskOf({ cvss: undefined, epss: undefined, inKev: false, asset: DEFAULT_ASSET });
  assert.equal(risk.factors[0]?.value, null);
  assert.match(risk.factors[0]?.explanation ?? '', /no CVSS vector: base 5 assumed/);
  assert.equal(risk.score, 5.3);
});

test('labels: case-insensitive levels, unknown values fall back with a warning', () => {
  const ok = assetContextOf({ criticality: 'HIGH', exposure: 'internet' });
  assert.deepEqual(ok.context, {
    criticality: 'high',
    exposure: 'internet',
    criticalityFrom: 'label',
    exposureFrom: 'label',
  });
  const bad = assetContextOf({ criticality: 'urgent' });
  assert.equal(bad.context.criticality, 'medium');
  assert.match(
    bad.warnings[0] ?? '',
    /criticality="urgent" is not one of low, medium, high, critical/,
  );
});

const asset = fc
  .tuple(fc.constantFrom(...CRITICALITY_LEVELS), fc.constantFrom(...EXPOSURE_LEVELS))
  .map(
    ([criticality, exposure]): AssetContext => assetContextOf({ criticality, exposure }).context,
  );
const input = fc.record({
  base: fc.option(
    fc.integer({ min: 0, max: 100 }).map((n) => n / 10),
    { nil: undefined },
  ),
  epss: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  inKev: fc.boolean(),
  asset,
});

function scoreWith(base: number | undefined): CvssScore | undefined {
  return base === undefined ? undefined : { ...CRITICAL, baseScore: base };
}

test('property: contributions sum exactly to the score, which lies in [0, 100]', () => {
  fc.assert(
    fc.property(input, ({ base, epss, inKev, asset: a }) => {
      const risk = riskOf({ cvss: scoreWith(base), epss, inKev, asset: a });
      assert.deepEqual(
        risk.factors.map((f) => f.factor),
        [...RISK_FACTORS],
      );
      assert.equal(sumOf(risk.factors), risk.score);
      assert.ok(risk.score >= 0 && risk.score <= 100);
    }),
    { numRuns: 1000 },
  );
});

test('property: KEV membership and higher EPSS never lower the score', () => {
  fc.assert(
    fc.property(
      input,
      fc.double({ min: 0, max: 1, noNaN: true }),
      ({ base, epss, asset: a }, more) => {
        const low = riskOf({ cvss: scoreWith(base), epss, inKev: false, asset: a }).score;
        const kev = riskOf({ cvss: scoreWith(base), epss, inKev: true, asset: a }).score;
        const higher = riskOf({
          cvss: scoreWith(base),
          epss: Math.max(epss ?? 0, more),
          inKev: false,
          asset: a,
        }).score;
        assert.ok(kev >= low && higher >= low);
      },
    ),
    { numRuns: 500 },
  );
});
