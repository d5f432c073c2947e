/**
 * The agent's package inventory wiring: reads `<data>/inventory.json`, syncs on every connect,
 * after installs and every `intervalSeconds`, and hands the server's answers to the sync.
 */
import type { AgentMessage, ServerMessage } from '@patchcast/protocol';
import { collectPackageInventory } from './collect.js';
import { readInventoryConfig } from './inventory-config.js';
import { PackageInventorySync } from './inventory-sync.js';

export interface InventoryAgent {
  connected(): void;
  changed(): void;
  onServerMessage(message: ServerMessage): void;
  stop(): void;
}

const DISABLED: InventoryAgent = {
  connected: () => undefined,
  changed: () => undefined,
  onServerMessage: () => undefined,
  stop: () => undefined,
};

export async function startInventorySync(deps: {
  readonly dataDir: string;
  readonly send: (message: AgentMessage) => boolean;
  readonly log: (line: string) => void;
}): Promise<InventoryAgent> {
  const config = await readInventoryConfig(deps.dataDir);
  if (!config.enabled) return DISABLED;
  const sync = new PackageInventorySync({
    dataDir: deps.dataDir,
    send: deps.send,
    log: deps.log,
    collect: async (previous) => {
      const { inventory, warnings } = await collectPackageInventory({
        ...config.collect,
        previous,
      });
      for (const w of warnings.slice(0, 5)) deps.log(`inventory: ${w.source}: ${w.reason}`);
      return inventory;
    },
  });
  await sync.load();
  let timer: NodeJS.Timeout | undefined;
  return {
    connected() {
      void sync.sync();
      if (timer === undefined) {
        timer = setInterval(() => void sync.sync(), config.intervalSeconds * 1000);
        timer.unref();
      }
    },
    changed: () => void sync.sync(),
    onServerMessage: (message) => sync.onServerMessage(message),
    stop: () => clearInterval(timer),
  };
}
