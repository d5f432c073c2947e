/**
 * What coverage and fix outcomes read of each device's inventory without its entries: the
 * platform (os-release and entry counts) and when the agent collected it, stored beside it.
 */
import type { FleetPlatform } from '@patchcast/core';
import type { PackageInventory } from '@patchcast/protocol';
import type { InventorySummary } from '../../storage/vuln-store.js';

export function platformOf(inventory: PackageInventory): FleetPlatform {
  const { os, dpkg, npm, rpm, pypi } = inventory;
  return {
    os,
    dpkg: dpkg.length,
    npm: npm.length,
    ...(rpm === undefined ? {} : { rpm: rpm.length }),
    ...(pypi === undefined ? {} : { pypi: pypi.length }),
  };
}

/** The platforms of the stored inventories (a summary stored before platforms is skipped). */
export function fleetPlatforms(summaries: readonly InventorySummary[]): FleetPlatform[] {
  return summaries.flatMap((s) => {
    const p = JSON.parse(s.platform) as Partial<FleetPlatform>;
    if (p.os === undefined) return [];
    return [{ os: p.os, dpkg: p.dpkg ?? 0, npm: p.npm ?? 0, rpm: p.rpm ?? 0, pypi: p.pypi ?? 0 }];
  });
}
