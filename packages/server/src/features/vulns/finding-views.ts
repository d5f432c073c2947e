/**
 * Findings as operators read them: each stored finding scored at read time (KEV, EPSS, risk with
 * its factors, the deadline counted from first detection), with the device, the published
 * patches that claim to fix it and what became of each on this device (fix-outcomes.ts).
 */
import { assetContextOf, byRisk, scoreFinding } from '@patchcast/core';
import type { ScoredFinding, VulnFinding } from '@patchcast/core';
import type { DeviceRecord, Store } from '../../storage/store.js';
import type { FindingFilter, FindingRecord } from '../../storage/vuln-store.js';
import { deviceFixFacts, fixStates } from './fix-outcomes.js';
import type { FixState } from './fix-outcomes.js';
import type { VulnContext } from './vuln-context.js';
import type { PatchFix } from './patch-fixes.js';

export interface FindingView extends ScoredFinding {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly owner: string | null;
  readonly state: 'open' | 'closed';
  readonly firstSeenAt: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  /** Published patches recommended to close this open finding (`fixes` in state recommended). */
  readonly patches: readonly string[];
  /** Every published patch that claims to fix this open finding, and what became of it here. */
  readonly fixes: readonly FixState[];
}

export interface ViewInput {
  readonly store: Store;
  readonly context: VulnContext;
  readonly fixes: readonly PatchFix[];
  readonly now: Date;
}

interface Parsed {
  readonly record: FindingRecord;
  readonly finding: VulnFinding;
}

function view(
  { record, finding }: Parsed,
  device: DeviceRecord | undefined,
  fixes: readonly FixState[],
  input: ViewInput,
): FindingView {
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
    patches: fixes.filter((f) => f.state === 'recommended').map((f) => f.patch),
    fixes,
  };
}

function selected(record: FindingRecord, filter: FindingFilter): boolean {
  const state = filter.state ?? 'all';
  if (filter.deviceId !== undefined && record.deviceId !== filter.deviceId) return false;
  return state === 'all' || (state === 'open') === (record.closedAt === null);
}

/**
 * The findings the filter selects, scored, highest risk first. Fix outcomes need the whole
 * fleet (a patch that left a finding open on every device where it was installed is recommended
 * nowhere), so every finding is read and the filter applied after.
 */
export async function findingViews(
  input: ViewInput,
  filter: FindingFilter,
): Promise<FindingView[]> {
  const { store } = input;
  const [deviceList, stored, summaries, persisted] = await Promise.all([
    store.listDevices(),
    store.vulns.findings({ state: 'all' }),
    store.vulns.inventorySummaries(),
    store.vulns.persistedFixes(),
  ]);
  const devices = new Map(deviceList.map((d) => [d.id, d]));
  // A removed device (`devices remove`, ADR 0029) is out of the fleet: none of its findings count.
  const records = stored.filter((r) => devices.has(r.deviceId));
  const collectedAt = new Map(summaries.map((s) => [s.deviceId, s.collectedAt]));
  const open = records
    .filter((r) => r.closedAt === null)
    .map((record) => ({ record, finding: JSON.parse(record.json) as VulnFinding }));
  const states = fixStates(
    open.map((o) => ({ deviceId: o.record.deviceId, finding: o.finding })),
    {
      fixes: input.fixes,
      devices: deviceFixFacts(deviceList, collectedAt),
      closed: records.flatMap((r) =>
        r.closedBy === null ? [] : [{ patch: r.closedBy, advisoryId: r.advisoryId }],
      ),
      persisted,
    },
  );
  const openViews = open.flatMap((o, i) =>
    selected(o.record, filter)
      ? [view(o, devices.get(o.record.deviceId), states[i] ?? [], input)]
      : [],
  );
  const closedViews = records
    .filter((r) => r.closedAt !== null && selected(r, filter))
    .map((record) => {
      const parsed = { record, finding: JSON.parse(record.json) as VulnFinding };
      return view(parsed, devices.get(record.deviceId), [], input);
    });
  return [...openViews, ...closedViews].sort(byRisk);
}
