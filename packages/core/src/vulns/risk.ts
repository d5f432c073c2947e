/**
 * The risk score of a finding, 0-100, with its breakdown (docs/vulnerabilities.md "Risk"):
 *
 *   risk = severity x likelihood x criticality x exposure
 *   severity    = 10 x CVSS base score (50 when the advisory has no CVSS vector)
 *   likelihood  = 1 when the CVE is in KEV, else 0.25 + 0.75 x EPSS probability (0 when unknown)
 *
 * Each factor's contribution is the change it makes when applied in that order, so the
 * contributions always add up to the score. Values are kept in tenths to add up exactly.
 */
import type { AssetContext, Criticality, Exposure } from './asset-context.js';
import type { CvssScore } from './cvss-score.js';

export const RISK_FACTORS = ['cvss', 'epss', 'kev', 'criticality', 'exposure'] as const;
export type RiskFactorName = (typeof RISK_FACTORS)[number];

export interface RiskFactor {
  readonly factor: RiskFactorName;
  /** The input: a base score, a probability, KEV membership, or a label level. */
  readonly value: number | boolean | string | null;
  /** Points this factor adds (negative: removes); all contributions sum to the score. */
  readonly contribution: number;
  readonly explanation: string;
}

export interface RiskScore {
  readonly score: number;
  readonly factors: readonly RiskFactor[];
}

export interface RiskInput {
  readonly cvss: CvssScore | undefined;
  /** The highest EPSS probability among the finding's CVEs, when known. */
  readonly epss: number | undefined;
  readonly inKev: boolean;
  readonly asset: AssetContext;
}

export const UNKNOWN_SEVERITY_BASE = 5.0;
export const LIKELIHOOD_FLOOR = 0.25;
export const CRITICALITY_WEIGHTS: Readonly<Record<Criticality, number>> = {
  low: 0.4,
  medium: 0.6,
  high: 0.8,
  critical: 1,
};
export const EXPOSURE_WEIGHTS: Readonly<Record<Exposure, number>> = {
  isolated: 0.4,
  internal: 0.7,
  internet: 1,
};

function tenths(value: number): number {
  return Math.round(value * 10);
}

function epssLikelihood(epss: number | undefined): number {
  return LIKELIHOOD_FLOOR + (1 - LIKELIHOOD_FLOOR) * (epss ?? 0);
}

function severityFactor(cvss: CvssScore | undefined): {
  readonly base: number;
  readonly explanation: string;
} {
  if (cvss === undefined) {
    return {
      base: UNKNOWN_SEVERITY_BASE,
      explanation: `no CVSS vector: base ${UNKNOWN_SEVERITY_BASE} assumed, x10`,
    };
  }
  return {
    base: cvss.baseScore,
    explanation: `CVSS ${cvss.version} base ${cvss.baseScore} (${cvss.severity}), x10`,
  };
}

function explanations(input: RiskInput, severity: string): readonly string[] {
  const { asset } = input;
  return [
    severity,
    input.epss === undefined
      ? `no EPSS score: likelihood x${LIKELIHOOD_FLOOR}`
      : `EPSS ${input.epss}: likelihood x${epssLikelihood(input.epss).toFixed(4)}`,
    input.inKev ? 'in CISA KEV: likelihood raised to x1' : 'not in CISA KEV: no change',
    `criticality ${asset.criticality} (${asset.criticalityFrom}): x${CRITICALITY_WEIGHTS[asset.criticality]}`,
    `exposure ${asset.exposure} (${asset.exposureFrom}): x${EXPOSURE_WEIGHTS[asset.exposure]}`,
  ];
}

export function riskOf(input: RiskInput): RiskScore {
  const severity = severityFactor(input.cvss);
  const s = severity.base * 10;
  const likelihood = input.inKev ? 1 : epssLikelihood(input.epss);
  const steps = [
    s,
    s * epssLikelihood(input.epss),
    s * likelihood,
    s * likelihood * CRITICALITY_WEIGHTS[input.asset.criticality],
    s *
      likelihood *
      CRITICALITY_WEIGHTS[input.asset.criticality] *
      EXPOSURE_WEIGHTS[input.asset.exposure],
  ].map(tenths);
  const values = [
    input.cvss?.baseScore ?? null,
    input.epss ?? null,
    input.inKev,
    input.asset.criticality,
    input.asset.exposure,
  ];
  const notes = explanations(input, severity.explanation);
  const factors = RISK_FACTORS.map((factor, i) => ({
    factor,
    value: values[i] ?? null,
    contribution: ((steps[i] ?? 0) - (i === 0 ? 0 : (steps[i - 1] ?? 0))) / 10,
    explanation: notes[i] ?? '',
  }));
  return { score: (steps.at(-1) ?? 0) / 10, factors };
}
