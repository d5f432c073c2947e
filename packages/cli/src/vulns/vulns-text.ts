/** Text views of findings and of the remediation queue. */
import { table } from '../table.js';

type Row = Record<string, unknown>;

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' || typeof value === 'number'
    ? String(value)
    : JSON.stringify(value);
}

function risk(row: Row): string {
  const score = (row.risk as { score?: unknown } | undefined)?.score;
  return typeof score === 'number' ? score.toFixed(2) : '-';
}

function due(row: Row): string {
  const deadline = row.deadline as { dueDate?: unknown } | undefined;
  const date = typeof deadline?.dueDate === 'string' ? deadline.dueDate : '-';
  return row.overdue === true ? `${date} OVERDUE` : date;
}

export function findingsText(findings: readonly Row[]): string {
  if (findings.length === 0) return 'no findings\n';
  const rows = findings.map((f) => [
    risk(f),
    text(f.deviceName),
    text(f.advisoryId),
    `${text(f.package)} ${text(f.installedVersion)}`,
    text(f.fixedVersion),
    due(f),
    f.state === 'closed' ? `closed ${text(f.closedAt).slice(0, 10)} ${text(f.closedBy)}` : 'open',
  ]);
  return table(['RISK', 'DEVICE', 'ADVISORY', 'PACKAGE', 'FIXED IN', 'DUE', 'STATE'], rows);
}

export function queueText(queue: readonly Row[], patches: readonly Row[]): string {
  if (queue.length === 0) return 'the remediation queue is empty\n';
  const rows = queue.map((f, i) => [
    String(i + 1),
    risk(f),
    text(f.deviceName),
    text(f.advisoryId),
    `${text(f.package)} ${text(f.installedVersion)}`,
    due(f),
    ((f.patches as string[] | undefined) ?? []).join(' ') || '-',
  ]);
  const head = table(['#', 'RISK', 'DEVICE', 'ADVISORY', 'PACKAGE', 'DUE', 'PATCHES'], rows);
  if (patches.length === 0) return head;
  const impact = patches.map((p) => [
    text(p.patch),
    text(p.findings),
    text(p.devices),
    text(p.riskRemoved),
  ]);
  return `${head}\n${table(['PATCH', 'CLOSES', 'DEVICES', 'RISK REMOVED'], impact)}`;
}
