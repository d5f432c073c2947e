/**
 * CVSS v4.0 §8.2 "Scoring": the MacroVector's score, lowered by the mean proportional distance of
 * the vector from the highest-severity vectors of its MacroVector towards the next lower ones.
 */
import { CVSS4_LEVELS, CVSS4_MAX_COMPOSED, CVSS4_MAX_SEVERITY } from './cvss-v4-constants.js';
import type { EffectiveMetric } from './cvss-v4-macrovector.js';
import { CVSS4_MACROVECTOR_SCORES } from './cvss-v4-table.js';

type Digits = readonly [number, number, number, number, number, number];
type Distances = Readonly<Record<string, number>>;

const STEP = 0.1;
const DISTANCE_METRICS = [
  'AV',
  'PR',
  'UI',
  'AC',
  'AT',
  'VC',
  'VI',
  'VA',
  'SC',
  'SI',
  'SA',
  'CR',
  'IR',
  'AR',
];

function scoreOf(digits: readonly number[]): number {
  return CVSS4_MACROVECTOR_SCORES[digits.join('')] ?? Number.NaN;
}

function lower(d: Digits, index: number): number[] {
  return d.map((value, i) => (i === index ? value + 1 : value));
}

/** The reference's choice between two paths down: the left one only when strictly higher. */
function higher(left: number, right: number): number {
  return left > right ? left : right;
}

/** Step 1a: the score of the next lower MacroVector per EQ (NaN where there is none). */
function nextLowerScores(d: Digits): readonly number[] {
  const [, , e3, , , e6] = d;
  let eq3eq6: number;
  if (e3 === 0 && e6 === 0) eq3eq6 = higher(scoreOf(lower(d, 5)), scoreOf(lower(d, 2)));
  else if (e3 === 1 && e6 === 0) eq3eq6 = scoreOf(lower(d, 5));
  else if (e3 === 2) eq3eq6 = Number.NaN;
  else eq3eq6 = scoreOf(lower(d, 2));
  return [
    scoreOf(lower(d, 0)),
    scoreOf(lower(d, 1)),
    eq3eq6,
    scoreOf(lower(d, 3)),
    scoreOf(lower(d, 4)),
  ];
}

function maxVectors(d: Digits): readonly string[] {
  const [e1, e2, e3, e4, e5, e6] = d;
  const eq3eq6 = `${e3}${e6}` as keyof typeof CVSS4_MAX_COMPOSED.eq3eq6;
  const out: string[] = [];
  for (const a of CVSS4_MAX_COMPOSED.eq1[e1 as 0 | 1 | 2])
    for (const b of CVSS4_MAX_COMPOSED.eq2[e2 as 0 | 1])
      for (const c of CVSS4_MAX_COMPOSED.eq3eq6[eq3eq6])
        for (const e of CVSS4_MAX_COMPOSED.eq4[e4 as 0 | 1 | 2])
          for (const f of CVSS4_MAX_COMPOSED.eq5[e5 as 0 | 1 | 2])
            out.push([a, b, c, e, f].join('/'));
  return out;
}

function level(metric: string, value: string): number {
  return CVSS4_LEVELS[metric]?.[value] ?? Number.NaN;
}

function distancesTo(m: EffectiveMetric, max: string): Distances {
  const maxValues = new Map(max.split('/').map((part) => part.split(':') as [string, string]));
  return Object.fromEntries(
    DISTANCE_METRICS.map((k) => [k, level(k, m(k)) - level(k, maxValues.get(k) ?? '')]),
  );
}

/** Step 1b: the distance from the first highest-severity vector that is not less severe. */
function severityDistances(m: EffectiveMetric, d: Digits): Distances {
  let found: Distances = {};
  for (const max of maxVectors(d)) {
    found = distancesTo(m, max);
    if (Object.values(found).every((distance) => distance >= 0)) break;
  }
  return found;
}

function eqDistances(x: Distances): readonly number[] {
  const v = (k: string) => x[k] ?? 0;
  return [
    v('AV') + v('PR') + v('UI'),
    v('AC') + v('AT'),
    v('VC') + v('VI') + v('VA') + v('CR') + v('IR') + v('AR'),
    v('SC') + v('SI') + v('SA'),
    0,
  ];
}

function maxSeverities(d: Digits): readonly number[] {
  const [e1, e2, e3, e4, , e6] = d;
  const s = CVSS4_MAX_SEVERITY;
  const eq3eq6 = s.eq3eq6[`${e3}${e6}` as keyof typeof s.eq3eq6];
  return [s.eq1[e1 as 0 | 1 | 2], s.eq2[e2 as 0 | 1], eq3eq6, s.eq4[e4 as 0 | 1 | 2], 1].map(
    (depth) => depth * STEP,
  );
}

/** §8.2 steps 1c-3, with the reference's rounding: half up after adding 1e-6. */
export function interpolateScore(m: EffectiveMetric, macroVector: string): number {
  const d = macroVector.split('').map(Number) as unknown as Digits;
  const value = scoreOf(d);
  const current = eqDistances(severityDistances(m, d));
  const depths = maxSeverities(d);
  let sum = 0;
  let count = 0;
  nextLowerScores(d).forEach((lowerScore, i) => {
    const available = value - lowerScore;
    if (Number.isNaN(available)) return;
    count += 1;
    sum += i === 4 ? 0 : available * ((current[i] ?? 0) / (depths[i] ?? 1));
  });
  const score = Math.min(10, Math.max(0, value - (count === 0 ? 0 : sum / count)));
  return Math.round((score + 1e-6) * 10) / 10;
}
