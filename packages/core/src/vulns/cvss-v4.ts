/**
 * CVSS v4.0 vectors (FIRST "CVSS v4.0 Specification Document" §7 "Vector String") and their
 * CVSS-B base score (§8.2): the MacroVector lookup table with interpolation.
 */
import type { CvssResult } from './cvss-score.js';
import { interpolateScore } from './cvss-v4-interpolate.js';
import { effectiveMetrics, macroVectorOf } from './cvss-v4-macrovector.js';
import { parseVectorMetrics, severityOf } from './cvss-vector.js';
import type { CvssMetrics, MetricValues } from './cvss-vector.js';

const HLN = ['H', 'L', 'N'];
const BASE: MetricValues = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: HLN,
  VI: HLN,
  VA: HLN,
  SC: HLN,
  SI: HLN,
  SA: HLN,
};
const REQUIREMENT = ['X', 'H', 'M', 'L'];
const MODIFIED_HLN = ['X', 'H', 'L', 'N'];
const MODIFIED_SAFETY = ['X', 'S', 'H', 'L', 'N'];
/** §3 threat, §4 environmental and §5 supplemental metrics. */
const ALLOWED: MetricValues = {
  ...BASE,
  E: ['X', 'A', 'P', 'U'],
  CR: REQUIREMENT,
  IR: REQUIREMENT,
  AR: REQUIREMENT,
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: MODIFIED_HLN,
  MVI: MODIFIED_HLN,
  MVA: MODIFIED_HLN,
  MSC: MODIFIED_HLN,
  MSI: MODIFIED_SAFETY,
  MSA: MODIFIED_SAFETY,
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};

const IMPACT_METRICS = ['VC', 'VI', 'VA', 'SC', 'SI', 'SA'];

/**
 * The score of a metric set exactly as given: CVSS-B, -BT, -BE or -BTE depending on which metric
 * groups it sets. §8.2: a vector without any impact scores 0.
 */
export function cvss4Score(metrics: CvssMetrics): number {
  const m = effectiveMetrics(metrics);
  if (IMPACT_METRICS.every((metric) => m(metric) === 'N')) return 0;
  return interpolateScore(m, macroVectorOf(m));
}

function baseOnly(metrics: CvssMetrics): CvssMetrics {
  return Object.fromEntries(Object.keys(BASE).map((key) => [key, metrics[key] ?? '']));
}

/** Parses a `CVSS:4.0/...` vector and computes its CVSS-B score (base metrics only). */
export function scoreCvss4(vector: string): CvssResult {
  const parsed = parseVectorMetrics(vector, 'CVSS:4.0/', ALLOWED, Object.keys(BASE));
  if (!parsed.ok) return parsed;
  const baseScore = cvss4Score(baseOnly(parsed.metrics));
  return {
    ok: true,
    score: {
      version: '4.0',
      vector,
      metrics: parsed.metrics,
      baseScore,
      severity: severityOf(baseScore),
    },
  };
}
