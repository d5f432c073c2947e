/** Basic inventory: what this endpoint is and which patches it has. */
import { arch, hostname, release, type } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Inventory } from '@patchcast/protocol';

/** Set by `npm run package:agent` (esbuild `define`) in a packaged build; absent in the npm build. */
declare const PATCHCAST_AGENT_BUILD_VERSION: string | undefined;

export const AGENT_VERSION: string =
  typeof PATCHCAST_AGENT_BUILD_VERSION === 'string' ? PATCHCAST_AGENT_BUILD_VERSION : '0.1.0';

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
    if (pretty !== undefined) return `${pretty} (${type()} ${release()})`;
  } catch {
    // no os-release: fall back to the kernel's name
  }
  return `${type()} ${release()}`;
}

export function collectInventory(installed: Inventory['installed']): Inventory {
  return {
    hostname: hostname(),
    os: osName(),
    arch: arch(),
    agentVersion: AGENT_VERSION,
    installed: [...installed],
  };
}
