/**
 * Findings per device: the device's stored inventory matched against the imported advisories.
 * Recomputed when the device sends a new inventory and, for every device, when an import
 * commits. A finding that no longer matches is closed at that time; when a new inventory closed
 * it, naming the last installed patch that claims the fix, if any. Recomputations of one device never overlap.
 */
import { kevFor, matchEcosystemOf, matchTargets, packageKey, targetsOf } from '@patchcast/core';
import type { MatchTarget, VulnFinding } from '@patchcast/core';
import type { PackageInventory } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { FindingChanges, PersistedFix } from '../../storage/vuln-store.js';
import type { VulnContextCache } from './vuln-context.js';
import { fixCloses } from './patch-fixes.js';
import { findingKev } from '../webhooks/webhook-events.js';
import type { PatchFix, PatchFixes } from './patch-fixes.js';

/** Devices an import recomputes at once. */
const RECOMPUTE_LANES = 16;

export interface FindingsDeps {
  readonly store: Store;
  readonly context: VulnContextCache;
  readonly fixes: Pick<PatchFixes, 'all'>;
  readonly now: () => Date;
}

/** A device's inventory as stored: the one just stored is passed in rather than read again. */
export interface StoredInventory {
  readonly collectedAt: string;
  readonly inventory: PackageInventory;
  /** `targetsOf(inventory).targets`, when already computed. */
  readonly targets?: readonly MatchTarget[];
}

interface Claims {
  readonly installed: ReadonlyMap<string, string>;
  readonly fixes: readonly PatchFix[];
}

export function findingKey(f: VulnFinding): string {
  return [f.advisoryId, f.ecosystem, f.package].join('\u0000');
}

/** The package (core `packageKey`) whose index entry a finding came from. */
function findingPackage(f: VulnFinding): string | undefined {
  const ecosystem = matchEcosystemOf(f.ecosystem);
  return ecosystem === undefined ? undefined : packageKey(ecosystem, f.package);
}

/** The installed patch that claims the fix, the last installed when several do. */
function closingPatch(
  finding: VulnFinding,
  installed: ReadonlyMap<string, string>,
  fixes: readonly PatchFix[],
): string | null {
  let best: { patch: string; at: number } | undefined;
  for (const fix of fixes) {
    const at = Date.parse(installed.get(fix.patch) ?? '');
    if (Number.isNaN(at) || !fixCloses(fix, finding)) continue;
    if (best === undefined || at > best.at) best = { patch: fix.patch, at };
  }
  return best?.patch ?? null;
}

export class FindingsService {
  readonly #deps: FindingsDeps;
  readonly #chains = new Map<string, Promise<void>>();

  constructor(deps: FindingsDeps) {
    this.#deps = deps;
  }

