/**
 * The compliance report (protocol/inventory/compliance-report.ts): per deadline outcome, per
 * device and per advisory, the open, overdue and closed-in-time counts and the mean time to
 * remediate, from every finding (open and closed) as scored at read time.
 */
import { COMPLIANCE_FORMAT } from '@patchcast/protocol';
import type {
  ComplianceAdvisoryRow,
  ComplianceCounts,
  ComplianceDeviceRow,
  ComplianceOutcomeRow,
  ComplianceReport,
} from '@patchcast/protocol';
import type { FindingView } from './finding-views.js';

const DAY_MS = 86_400_000;

function closedInTime(f: FindingView): boolean | undefined {
  const due = f.deadline.dueDate;
  if (f.closedAt === null || due === undefined) return undefined;
  return f.closedAt.slice(0, 10) <= due;
}

/** The installed patches that claimed to fix this open finding and left it open. */
function persistingPatches(f: FindingView): string[] {
  return f.fixes.filter((s) => s.state === 'installed-finding-persists').map((s) => s.patch);
}

export function countsOf(findings: readonly FindingView[]): ComplianceCounts {
  const closed = findings.filter((f) => f.closedAt !== null);
  const inTime = closed.filter((f) => closedInTime(f) === true).length;
  const late = closed.filter((f) => closedInTime(f) === false).length;
  const open = findings.length - closed.length;
  const overdue = findings.filter((f) => f.overdue).length;
  const dated = findings.filter((f) => f.deadline.dueDate !== undefined);
  const openOnTime = dated.filter((f) => f.closedAt === null && !f.overdue).length;
  const days = closed.map(
    (f) => (Date.parse(f.closedAt ?? f.firstSeenAt) - Date.parse(f.firstSeenAt)) / DAY_MS,
  );
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    findings: findings.length,
    open,
    overdue,
    closed: closed.length,
    closedInTime: inTime,
    closedLate: late,
    findingPersists: findings.filter((f) => persistingPatches(f).length > 0).length,
    withinDeadlineShare: dated.length === 0 ? null : round((inTime + openOnTime) / dated.length),
    meanTimeToRemediateDays:
      days.length === 0 ? null : round(days.reduce((a, b) => a + b, 0) / days.length),
  };
}

function groupBy(
  findings: readonly FindingView[],
  key: (f: FindingView) => string,
): Map<string, FindingView[]> {
  const groups = new Map<string, FindingView[]>();
  for (const f of findings) {
    const k = key(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return groups;
}

const maxOpenRisk = (fs: readonly FindingView[]) =>
  fs.reduce((m, f) => (f.closedAt === null ? Math.max(m, f.risk.score) : m), 0);

export function outcomeOf(f: FindingView): string {
  return f.deadline.source === 'kev' ? 'KEV due date' : f.deadline.outcome;
}

function outcomeRows(findings: readonly FindingView[]): ComplianceOutcomeRow[] {
  return [...groupBy(findings, outcomeOf)]
    .map(([outcome, fs]) => ({ outcome, ...countsOf(fs) }))
    .sort((a, b) => a.outcome.localeCompare(b.outcome));
}

function deviceRows(findings: readonly FindingView[]): ComplianceDeviceRow[] {
  return [...groupBy(findings, (f) => f.deviceId)]
    .map(([deviceId, fs]) => ({
      deviceId,
      name: fs[0]?.deviceName ?? deviceId,
      owner: fs[0]?.owner ?? null,
      maxOpenRisk: maxOpenRisk(fs),
      ...countsOf(fs),
    }))
    .sort(
      (a, b) =>
        b.overdue - a.overdue || b.maxOpenRisk - a.maxOpenRisk || a.name.localeCompare(b.name),
    );
}

function advisoryRows(findings: readonly FindingView[]): ComplianceAdvisoryRow[] {
  return [...groupBy(findings, (f) => f.advisoryId)]
    .map(([advisoryId, fs]) => ({
      advisoryId,
      cves: [...new Set(fs.flatMap((f) => f.cves))].sort(),
      kev: fs.some((f) => f.kev !== undefined),
      devices: new Set(fs.map((f) => f.deviceId)).size,
      maxOpenRisk: maxOpenRisk(fs),
      ...countsOf(fs),
    }))
    .sort(
      (a, b) =>
        b.overdue - a.overdue ||
        b.maxOpenRisk - a.maxOpenRisk ||
        a.advisoryId.localeCompare(b.advisoryId),
    );
}

export function complianceReport(
  findings: readonly FindingView[],
  policy: string,
  now: Date,
): ComplianceReport {
  return {
    format: COMPLIANCE_FORMAT,
    generatedAt: now.toISOString(),
    policy,
    totals: countsOf(findings),
    byOutcome: outcomeRows(findings),
    devices: deviceRows(findings),
    advisories: advisoryRows(findings),
    overdue: findings
      .filter((f) => f.overdue)
      .map((f) => ({
        deviceId: f.deviceId,
        name: f.deviceName,
        owner: f.owner,
        advisoryId: f.advisoryId,
        package: f.package,
        dueDate: f.deadline.dueDate ?? '',
        risk: f.risk.score,
      })),
    findingPersists: findings.flatMap((f) => {
      const patches = persistingPatches(f);
      if (patches.length === 0) return [];
      const { deviceId, deviceName: name, owner, advisoryId, installedVersion } = f;
      return [{ deviceId, name, owner, advisoryId, package: f.package, installedVersion, patches }];
    }),
  };
}
