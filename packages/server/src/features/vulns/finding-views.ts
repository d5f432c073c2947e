/**
 * Findings as operators read them: each stored finding scored at read time (KEV, EPSS, risk with
 * its factors, the deadline counted from first detection), with the device and the published
 * patches that declare a fix for it. The remediation queue is the open ones, highest risk first.
 */
import { assetContextOf, byRisk, scoreFinding } from '@patchcast/core';
import type { ScoredFinding, VulnFinding } from '@patchcast/core';
import type { DeviceRecord, Store } from '../../storage/store.js';
import type { FindingFilter, FindingRecord } from '../../storage/vuln-store.js';
import type { VulnContext } from './vuln-context.js';
import { patchesFor } from './patch-fixes.js';
import type { PatchFix } from './patch-fixes.js';

export interface FindingView extends ScoredFinding {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly owner: string | null;
  readonly state: 'open' | 'closed';
  readonly firstSeenAt: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  /** Published patches that declare a fix for this finding. */
  readonly patches: readonly string[];
}

export interface ViewInput {
  readonly store: Store;
  readonly context: VulnContext;
  readonly fixes: readonly PatchFix[];
  readonly now: Date;
}

function view(
  record: FindingRecord,
  device: DeviceRecord | undefined,
  input: ViewInput,
): FindingView {
  const finding = JSON.parse(record.json) as VulnFinding;
  const labels = device?.labels ?? {};
  const scored = scoreFinding(finding, {
    kev: input.context.kev,
    epss: input.context.epss,
    policy: input.context.policy,
    asset: assetContextOf(labels).context,
    detectedAt: new Date(record.firstSeenAt),
    now: record.closedAt === null ? input.now : new Date(record.closedAt),
  });
  return {
    ...scored,
    overdue: record.closedAt === null && scored.overdue,
    deviceId: record.deviceId,
    deviceName: device?.name ?? record.deviceId,
    owner: labels['owner'] ?? null,
    state: record.closedAt === null ? 'open' : 'closed',
    firstSeenAt: record.firstSeenAt,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
    patches: patchesFor(input.fixes, finding),
  };
}

export async function findingViews(
  input: ViewInput,
  filter: FindingFilter,
): Promise<FindingView[]> {
  const devices = new Map((await input.store.listDevices()).map((d) => [d.id, d]));
  const records = await input.store.vulns.findings(filter);
  return records.map((r) => view(r, devices.get(r.deviceId), input)).sort(byRisk);
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

/** For each published patch with open findings to close: how many, on how many devices. */
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
      riskRemoved: Math.round(e.risk * 100) / 100,
    }))
    .sort((a, b) => b.riskRemoved - a.riskRemoved || a.patch.localeCompare(b.patch));
}
