/** The compliance report as one CSV (RFC 4180): a `table` column says which table a row is of. */
import type { ComplianceCounts, ComplianceReport } from '@patchcast/protocol';

const COLUMNS = [
  'table',
  'key',
  'name',
  'owner',
  'findings',
  'open',
  'overdue',
  'closed',
  'closedInTime',
  'closedLate',
  'withinDeadlineShare',
  'meanTimeToRemediateDays',
  'maxOpenRisk',
  'kev',
  'cves',
  'dueDate',
  'findingPersists',
  'patches',
] as const;
type Row = Partial<Record<(typeof COLUMNS)[number], string | number | boolean | null>>;

export function csvField(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function counts(c: ComplianceCounts): Row {
  return {
    findings: c.findings,
    open: c.open,
    overdue: c.overdue,
    closed: c.closed,
    closedInTime: c.closedInTime,
    closedLate: c.closedLate,
    withinDeadlineShare: c.withinDeadlineShare,
    meanTimeToRemediateDays: c.meanTimeToRemediateDays,
    findingPersists: c.findingPersists,
  };
}

function rows(report: ComplianceReport): Row[] {
  return [
    { table: 'total', key: report.policy, ...counts(report.totals) },
    ...report.byOutcome.map((r) => ({ table: 'outcome', key: r.outcome, ...counts(r) })),
    ...report.devices.map((r) => ({
      table: 'device',
      key: r.deviceId,
      name: r.name,
      owner: r.owner,
      maxOpenRisk: r.maxOpenRisk,
      ...counts(r),
    })),
    ...report.advisories.map((r) => ({
      table: 'advisory',
      key: r.advisoryId,
      kev: r.kev,
      cves: r.cves.join(' '),
      maxOpenRisk: r.maxOpenRisk,
      ...counts(r),
    })),
    ...report.overdue.map((r) => ({
      table: 'overdue',
      key: r.advisoryId,
      name: r.name,
      owner: r.owner,
      dueDate: r.dueDate,
      maxOpenRisk: r.risk,
    })),
    ...report.findingPersists.map((r) => ({
      table: 'persists',
      key: r.advisoryId,
      name: r.name,
      owner: r.owner,
      patches: r.patches.join(' '),
    })),
  ];
}

export function complianceCsv(report: ComplianceReport): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows(report)) lines.push(COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
