/**
 * Sends this endpoint's package inventory to the server (docs/protocol/inventory.md §4): the
 * full inventory until the server has acknowledged one, then diffs from the acknowledged one.
 * It syncs on every connect, after installs and periodically; the server answers `inventory-ack`
 * (the agent then keeps that inventory as its base) or `inventory-resync` (send it all again).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { inventoryDigest, inventoryUpdateParts } from '@patchcast/protocol/agent';
import type { AgentMessage, PackageInventory, ServerMessage } from '@patchcast/protocol';
import { readJsonOptional, writeFileAtomic } from '../files.js';

export interface InventorySyncDeps {
  readonly dataDir: string;
  /** Collects the inventory; `previous` is the one collected last (see CollectOptions). */
  readonly collect: (previous: PackageInventory | undefined) => Promise<PackageInventory>;
  readonly send: (message: AgentMessage) => boolean;
  readonly log: (line: string) => void;
}

interface Acknowledged {
  readonly digest: string;
  readonly inventory: PackageInventory;
}

const STATE_FILE = 'package-inventory.json';

export class PackageInventorySync {
  readonly #deps: InventorySyncDeps;
  readonly #path: string;
  #acked: Acknowledged | undefined;
  #pending:
    | { readonly updateId: string; readonly inventory: PackageInventory; readonly full: boolean }
    | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(deps: InventorySyncDeps) {
    this.#deps = deps;
    this.#path = join(deps.dataDir, STATE_FILE);
  }

  async load(): Promise<void> {
    const stored = (await readJsonOptional(this.#path).catch(() => undefined)) as
      Acknowledged | undefined;
    if (stored !== undefined && typeof stored.digest === 'string' && stored.inventory !== undefined)
      this.#acked = stored;
  }

  /** Collects and sends an update (after any sync already running). */
  sync(full = false): Promise<void> {
    this.#chain = this.#chain
      .then(() => this.#sync(full))
      .catch((error: unknown) => this.#deps.log(`inventory not sent: ${(error as Error).message}`));
    return this.#chain;
  }

  async #sync(full: boolean): Promise<void> {
    const inventory = await this.#deps.collect(this.#pending?.inventory ?? this.#acked?.inventory);
    const base = full ? undefined : this.#acked?.inventory;
    const updateId = randomUUID();
    const parts = inventoryUpdateParts({ updateId, base, next: inventory });
    this.#pending = { updateId, inventory, full: base === undefined };
    for (const update of parts) {
      if (!this.#deps.send({ type: 'package-inventory', update })) return;
    }
  }

  /** Resolves when every sync and write started so far has finished. */
  idle(): Promise<void> {
    return this.#chain;
  }

  /** Handles the server's answers; other messages are ignored. */
  onServerMessage(message: ServerMessage): void {
    if (message.type === 'inventory-ack') {
      const pending = this.#pending;
      if (pending?.updateId !== message.updateId) return;
      this.#pending = undefined;
      this.#acked = { digest: inventoryDigest(pending.inventory), inventory: pending.inventory };
      this.#chain = this.#chain
        .then(() => writeFileAtomic(this.#path, JSON.stringify(this.#acked)))
        .catch((error: unknown) =>
          this.#deps.log(`inventory base not saved: ${(error as Error).message}`),
        );
    } else if (message.type === 'inventory-resync') {
      this.#deps.log(`server asked for the full inventory: ${message.code}: ${message.message}`);
      const pending = this.#pending;
      if (pending?.updateId === message.updateId && !pending.full) void this.sync(true);
    }
  }
}
