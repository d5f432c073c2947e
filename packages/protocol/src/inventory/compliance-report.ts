/**
 * The compliance report document (`GET /api/v1/vulns/report`, `patchcast report compliance`): per
 * deadline outcome, per device and per advisory, how many findings are open, overdue, and closed
 * in time, and the mean time to remediate. The server builds it; the CLI renders CSV and HTML.
 */
export const COMPLIANCE_FORMAT = 'patchcast-compliance/v1';

export interface ComplianceCounts {
  readonly findings: number;
  readonly open: number;
  readonly overdue: number;
  readonly closed: number;
  readonly closedInTime: number;
  readonly closedLate: number;
  /** Open findings on which a patch claiming the fix is installed: "installed, finding persists". */
  readonly findingPersists: number;
  /** Closed in time plus open and not yet due, over all findings with a due date; null without any. */
  readonly withinDeadlineShare: number | null;
  /** Mean days from first detection to closing, over closed findings; null when none closed. */
  readonly meanTimeToRemediateDays: number | null;
}

export interface ComplianceOutcomeRow extends ComplianceCounts {
  /** The policy outcome, e.g. '14 days', or 'KEV due date' when the KEV date won. */
  readonly outcome: string;
}

export interface ComplianceDeviceRow extends ComplianceCounts {
  readonly deviceId: string;
  readonly name: string;
  /** The device's `owner` label, when it has one. */
  readonly owner: string | null;
  readonly maxOpenRisk: number;
}

export interface ComplianceAdvisoryRow extends ComplianceCounts {
  readonly advisoryId: string;
  readonly cves: readonly string[];
  readonly kev: boolean;
  readonly devices: number;
  readonly maxOpenRisk: number;
}

export interface ComplianceOverdueRow {
  readonly deviceId: string;
  readonly name: string;
  readonly owner: string | null;
  readonly advisoryId: string;
  readonly package: string;
  readonly dueDate: string;
  readonly risk: number;
}

/** An open finding whose claimed fix was installed and did not remove the affected version. */
export interface CompliancePersistsRow {
  readonly deviceId: string;
  readonly name: string;
  readonly owner: string | null;
  readonly advisoryId: string;
  readonly package: string;
  readonly installedVersion: string;
  /** The installed patches that claim the fix. */
  readonly patches: readonly string[];
}

export interface ComplianceReport {
  readonly format: typeof COMPLIANCE_FORMAT;
  readonly generatedAt: string;
  readonly policy: string;
  readonly totals: ComplianceCounts;
  readonly byOutcome: readonly ComplianceOutcomeRow[];
  readonly devices: readonly ComplianceDeviceRow[];
  readonly advisories: readonly ComplianceAdvisoryRow[];
  readonly overdue: readonly ComplianceOverdueRow[];
  readonly findingPersists: readonly CompliancePersistsRow[];
}
