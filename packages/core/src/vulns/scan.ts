/**
 * The offline scan of one device: inventory -> targets -> matching -> KEV / EPSS -> risk and
 * deadline per finding, ranked by risk. Pure: every input is already parsed.
 */
import type { AdvisoryIndex } from './advisory-index.js';
import { assetContextOf } from './asset-context.js';
import type { AssetContext } from './asset-context.js';
import { deadlineOf } from './deadline.js';
import type { Deadline } from './deadline.js';
import { CISA_BOD_26_04_POLICY } from './deadline-policy.js';
import type { DeadlinePolicy } from './deadline-policy.js';
import type { EpssScores } from './epss.js';
import type { VulnFinding } from './finding.js';
import type { InventoryView } from './inventory-view.js';
import type { KevCatalog } from './kev.js';
import { matchTargets } from './match.js';
import type { MatchProblem } from './match.js';
import { targetsOf } from './match-target.js';
import { riskOf } from './risk.js';
import type { RiskScore } from './risk.js';
import { summarize } from './scan-summary.js';
import type { ScanSummary } from './scan-summary.js';
import { epssFor, kevFor } from './threat-intel.js';
import type { EpssMatch, KevMatch } from './threat-intel.js';

export interface ScanInput {
  readonly inventory: InventoryView;
  /** Device labels: `criticality` and `exposure` feed risk and deadlines. */
  readonly labels: Readonly<Record<string, string>>;
  readonly advisories: AdvisoryIndex;
  readonly kev?: KevCatalog | undefined;
  readonly epss?: EpssScores | undefined;
  readonly policy?: DeadlinePolicy | undefined;
  /** When the findings count as detected: deadlines run from this day. */
  readonly detectedAt: Date;
}

export interface ScoredFinding extends VulnFinding {
  readonly kev: KevMatch | undefined;
  readonly epss: EpssMatch | undefined;
  readonly risk: RiskScore;
  readonly deadline: Deadline;
  readonly overdue: boolean;
}

export interface ScanReport {
  readonly asset: AssetContext;
  readonly findings: readonly ScoredFinding[];
  readonly problems: readonly MatchProblem[];
  /** Coverage notes and label warnings: what was not or could not be checked. */
  readonly notes: readonly string[];
  readonly summary: ScanSummary;
}

function score(finding: VulnFinding, input: ScanInput, asset: AssetContext): ScoredFinding {
  const kev = kevFor(finding.cves, input.kev);
  const epss = epssFor(finding.cves, input.epss);
  const risk = riskOf({ cvss: finding.cvss, epss: epss?.epss, inKev: kev !== undefined, asset });
  const policy = input.policy ?? CISA_BOD_26_04_POLICY;
  const deadline = deadlineOf({
    cvss: finding.cvss,
    inKev: kev !== undefined,
    kevDueDate: kev?.dueDate,
    asset,
    policy,
    detectedAt: input.detectedAt,
  });
  const today = input.detectedAt.toISOString().slice(0, 10);
  return {
    ...finding,
    kev,
    epss,
    risk,
    deadline,
    overdue: deadline.dueDate !== undefined && deadline.dueDate < today,
  };
}

/** Highest risk first; then the earliest deadline; then the advisory id, for a stable order. */
export function byRisk(a: ScoredFinding, b: ScoredFinding): number {
  const due = (f: ScoredFinding) => f.deadline.dueDate ?? '9999-12-31';
  return (
    b.risk.score - a.risk.score ||
    due(a).localeCompare(due(b)) ||
    a.advisoryId.localeCompare(b.advisoryId) ||
    a.package.localeCompare(b.package)
  );
}

export function scanInventory(input: ScanInput): ScanReport {
  const { context: asset, warnings } = assetContextOf(input.labels);
  const { targets, notes } = targetsOf(input.inventory);
  const matched = matchTargets(targets, input.advisories);
  const findings = matched.findings.map((f) => score(f, input, asset)).sort(byRisk);
  return {
    asset,
    findings,
    problems: matched.problems,
    notes: [...warnings, ...notes],
    summary: summarize({
      targets,
      findings,
      advisories: input.advisories,
      kev: input.kev,
      epss: input.epss,
    }),
  };
}