  /**
   * Recomputes one device, after any recomputation of it already running. `newInventory` says
   * why: only a new inventory can show that an installed patch removed a version, so a finding
   * that an import closes (the advisory changed) names no patch.
   */
  recompute(
    deviceId: string,
    newInventory = true,
    scope?: ReadonlySet<string>,
    stored?: StoredInventory,
  ): Promise<void> {
    const previous = this.#chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(() => this.#recompute(deviceId, newInventory, scope, stored));
    const settled = next.catch(() => undefined);
    this.#chains.set(deviceId, settled);
    void settled.then(() => {
      if (this.#chains.get(deviceId) === settled) this.#chains.delete(deviceId);
    });
    return next;
  }

  async recomputeAll(): Promise<number> {
    const ids = await this.#deps.store.vulns.inventoryDevices();
    for (const id of ids) await this.recompute(id, false);
    return ids.length;
  }

  /**
   * Recomputes, after an import, the findings of the packages in `packages` (core `packageKey`)
   * on the devices that hold them; the devices' other findings cannot change. The result is the
   * full recomputation's as long as every device's findings matched the generation before.
   */
  async recomputePackages(packages: ReadonlySet<string>): Promise<number> {
    if (packages.size === 0) return 0;
    const ids = await this.#deps.store.vulns.devicesHolding([...packages]);
    // A few devices at a time: their store calls share the SQLite store's commits (ADR 0038).
    let next = 0;
    const lane = async () => {
      while (next < ids.length) await this.recompute(ids[next++] ?? '', false, packages);
    };
    await Promise.all(Array.from({ length: Math.min(RECOMPUTE_LANES, ids.length) }, lane));
    return ids.length;
  }

  async #recompute(
    deviceId: string,
    newInventory: boolean,
    scope: ReadonlySet<string> | undefined,
    given: StoredInventory | undefined,
  ): Promise<void> {
    const { store } = this.#deps;
    const stored = given ?? (await this.#stored(deviceId));
    if (stored === undefined) return;
    const context = await this.#deps.context.current();
    const { inventory } = stored;
    const inScope = (key: string | undefined) =>
      scope === undefined || (key !== undefined && scope.has(key));
    const targets = (stored.targets ?? targetsOf(inventory).targets).filter((t) =>
      inScope(packageKey(t.ecosystem, t.name)),
    );
    const matched = matchTargets(targets, context.index).findings;
    const current = new Map(matched.map((f) => [findingKey(f), f]));
    const open = (await store.vulns.findings({ deviceId, state: 'open' })).filter((f) =>
      inScope(findingPackage(JSON.parse(f.json) as VulnFinding)),
    );
    const openJson = new Map(open.map((f) => [f.key, f.json]));
    // Only a new inventory shows what installed patches did (an import changes the advisories);
    // they matter only for a finding still open or one closing.
    const closing = open.some((f) => !current.has(f.key));
    const claims =
      newInventory && (current.size > 0 || closing) ? await this.#claims(deviceId) : undefined;
    const at = this.#deps.now().toISOString();
    const changes: FindingChanges = {
      events: [...current]
        .filter(([key]) => !openJson.has(key))
        .flatMap(([, f]) => {
          const kev = kevFor(f.cves, context.kev);
          return kev === undefined ? [] : [findingKev(deviceId, f, kev, at)];
        }),
      open: [...current]
        .map(([key, f]) => ({ key, advisoryId: f.advisoryId, json: JSON.stringify(f) }))
        .filter((f) => openJson.get(f.key) !== f.json),
      close: open
        .filter((f) => !current.has(f.key))
        .map((f) => ({
          key: f.key,
          closedBy:
            claims === undefined
              ? null
              : closingPatch(JSON.parse(f.json) as VulnFinding, claims.installed, claims.fixes),
        })),
    };
    if (claims !== undefined)
      await this.#recordPersisted(deviceId, [...current.values()], claims, stored.collectedAt, at);
    if (changes.open.length + changes.close.length === 0) return;
    await store.vulns.applyFindings(deviceId, changes, at);
  }

  async #stored(deviceId: string): Promise<StoredInventory | undefined> {
    const record = await this.#deps.store.vulns.getInventory(deviceId);
    if (record === undefined) return undefined;
    const inventory = JSON.parse(record.json) as PackageInventory;
    return { collectedAt: record.collectedAt, inventory };
  }

  /** The device's installed patches (`name@version` → installedAt) and the published claims. */
  async #claims(deviceId: string): Promise<Claims> {
    const device = await this.#deps.store.getDevice(deviceId);
    const installed = new Map(
      (device?.inventory.installed ?? []).map((p) => [`${p.name}@${p.version}`, p.installedAt]),
    );
    return { installed, fixes: installed.size === 0 ? [] : await this.#deps.fixes.all() };
  }

  /**
   * Records the claiming patches that were installed before this inventory was collected while
   * it still holds an affected version (ADR 0019): kept, so a rollback does not erase the evidence.
   */
  async #recordPersisted(
    deviceId: string,
    still: readonly VulnFinding[],
    claims: Claims,
    collectedAt: string,
    at: string,
  ): Promise<void> {
    const collected = Date.parse(collectedAt);
    const rows = new Map<string, PersistedFix>();
    for (const finding of still) {
      for (const fix of claims.fixes) {
        const installedAt = Date.parse(claims.installed.get(fix.patch) ?? '');
        if (!(installedAt <= collected) || !fixCloses(fix, finding)) continue;
        const row = { deviceId, patch: fix.patch, advisoryId: finding.advisoryId, at };
        rows.set(`${row.patch}\u0000${row.advisoryId}`, row);
      }
    }
    if (rows.size > 0) await this.#deps.store.vulns.recordPersistedFixes([...rows.values()]);
  }
}
