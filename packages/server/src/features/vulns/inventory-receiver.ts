/**
 * Receives package inventory updates from agents (docs/protocol/inventory.md §4): collects the
 * parts of one update, applies it to the stored inventory (or to nothing, for a full one),
 * checks the result and its digest, and stores it. Anything wrong answers `inventory-resync`.
 */
import { PatchcastError, packageKey, targetsOf } from '@patchcast/core';
import type { MatchTarget } from '@patchcast/core';
import {
  INVENTORY_LIMITS,
  applyInventoryDiff,
  inventoryDigest,
  parseInventoryUpdatePart,
  parsePackageInventory,
} from '@patchcast/protocol';
import type { InventoryUpdatePart, PackageInventory, ServerMessage } from '@patchcast/protocol';
import type { VulnStore } from '../../storage/vuln-store.js';
import { platformOf } from './fleet-platforms.js';
import type { StoredInventory } from './findings-service.js';

/** The packages (core `packageKey`) the inventory's match targets are looked up under. */
function packageKeysOf(targets: readonly MatchTarget[]): string[] {
  return [...new Set(targets.map((t) => packageKey(t.ecosystem, t.name)))];
}

interface Pending {
  readonly first: InventoryUpdatePart;
  readonly parts: Map<number, InventoryUpdatePart>;
  entries: number;
}

const MAX_ENTRIES =
  INVENTORY_LIMITS.dpkg + INVENTORY_LIMITS.rpm + INVENTORY_LIMITS.npm + INVENTORY_LIMITS.pypi;

function invalid(message: string): PatchcastError {
  return new PatchcastError('INVENTORY_INVALID', message, {
    hint: 'the agent sends its full inventory again',
  });
}

function sizeOf(part: InventoryUpdatePart): number {
  const { add, remove } = part;
  const optional = [add.rpm, remove.rpm, add.pypi, remove.pypi].reduce(
    (n, list) => n + (list?.length ?? 0),
    0,
  );
  return add.dpkg.length + add.npm.length + remove.dpkg.length + remove.npm.length + optional;
}

function sameUpdate(a: InventoryUpdatePart, b: InventoryUpdatePart): boolean {
  return a.base === b.base && a.digest === b.digest && a.parts === b.parts;
}

function merged(pending: Pending): InventoryUpdatePart {
  const parts = [...pending.parts.values()].sort((a, b) => a.part - b.part);
  return {
    ...pending.first,
    add: {
      dpkg: parts.flatMap((p) => p.add.dpkg),
      rpm: parts.flatMap((p) => p.add.rpm ?? []),
      npm: parts.flatMap((p) => p.add.npm),
      pypi: parts.flatMap((p) => p.add.pypi ?? []),
    },
    remove: {
      dpkg: parts.flatMap((p) => p.remove.dpkg),
      rpm: parts.flatMap((p) => p.remove.rpm ?? []),
      pypi: parts.flatMap((p) => p.remove.pypi ?? []),
      npm: parts.flatMap((p) => p.remove.npm),
    },
  };
}

export interface InventoryReceiverDeps {
  readonly store: VulnStore;
  readonly now: () => Date;
  /** Called after a device's inventory changed, with the inventory stored. */
  readonly changed: (deviceId: string, stored: StoredInventory) => Promise<void>;
}

export class InventoryReceiver {
  readonly #deps: InventoryReceiverDeps;
  /** At most one update in flight per device: a new update id replaces an unfinished one. */
  readonly #pending = new Map<string, Pending>();

  constructor(deps: InventoryReceiverDeps) {
    this.#deps = deps;
  }

  readonly #chains = new Map<string, Promise<unknown>>();

  /** Handles one `package-inventory` frame; returns the answer to send, if any. Frames of one device are handled in order. */
  receive(deviceId: string, update: unknown): Promise<ServerMessage | undefined> {
    const previous = this.#chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(() => this.#receive(deviceId, update));
    const settled = next.catch(() => undefined);
    this.#chains.set(deviceId, settled);
    void settled.then(() => {
      if (this.#chains.get(deviceId) === settled) this.#chains.delete(deviceId);
    });
    return next;
  }

  async #receive(deviceId: string, update: unknown): Promise<ServerMessage | undefined> {
    const updateId = (update as { updateId?: unknown } | null)?.updateId;
    try {
      const part = parseInventoryUpdatePart(update);
      const complete = this.#collect(deviceId, part);
      if (complete === undefined) return undefined;
      const digest = await this.#apply(deviceId, complete);
      return { type: 'inventory-ack', updateId: part.updateId, digest };
    } catch (error) {
      if (!(error instanceof PatchcastError)) throw error;
      this.#pending.delete(deviceId);
      return {
        type: 'inventory-resync',
        updateId: typeof updateId === 'string' ? updateId.slice(0, 64) : '',
        code: error.code,
        message: error.message,
      };
    }
  }

  #collect(deviceId: string, part: InventoryUpdatePart): InventoryUpdatePart | undefined {
    let pending = this.#pending.get(deviceId);
    if (pending === undefined || pending.first.updateId !== part.updateId) {
      pending = { first: part, parts: new Map(), entries: 0 };
      this.#pending.set(deviceId, pending);
    }
    if (!sameUpdate(pending.first, part))
      throw invalid(`inventory update ${part.updateId}: parts disagree on base, digest or count`);
    if (pending.parts.has(part.part))
      throw invalid(`inventory update ${part.updateId}: part ${part.part} sent twice`);
    pending.entries += sizeOf(part);
    if (pending.entries > MAX_ENTRIES)
      throw invalid(`inventory update ${part.updateId}: more than ${MAX_ENTRIES} entries`);
    pending.parts.set(part.part, part);
    if (pending.parts.size < part.parts) return undefined;
    this.#pending.delete(deviceId);
    return merged(pending);
  }

  async #base(
    deviceId: string,
    update: InventoryUpdatePart,
  ): Promise<PackageInventory | undefined> {
    if (update.base === null) return undefined;
    const stored = await this.#deps.store.getInventory(deviceId);
    if (stored?.digest !== update.base) {
      throw new PatchcastError(
        'CONFLICT',
        `inventory update ${update.updateId} is a diff from ${update.base.slice(0, 12)}, which the server does not have`,
        { hint: 'the agent sends its full inventory' },
      );
    }
    return JSON.parse(stored.json) as PackageInventory;
  }

  async #apply(deviceId: string, update: InventoryUpdatePart): Promise<string> {
    const base = await this.#base(deviceId, update);
    let inventory: PackageInventory;
    try {
      inventory = parsePackageInventory(applyInventoryDiff(base, update.head, update));
    } catch (error) {
      throw invalid(`inventory update ${update.updateId}: ${(error as Error).message}`);
    }
    const digest = inventoryDigest(inventory);
    if (digest !== update.digest)
      throw invalid(`inventory update ${update.updateId}: the result does not have its digest`);
    const { targets } = targetsOf(inventory);
    await this.#deps.store.putInventory(
      {
        deviceId,
        digest,
        json: JSON.stringify(inventory),
        receivedAt: this.#deps.now().toISOString(),
        collectedAt: inventory.collectedAt,
        platform: JSON.stringify(platformOf(inventory)),
      },
      packageKeysOf(targets),
    );
    await this.#deps.changed(deviceId, { collectedAt: inventory.collectedAt, inventory, targets });
    return digest;
  }
}
