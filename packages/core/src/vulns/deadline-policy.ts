/**
 * A deadline policy: an SSVC-style decision table from four decision points to a remediation
 * timeline. The default is CISA BOD 26-04 (CERT/CC SSVC `cisa_bod_26_04_1_0_0`), written out
 * below row by row; a test keeps it equal to the published CSV.
 */
export const TECHNICAL_IMPACTS = ['partial', 'total'] as const;
export type TechnicalImpact = (typeof TECHNICAL_IMPACTS)[number];

export interface DecisionPoints {
  readonly inKev: boolean;
  readonly publiclyExposed: boolean;
  readonly automatable: boolean;
  readonly technicalImpact: TechnicalImpact;
}

export interface PolicyOutcome {
  /** The table's wording, e.g. '14 days' or '3 days & forensic investigation'. */
  readonly label: string;
  /** Days from detection; undefined for 'fix on system upgrade' (no date). */
  readonly days: number | undefined;
  readonly forensic: boolean;
}

export interface DeadlineRule extends DecisionPoints {
  readonly outcome: PolicyOutcome;
}

export interface DeadlinePolicy {
  readonly name: string;
  readonly rules: readonly DeadlineRule[];
}

const OUTCOME = /^(\d{1,4}) days?( & forensic investigation)?$/;
export const NO_DATE_OUTCOME = 'fix on system upgrade';

/** Reads an outcome label; undefined when it is not one of the forms above. */
export function parseOutcome(label: string): PolicyOutcome | undefined {
  if (label === NO_DATE_OUTCOME) return { label, days: undefined, forensic: false };
  const m = OUTCOME.exec(label);
  return m === null ? undefined : { label, days: Number(m[1]), forensic: m[2] !== undefined };
}

function rule(
  kev: 0 | 1,
  exposed: 0 | 1,
  automatable: 0 | 1,
  impact: TechnicalImpact,
  label: string,
): DeadlineRule {
  const outcome = parseOutcome(label) ?? { label, days: undefined, forensic: false };
  return {
    inKev: kev === 1,
    publiclyExposed: exposed === 1,
    automatable: automatable === 1,
    technicalImpact: impact,
    outcome,
  };
}

/** Columns: in KEV, publicly exposed, automatable, technical impact -> timeline. */
export const CISA_BOD_26_04_POLICY: DeadlinePolicy = {
  name: 'CISA BOD 26-04 remediation timelines (SSVC 1.0.0)',
  rules: [
    rule(0, 0, 0, 'partial', 'fix on system upgrade'),
    rule(1, 0, 0, 'partial', '14 days'),
    rule(0, 1, 0, 'partial', '60 days'),
    rule(0, 0, 1, 'partial', '60 days'),
    rule(0, 0, 0, 'total', 'fix on system upgrade'),
    rule(1, 1, 0, 'partial', '14 days'),
    rule(1, 0, 1, 'partial', '14 days'),
    rule(0, 1, 1, 'partial', '14 days'),
    rule(1, 0, 0, 'total', '14 days'),
    rule(0, 1, 0, 'total', '14 days'),
    rule(0, 0, 1, 'total', '60 days'),
    rule(1, 1, 1, 'partial', '3 days'),
    rule(1, 1, 0, 'total', '3 days & forensic investigation'),
    rule(1, 0, 1, 'total', '3 days & forensic investigation'),
    rule(0, 1, 1, 'total', '3 days'),
    rule(1, 1, 1, 'total', '3 days & forensic investigation'),
  ],
};

export function decisionKey(d: DecisionPoints): string {
  return [d.inKev, d.publiclyExposed, d.automatable, d.technicalImpact].join('/');
}

/** The rule for a combination of decision points; complete policies have one for each. */
export function ruleFor(policy: DeadlinePolicy, d: DecisionPoints): DeadlineRule | undefined {
  const key = decisionKey(d);
  return policy.rules.find((r) => decisionKey(r) === key);
}
