/** The totals of a scan: what was scanned against what, and what was found. */
import type { AdvisoryIndex } from './advisory-index.js';
import type { CvssSeverity } from './cvss-vector.js';
import type { EpssScores } from './epss.js';
import type { KevCatalog } from './kev.js';
import type { MatchTarget } from './match-target.js';
import { isRpmEcosystem } from './osv-ecosystem.js';
import type { ScoredFinding } from './scan.js';

export interface ScanSummary {
  readonly packages: {
    readonly Debian: number;
    readonly npm: number;
    readonly PyPI: number;
    /** Targets of the RPM ecosystems (Red Hat, AlmaLinux, Rocky Linux). */
    readonly rpm: number;
  };
  readonly advisories: {
    readonly records: number;
    readonly withdrawn: number;
    readonly duplicates: number;
    /** Affected entries of ecosystems that matching does not evaluate, per ecosystem. */
    readonly unsupported: Readonly<Record<string, number>>;
  };
  readonly kev: { readonly catalogVersion: string; readonly entries: number } | undefined;
  readonly epss:
    | { readonly modelVersion: string; readonly scoreDate: string; readonly entries: number }
    | undefined;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<CvssSeverity | 'Unknown', number>>;
  readonly inKev: number;
  readonly overdue: number;
  /** Device risk: the highest finding risk, and the sum over all findings. */
  readonly risk: { readonly max: number; readonly total: number };
}

export interface SummaryInput {
  readonly targets: readonly MatchTarget[];
  readonly findings: readonly ScoredFinding[];
  readonly advisories: AdvisoryIndex;
  readonly kev: KevCatalog | undefined;
  readonly epss: EpssScores | undefined;
}

function count<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.reduce((n, item) => (test(item) ? n + 1 : n), 0);
}

function bySeverity(findings: readonly ScoredFinding[]): ScanSummary['bySeverity'] {
  const out = { None: 0, Low: 0, Medium: 0, High: 0, Critical: 0, Unknown: 0 };
  for (const f of findings) out[f.cvss?.severity ?? 'Unknown'] += 1;
  return out;
}

export function summarize(input: SummaryInput): ScanSummary {
  const { targets, findings, advisories, kev, epss } = input;
  const total = findings.reduce((sum, f) => sum + Math.round(f.risk.score * 10), 0) / 10;
  return {
    packages: {
      Debian: count(targets, (t) => t.ecosystem === 'Debian'),
      npm: count(targets, (t) => t.ecosystem === 'npm'),
      PyPI: count(targets, (t) => t.ecosystem === 'PyPI'),
      rpm: count(targets, (t) => isRpmEcosystem(t.ecosystem)),
    },
    advisories: {
      records: advisories.records,
      withdrawn: advisories.withdrawn,
      duplicates: advisories.duplicates,
      unsupported: Object.fromEntries(advisories.unsupported),
    },
    kev:
      kev === undefined
        ? undefined
        : { catalogVersion: kev.catalogVersion, entries: kev.entries.size },
    epss:
      epss === undefined
        ? undefined
        : { modelVersion: epss.modelVersion, scoreDate: epss.scoreDate, entries: epss.scores.size },
    findings: findings.length,
    bySeverity: bySeverity(findings),
    inKev: count(findings, (f) => f.kev !== undefined),
    overdue: count(findings, (f) => f.overdue),
    risk: { max: findings.reduce((max, f) => Math.max(max, f.risk.score), 0), total },
  };
}
