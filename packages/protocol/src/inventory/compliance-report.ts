/**
 * The compliance report document (`GET /api/v1/vulns/report`, `patchcast report compliance`): per
 * deadline outcome, per device and per advisory, how many findings are open, overdue, and closed
 * in time, and the mean time to remediate. The server builds it; the CLI renders CSV and HTML.
 */
import { z } from 'zod';

export const COMPLIANCE_FORMAT = 'patchcast-compliance/v1';

const countFields = {
  findings: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  closed: z.number().int(),
  closedInTime: z.number().int(),
  closedLate: z.number().int(),
  /** Open findings on which a patch claiming the fix is installed: "installed, finding persists". */
  findingPersists: z.number().int(),
  /** Closed in time plus open and not yet due, over all findings with a due date; null without any. */
  withinDeadlineShare: z.number().nullable(),
  /** Mean days from first detection to closing, over closed findings; null when none closed. */
  meanTimeToRemediateDays: z.number().nullable(),
};
const complianceCounts = z.object(countFields);
export type ComplianceCounts = z.infer<typeof complianceCounts>;

const outcomeRow = z.object({
  /** The policy outcome, e.g. '14 days', or 'KEV due date' when the KEV date won. */
  outcome: z.string(),
  ...countFields,
});
export type ComplianceOutcomeRow = z.infer<typeof outcomeRow>;

const deviceRow = z.object({
  deviceId: z.string(),
  name: z.string(),
  /** The device's `owner` label, when it has one. */
  owner: z.string().nullable(),
  maxOpenRisk: z.number(),
  ...countFields,
});
export type ComplianceDeviceRow = z.infer<typeof deviceRow>;

const advisoryRow = z.object({
  advisoryId: z.string(),
  cves: z.array(z.string()),
  kev: z.boolean(),
  devices: z.number().int(),
  maxOpenRisk: z.number(),
  ...countFields,
});
export type ComplianceAdvisoryRow = z.infer<typeof advisoryRow>;

const overdueRow = z.object({
  deviceId: z.string(),
  name: z.string(),
  owner: z.string().nullable(),
  advisoryId: z.string(),
  package: z.string(),
  dueDate: z.string(),
  risk: z.number(),
});
export type ComplianceOverdueRow = z.infer<typeof overdueRow>;

/** An open finding whose claimed fix was installed and did not remove the affected version. */
const persistsRow = z.object({
  deviceId: z.string(),
  name: z.string(),
  owner: z.string().nullable(),
  advisoryId: z.string(),
  package: z.string(),
  installedVersion: z.string(),
  /** The installed patches that claim the fix. */
  patches: z.array(z.string()),
});
export type CompliancePersistsRow = z.infer<typeof persistsRow>;

export const complianceReportResponse = z.object({
  format: z.literal(COMPLIANCE_FORMAT),
  generatedAt: z.string(),
  /** The deadline policy's name. */
  policy: z.string(),
  totals: complianceCounts,
  byOutcome: z.array(outcomeRow),
  devices: z.array(deviceRow),
  advisories: z.array(advisoryRow),
  overdue: z.array(overdueRow),
  findingPersists: z.array(persistsRow),
});
export type ComplianceReport = z.infer<typeof complianceReportResponse>;
