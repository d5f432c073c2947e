export { formatProblem } from './input-problem.js';
export type { Problem } from './input-problem.js';
export { OSV_EVENT_KINDS, OSV_LIMITS, OSV_RANGE_TYPES, OSV_SEVERITY_TYPES } from './osv-record.js';
export type {
  OsvAffected,
  OsvEvent,
  OsvEventKind,
  OsvPackage,
  OsvRange,
  OsvRangeType,
  OsvRecord,
  OsvSeverity,
  OsvSeverityType,
} from './osv-record.js';
export { parseOsvRecord } from './osv-parse.js';
export type { OsvParseResult } from './osv-parse.js';
export {
  MATCH_ECOSYSTEMS,
  isRpmEcosystem,
  matchEcosystemOf,
  normalizePackageName,
  splitEcosystem,
} from './osv-ecosystem.js';
export type { EcosystemName, MatchEcosystem } from './osv-ecosystem.js';
export { evaluateAffected } from './osv-evaluate.js';
export type { AffectedMatch } from './osv-evaluate.js';
export { advisoryPackageKeys, indexAdvisories, packageKey } from './advisory-index.js';
export type { AdvisoryIndex, IndexedAffected } from './advisory-index.js';
export type {
  DpkgEntry,
  InventoryView,
  NpmEntry,
  OsIdentity,
  PypiEntry,
  RpmEntry,
} from './inventory-view.js';
export {
  debianReleaseOf,
  rpmEcosystemOf,
  rpmEvr,
  rpmReleaseOf,
  targetsOf,
} from './match-target.js';
export { coverageOf } from './coverage.js';
export type { Coverage, CoverageRow, FleetPlatform } from './coverage.js';
export type { MatchTarget, TargetSet } from './match-target.js';
export { cvesOf, matchTargets } from './match.js';
export type { MatchProblem, MatchResult } from './match.js';
export type { VulnFinding } from './finding.js';
export { CVSS_SEVERITIES, severityOf } from './cvss-vector.js';
export type { CvssMetrics, CvssSeverity } from './cvss-vector.js';
export { CVSS_VERSIONS } from './cvss-score.js';
export type { CvssResult, CvssScore, CvssVersion } from './cvss-score.js';
export { preferredScore, scoreCvss } from './cvss.js';
export { roundup30, roundup31, scoreCvss3 } from './cvss-v3.js';
export { cvss4Score, scoreCvss4 } from './cvss-v4.js';
export { parseKevCatalog } from './kev.js';
export type { KevCatalog, KevEntry } from './kev.js';
export { parseEpssCsv } from './epss.js';
export type { EpssScore, EpssScores } from './epss.js';
export {
  CRITICALITY_LABEL,
  CRITICALITY_LEVELS,
  DEFAULT_CRITICALITY,
  DEFAULT_EXPOSURE,
  EXPOSURE_LABEL,
  EXPOSURE_LEVELS,
  assetContextOf,
} from './asset-context.js';
export type { AssetContext, AssetContextResult, Criticality, Exposure } from './asset-context.js';
export {
  CRITICALITY_WEIGHTS,
  EXPOSURE_WEIGHTS,
  LIKELIHOOD_FLOOR,
  RISK_FACTORS,
  UNKNOWN_SEVERITY_BASE,
  riskOf,
} from './risk.js';
export type { RiskFactor, RiskFactorName, RiskInput, RiskScore } from './risk.js';
export {
  CISA_BOD_26_04_POLICY,
  TECHNICAL_IMPACTS,
  parseOutcome,
  ruleFor,
} from './deadline-policy.js';
export type {
  DeadlinePolicy,
  DeadlineRule,
  DecisionPoints,
  PolicyOutcome,
  TechnicalImpact,
} from './deadline-policy.js';
export { parseDeadlinePolicyCsv } from './deadline-policy-csv.js';
export { deadlineOf, decisionPointsOf } from './deadline.js';
export type { Deadline, DeadlineInput } from './deadline.js';
export { epssFor, kevFor } from './threat-intel.js';
export type { EpssMatch, KevMatch } from './threat-intel.js';
export { byRisk, scanInventory, scoreFinding } from './scan.js';
export type { ScanInput, ScanReport, ScoreContext, ScoredFinding } from './scan.js';
export type { ScanSummary } from './scan-summary.js';
