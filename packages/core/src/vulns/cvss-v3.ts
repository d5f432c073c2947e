/**
 * CVSS v3.0 and v3.1 base scores, as specified by FIRST: "CVSS v3.1 Specification Document"
 * §7.1 (base metric equations), §7.4 (metric values) and Appendix A (Roundup).
 */
import type { CvssResult } from './cvss-score.js';
import { parseVectorMetrics, severityOf } from './cvss-vector.js';
import type { CvssMetrics, MetricValues } from './cvss-vector.js';

const CIA = ['H', 'L', 'N'];
const BASE: MetricValues = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: CIA,
  I: CIA,
  A: CIA,
};
const REQUIREMENT = ['X', 'L', 'M', 'H'];
const MODIFIED_CIA = ['X', 'N', 'L', 'H'];
/** §2-§4: temporal and environmental metrics are allowed in the vector; the base score ignores them. */
const ALLOWED: MetricValues = {
  ...BASE,
  E: ['X', 'U', 'P', 'F', 'H'],
  RL: ['X', 'O', 'T', 'W', 'U'],
  RC: ['X', 'U', 'R', 'C'],
  CR: REQUIREMENT,
  IR: REQUIREMENT,
  AR: REQUIREMENT,
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: MODIFIED_CIA,
  MI: MODIFIED_CIA,
  MA: MODIFIED_CIA,
};

/** §7.4 "Metric values". */
const AV: Readonly<Record<string, number>> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Readonly<Record<string, number>> = { L: 0.77, H: 0.44 };
const UI: Readonly<Record<string, number>> = { N: 0.85, R: 0.62 };
const IMPACT: Readonly<Record<string, number>> = { H: 0.56, L: 0.22, N: 0 };
const PR_UNCHANGED: Readonly<Record<string, number>> = { N: 0.85, L: 0.62, H: 0.27 };
const PR_CHANGED: Readonly<Record<string, number>> = { N: 0.85, L: 0.68, H: 0.5 };

/** Appendix A: the smallest number, to one decimal place, equal to or higher than its input. */
export function roundup31(value: number): number {
  const intInput = Math.round(value * 100000);
  if (intInput % 10000 === 0) return intInput / 100000;
  return (Math.floor(intInput / 10000) + 1) / 10;
}

/** CVSS v3.0 §8.1: Roundup is a plain ceiling to one decimal (v3.1 fixed its float errors). */
export function roundup30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

function weight(table: Readonly<Record<string, number>>, value: string | undefined): number {
  return table[value ?? ''] ?? 0;
}

/** §7.1 "Base Metrics Equations". */
function baseScoreOf(m: CvssMetrics, roundup: (value: number) => number): number {
  const changed = m['S'] === 'C';
  const iss =
    1 - (1 - weight(IMPACT, m['C'])) * (1 - weight(IMPACT, m['I'])) * (1 - weight(IMPACT, m['A']));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const pr = weight(changed ? PR_CHANGED : PR_UNCHANGED, m['PR']);
  const exploitability =
    8.22 * weight(AV, m['AV']) * weight(AC, m['AC']) * pr * weight(UI, m['UI']);
  if (impact <= 0) return 0;
  const sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  return roundup(Math.min(sum, 10));
}

/** Parses a `CVSS:3.0/...` or `CVSS:3.1/...` vector and computes its base score. */
export function scoreCvss3(vector: string): CvssResult {
  const version = vector.startsWith('CVSS:3.0/') ? '3.0' : '3.1';
  const parsed = parseVectorMetrics(vector, `CVSS:${version}/`, ALLOWED, Object.keys(BASE));
  if (!parsed.ok) return parsed;
  const baseScore = baseScoreOf(parsed.metrics, version === '3.0' ? roundup30 : roundup31);
  return {
    ok: true,
    score: { version, vector, metrics: parsed.metrics, baseScore, severity: severityOf(baseScore) },
  };
}
