/** Text views of findings and of the remediation queue (grouped, or one row per finding). */
import type {
  FindingViewRow,
  FixStateName,
  PatchImpactRow,
  QueueGroupRow,
} from '@patchcast/protocol';
import { table } from '../table.js';

function text(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

function risk(row: FindingViewRow): string {
  return row.risk.score.toFixed(2);
}

function due(row: FindingViewRow): string {
  const date = row.deadline.dueDate ?? '-';
  return row.overdue ? `${date} OVERDUE` : date;
}

/** What a fix state says after the patch's name. */
export const FIX_STATE_TEXT: Readonly<Record<FixStateName, string>> = {
  recommended: 'recommended',
  'installed-awaiting-inventory': 'installed, awaiting the inventory',
  'installed-finding-persists': 'installed, finding persists',
  ineffective: 'did not fix it where it was installed',
  superseded: 'superseded by another installed version',
  withdrawn: 'withdrawn by its publisher',
};

function fixNotes(row: FindingViewRow): string[] {
  return row.fixes.flatMap((f) =>
    f.state === 'recommended' ? [] : [`${f.patch} ${FIX_STATE_TEXT[f.state]}`],
  );
}

function findingState(f: FindingViewRow): string {
  if (f.state === 'closed') return `closed ${text(f.closedAt).slice(0, 10)} ${text(f.closedBy)}`;
  return ['open', ...fixNotes(f)].join('; ');
}

export function findingsText(findings: readonly FindingViewRow[]): string {
  if (findings.length === 0) return 'no findings\n';
  const rows = findings.map((f) => [
    risk(f),
    text(f.deviceName),
    text(f.advisoryId),
    `${text(f.package)} ${text(f.installedVersion)}`,
    text(f.fixedVersion),
    due(f),
    findingState(f),
  ]);
  return table(['RISK', 'DEVICE', 'ADVISORY', 'PACKAGE', 'FIXED IN', 'DUE', 'STATE'], rows);
}

function impactText(patches: readonly PatchImpactRow[]): string {
  if (patches.length === 0) return '';
  const impact = patches.map((p) => [
    text(p.patch),
    text(p.findings),
    text(p.devices),
    text(p.riskRemoved),
  ]);
  return `\n${table(['PATCH', 'CLOSES', 'DEVICES', 'RISK REMOVED'], impact)}`;
}

/** The queue one row per open finding (`vulns queue --by device`). */
export function queueByDeviceText(
  queue: readonly FindingViewRow[],
  patches: readonly PatchImpactRow[],
): string {
  if (queue.length === 0) return 'the remediation queue is empty\n';
  const rows = queue.map((f, i) => [
    String(i + 1),
    risk(f),
    text(f.deviceName),
    text(f.advisoryId),
    `${text(f.package)} ${text(f.installedVersion)}`,
    due(f),
    f.patches.join(' ') || '-',
    fixNotes(f).join('; '),
  ]);
  const head = table(
    ['#', 'RISK', 'DEVICE', 'ADVISORY', 'PACKAGE', 'DUE', 'PATCHES', 'NOTE'],
    rows,
  );
  return `${head}${impactText(patches)}`;
}

function devicesText(n: number): string {
  return `${n} device${n === 1 ? '' : 's'}`;
}

function groupAction(g: QueueGroupRow): string {
  const action =
    g.patch === null
      ? `no patch recommended for ${devicesText(g.devices)}`
      : `${g.patch} closes it on ${devicesText(g.devices)} (risk ${g.risk.toFixed(2)})`;
  const notes = g.notRecommended.map(
    (n) => `${n.patch} ${FIX_STATE_TEXT[n.state]} (${devicesText(n.devices)})`,
  );
  return [action, ...notes].join('; ');
}

/** The queue grouped by patch and advisory (the default view). */
export function queueText(
  groups: readonly QueueGroupRow[],
  patches: readonly PatchImpactRow[],
): string {
  if (groups.length === 0) return 'the remediation queue is empty\n';
  const rows = groups.map((g, i) => [
    String(i + 1),
    g.maxRisk.toFixed(2),
    g.advisoryId,
    g.packages.join(' '),
    `${g.dueDate ?? '-'}${g.overdue > 0 ? ` ${g.overdue} OVERDUE` : ''}`,
    groupAction(g),
  ]);
  const head = table(['#', 'RISK', 'ADVISORY', 'PACKAGE', 'DUE', 'ACTION'], rows);
  return `${head}${impactText(patches)}`;
}
