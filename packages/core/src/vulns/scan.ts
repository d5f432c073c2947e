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

export interface ScoreContext {
  readonly kev?: KevCatalog | undefined;
  readonly epss?: EpssScores | undefined;
  readonly policy?: DeadlinePolicy | undefined;
  readonly asset: AssetContext;
  /** When the finding was first detected: its deadline runs from this day. */
  readonly detectedAt: Date;
  /** The day against which `overdue` is judged (default: the detection day). */
  readonly now?: Date | undefined;
}

/** KEV, EPSS, risk and deadline of one finding. */
export function scoreFinding(finding: VulnFinding, context: ScoreContext): ScoredFinding {
  const kev = kevFor(finding.cves, context.kev);
  const epss = epssFor(finding.cves, context.epss);
  const asset = context.asset;
  const risk = riskOf({ cvss: finding.cvss, epss: epss?.epss, inKev: kev !== undefined, asset });
  const deadline = deadlineOf({
    cvss: finding.cvss,
    inKev: kev !== undefined,
    kevDueDate: kev?.dueDate,
    asset,
    policy: context.policy ?? CISA_BOD_26_04_POLICY,
    detectedAt: context.detectedAt,
  });
  const today = (context.now ?? context.detectedAt).toISOString().slice(0, 10);
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
  const findings = matched.findings.map((f) => scoreFinding(f, { ...input, asset })).sort(byRisk);
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
