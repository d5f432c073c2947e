/**
 * What became of the published patches that claim to fix an open finding (docs/vulnerabilities.md
 * §7). A claim closes nothing by itself: a finding closes only when the device's inventory no
 * longer holds an affected version. A claiming patch that is installed on the device, with an
 * inventory collected after the install that still holds the affected version, is "installed,
 * finding persists" there and never recommended again for that finding. When that is so on every
 * device where it was installed and it closed the advisory nowhere, it is recommended for that
 * advisory on no device ("ineffective").
 */
import type { VulnFinding } from '@patchcast/core';
import type { FixStateName } from '@patchcast/protocol';
import { patchesFor } from './patch-fixes.js';
import type { PatchFix } from './patch-fixes.js';

export interface FixState {
  /** `name@version` of a published patch whose manifest claims to fix the finding. */
  readonly patch: string;
  readonly state: FixStateName;
  /** When the device installed it (the agent's clock), for the installed states. */
  readonly installedAt?: string;
}

export interface DeviceFixFacts {
  /** `name@version` → `installedAt` of the patches the device reports installed. */
  readonly installed: ReadonlyMap<string, string>;
  /** When the agent collected the stored inventory (its clock), when there is one. */
  readonly collectedAt: string | undefined;
}

export interface FixInput {
  readonly fixes: readonly PatchFix[];
  readonly devices: ReadonlyMap<string, DeviceFixFacts>;
  /** The closing patch and advisory of every closed finding that names one. */
  readonly closed: readonly { readonly patch: string; readonly advisoryId: string }[];
  /** Recorded persisted fixes (VulnStore.persistedFixes): kept after a rollback. */
  readonly persisted: readonly {
    readonly deviceId: string;
    readonly patch: string;
    readonly advisoryId: string;
  }[];
}

export interface OpenFinding {
  readonly deviceId: string;
  readonly finding: VulnFinding;
}

const pairKey = (patch: string, advisoryId: string) => `${patch}\u0000${advisoryId}`;

const nameOf = (patch: string) => patch.slice(0, patch.lastIndexOf('@'));

function onDevice(
  patch: string,
  facts: DeviceFixFacts | undefined,
  withdrawn: ReadonlySet<string>,
): FixState {
  const installedAt = facts?.installed.get(patch);
  if (installedAt === undefined) {
    if (withdrawn.has(patch)) return { patch, state: 'withdrawn' };
    const other = [...(facts?.installed.keys() ?? [])].some((p) => nameOf(p) === nameOf(patch));
    return { patch, state: other ? 'superseded' : 'recommended' };
  }
  const collected = facts?.collectedAt === undefined ? NaN : Date.parse(facts.collectedAt);
  const seen = collected >= Date.parse(installedAt);
  const state = seen ? 'installed-finding-persists' : 'installed-awaiting-inventory';
  return { patch, state, installedAt };
}

/**
 * For each open finding, in order: its claiming patches and what became of each. A patch not
 * installed on the device is ineffective there when it persisted on this device before (and was
 * rolled back), or when it persisted wherever it was installed and closed the advisory nowhere.
 */
export function fixStates(open: readonly OpenFinding[], input: FixInput): FixState[][] {
  const withdrawn = new Set(input.fixes.filter((f) => f.withdrawn === true).map((f) => f.patch));
  const local = open.map((o) =>
    patchesFor(input.fixes, o.finding).map((p) =>
      onDevice(p, input.devices.get(o.deviceId), withdrawn),
    ),
  );
  const persisted = new Set(input.persisted.map((p) => pairKey(p.patch, p.advisoryId)));
  const persistedHere = new Set(
    input.persisted.map((p) => `${p.deviceId}\u0000${pairKey(p.patch, p.advisoryId)}`),
  );
  open.forEach((o, i) => {
    for (const s of local[i] ?? [])
      if (s.state === 'installed-finding-persists')
        persisted.add(pairKey(s.patch, o.finding.advisoryId));
  });
  const closed = new Set(input.closed.map((c) => pairKey(c.patch, c.advisoryId)));
  return local.map((states, i) => {
    const advisoryId = open[i]?.finding.advisoryId ?? '';
    const deviceId = open[i]?.deviceId ?? '';
    return states.map((s) => {
      if (s.state !== 'recommended') return s;
      const key = pairKey(s.patch, advisoryId);
      const here = persistedHere.has(`${deviceId}\u0000${key}`);
      return here || (persisted.has(key) && !closed.has(key)) ? { ...s, state: 'ineffective' } : s;
    });
  });
}

/** The devices' installed patches and inventory times, as fix states need them. */
export function deviceFixFacts(
  devices: readonly {
    readonly id: string;
    readonly inventory: {
      readonly installed: readonly { name: string; version: string; installedAt: string }[];
    };
  }[],
  collectedAt: ReadonlyMap<string, string>,
): Map<string, DeviceFixFacts> {
  return new Map(
    devices.map((d) => [
      d.id,
      {
        installed: new Map(
          d.inventory.installed.map((p) => [`${p.name}@${p.version}`, p.installedAt]),
        ),
        collectedAt: collectedAt.get(d.id) || undefined,
      },
    ]),
  );
}
