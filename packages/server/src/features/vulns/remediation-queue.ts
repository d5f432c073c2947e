/**
 * The remediation queue (docs/vulnerabilities.md §7): open findings grouped by the patch that
 * closes them and the advisory, one row per (patch, advisory) with the devices it closes it on;
 * findings with no recommended patch form one row per advisory (`patch: null`). A finding that
 * several patches claim to fix appears under each. Then, per patch, what it closes in total.
 */
import type { FixStateName } from '@patchcast/protocol';
import type { FindingView } from './finding-views.js';

export interface NotRecommended {
  readonly patch: string;
  readonly state: Exclude<FixStateName, 'recommended'>;
  /** On how many of the row's devices. */
  readonly devices: number;
}

export interface QueueGroup {
  /** The recommended patch, or null when no published patch is recommended for these findings. */
  readonly patch: string | null;
  readonly advisoryId: string;
  readonly cves: readonly string[];
  readonly packages: readonly string[];
  readonly findings: number;
  readonly devices: number;
  readonly deviceIds: readonly string[];
  /** The highest risk among the findings, and their sum (what installing the patch removes). */
  readonly maxRisk: number;
  readonly risk: number;
  /** The earliest due date among them, and how many are overdue. */
  readonly dueDate: string | null;
  readonly overdue: number;
  readonly kev: boolean;
  /** Patches claiming a fix that are not recommended for these findings, and why. */
  readonly notRecommended: readonly NotRecommended[];
}

export interface PatchImpact {
  readonly patch: string;
  readonly findings: number;
  readonly devices: number;
  /** The devices it has open findings to close on, and the advisories. */
  readonly deviceIds: readonly string[];
  readonly advisories: readonly string[];
  /** The sum of the risk scores of the open findings it closes. */
  readonly riskRemoved: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

function groupOf(patch: string | null, members: readonly FindingView[]): QueueGroup {
  const first = members[0];
  const dues = members.flatMap((f) =>
    f.deadline.dueDate === undefined ? [] : [f.deadline.dueDate],
  );
  const deviceIds = sorted(members.map((f) => f.deviceId));
  const other = new Map<
    string,
    { patch: string; state: NotRecommended['state']; ids: Set<string> }
  >();
  for (const f of members) {
    for (const s of f.fixes) {
      if (s.state === 'recommended') continue;
      const key = `${s.patch}\u0000${s.state}`;
      const entry = other.get(key) ?? { patch: s.patch, state: s.state, ids: new Set<string>() };
      entry.ids.add(f.deviceId);
      other.set(key, entry);
    }
  }
  return {
    patch,
    advisoryId: first?.advisoryId ?? '',
    cves: sorted(members.flatMap((f) => f.cves)),
    packages: sorted(members.map((f) => f.package)),
    findings: members.length,
    devices: deviceIds.length,
    deviceIds,
    maxRisk: members.reduce((m, f) => Math.max(m, f.risk.score), 0),
    risk: round2(members.reduce((sum, f) => sum + f.risk.score, 0)),
    dueDate: dues.sort()[0] ?? null,
    overdue: members.filter((f) => f.overdue).length,
    kev: members.some((f) => f.kev !== undefined),
    notRecommended: [...other.values()]
      .map((e) => ({ patch: e.patch, state: e.state, devices: e.ids.size }))
      .sort((a, b) => a.patch.localeCompare(b.patch) || a.state.localeCompare(b.state)),
  };
}

/** One row per (recommended patch or none, advisory), highest risk first. */
export function queueGroups(open: readonly FindingView[]): QueueGroup[] {
  const members = new Map<string, { patch: string | null; findings: FindingView[] }>();
  for (const f of open) {
    const patches: (string | null)[] = f.patches.length > 0 ? [...f.patches] : [null];
    for (const patch of patches) {
      const key = `${f.advisoryId}\u0000${patch ?? ''}`;
      const entry = members.get(key) ?? { patch, findings: [] };
      entry.findings.push(f);
      members.set(key, entry);
    }
  }
  return [...members.values()]
    .map((m) => groupOf(m.patch, m.findings))
    .sort(
      (a, b) =>
        b.maxRisk - a.maxRisk ||
        b.risk - a.risk ||
        a.advisoryId.localeCompare(b.advisoryId) ||
        (a.patch ?? '\uffff').localeCompare(b.patch ?? '\uffff'),
    );
}

/** For each recommended patch with open findings to close: how many, on how many devices. */
export function patchImpacts(open: readonly FindingView[]): PatchImpact[] {
  const byPatch = new Map<
    string,
    { findings: number; devices: Set<string>; advisories: Set<string>; risk: number }
  >();
  for (const f of open) {
    for (const patch of f.patches) {
      const entry = byPatch.get(patch) ?? {
        findings: 0,
        devices: new Set(),
        advisories: new Set(),
        risk: 0,
      };
      entry.findings += 1;
      entry.devices.add(f.deviceId);
      entry.advisories.add(f.advisoryId);
      entry.risk += f.risk.score;
      byPatch.set(patch, entry);
    }
  }
  return [...byPatch]
    .map(([patch, e]) => ({
      patch,
      findings: e.findings,
      devices: e.devices.size,
      deviceIds: [...e.devices].sort(),
      advisories: [...e.advisories].sort(),
      riskRemoved: round2(e.risk),
    }))
    .sort((a, b) => b.riskRemoved - a.riskRemoved || a.patch.localeCompare(b.patch));
}
