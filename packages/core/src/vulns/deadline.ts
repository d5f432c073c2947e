/**
 * The remediation deadline of a finding: the policy's timeline for the finding's decision
 * points, counted from detection; a KEV `dueDate` wins when it is earlier (or when the policy
 * gives no date). Decision points come from KEV, the exposure label and the CVSS vector.
 */
import type { AssetContext } from './asset-context.js';
import type { CvssScore } from './cvss-score.js';
import { ruleFor } from './deadline-policy.js';
import type { DeadlinePolicy, DecisionPoints } from './deadline-policy.js';

export interface Deadline {
  readonly policy: string;
  readonly decision: DecisionPoints;
  /** Why each decision point has its value. */
  readonly reasons: readonly string[];
  readonly outcome: string;
  /** YYYY-MM-DD, or undefined when neither the policy nor KEV gives a date. */
  readonly dueDate: string | undefined;
  readonly forensic: boolean;
  readonly source: 'policy' | 'kev' | 'none';
}

export interface DeadlineInput {
  readonly cvss: CvssScore | undefined;
  readonly inKev: boolean;
  readonly kevDueDate: string | undefined;
  readonly asset: AssetContext;
  readonly policy: DeadlinePolicy;
  readonly detectedAt: Date;
}

/** SSVC "Automatable" from CVSS: network, low complexity, no privileges, no user interaction. */
function automatable(cvss: CvssScore | undefined): readonly [boolean, string] {
  if (cvss === undefined) return [true, 'automatable: assumed yes (no CVSS vector)'];
  const m = cvss.metrics;
  if (m['AU'] === 'Y' || m['AU'] === 'N')
    return [m['AU'] === 'Y', `automatable: CVSS AU:${m['AU']}`];
  const yes =
    m['AV'] === 'N' &&
    m['AC'] === 'L' &&
    m['PR'] === 'N' &&
    m['UI'] === 'N' &&
    (m['AT'] ?? 'N') === 'N';
  return [
    yes,
    `automatable: ${yes ? 'yes' : 'no'} (CVSS AV:${m['AV']}/AC:${m['AC']}/PR:${m['PR']}/UI:${m['UI']})`,
  ];
}

/** SSVC "Technical Impact": total when confidentiality, integrity and availability are all High. */
function technicalImpact(
  cvss: CvssScore | undefined,
): readonly [DecisionPoints['technicalImpact'], string] {
  if (cvss === undefined) return ['total', 'technical impact: assumed total (no CVSS vector)'];
  const m = cvss.metrics;
  const [c, i, a] = cvss.version === '4.0' ? [m['VC'], m['VI'], m['VA']] : [m['C'], m['I'], m['A']];
  const total = c === 'H' && i === 'H' && a === 'H';
  return [
    total ? 'total' : 'partial',
    `technical impact: ${total ? 'total' : 'partial'} (C:${c}/I:${i}/A:${a})`,
  ];
}

export function decisionPointsOf(
  input: Omit<DeadlineInput, 'policy' | 'detectedAt' | 'kevDueDate'>,
): { readonly decision: DecisionPoints; readonly reasons: readonly string[] } {
  const [auto, autoReason] = automatable(input.cvss);
  const [impact, impactReason] = technicalImpact(input.cvss);
  const exposed = input.asset.exposure === 'internet';
  return {
    decision: {
      inKev: input.inKev,
      publiclyExposed: exposed,
      automatable: auto,
      technicalImpact: impact,
    },
    reasons: [
      `in KEV: ${input.inKev ? 'yes' : 'no'}`,
      `publicly exposed: ${exposed ? 'yes' : 'no'} (exposure ${input.asset.exposure})`,
      autoReason,
      impactReason,
    ],
  };
}

export function addDays(date: Date, days: number): string {
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return new Date(start + days * 86_400_000).toISOString().slice(0, 10);
}

export function deadlineOf(input: DeadlineInput): Deadline {
  const { decision, reasons } = decisionPointsOf(input);
  const outcome = ruleFor(input.policy, decision)?.outcome;
  const policyDate =
    outcome?.days === undefined ? undefined : addDays(input.detectedAt, outcome.days);
  const kev = input.kevDueDate;
  const kevWins = kev !== undefined && (policyDate === undefined || kev < policyDate);
  return {
    policy: input.policy.name,
    decision,
    reasons,
    outcome: outcome?.label ?? 'no rule in the policy',
    dueDate: kevWins ? kev : policyDate,
    forensic: outcome?.forensic ?? false,
    source: kevWins ? 'kev' : policyDate === undefined ? 'none' : 'policy',
  };
}
