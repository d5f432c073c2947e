/**
 * Where this agent reads its package inventory from: `<data>/inventory.json`, optional
 * (docs/protocol/inventory.md §4). Absent fields take the collectors' defaults.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { readJsonOptional } from '../files.js';
import type { CollectOptions } from './collect.js';

export interface InventoryConfig {
  readonly enabled: boolean;
  readonly collect: CollectOptions;
  /** How often to look for changes besides connects and installs (default: hourly). */
  readonly intervalSeconds: number;
}

export const INVENTORY_CONFIG_FILE = 'inventory.json';
const DEFAULT_INTERVAL_SECONDS = 3600;
const FIELDS = [
  'enabled',
  'dpkgStatus',
  'rpmRoot',
  'rpmDbPath',
  'osRelease',
  'npmLockfiles',
  'npmGlobalRoots',
  'pythonSitePackages',
  'intervalSeconds',
];

function fail(file: string, reason: string): never {
  throw new PatchcastError('CONFIG_INVALID', `${file}: ${reason}`, {
    hint: 'see docs/protocol/inventory.md §4 for the fields of inventory.json',
  });
}

function strings(value: unknown, file: string, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))
    fail(file, `${field} must be an array of paths`);
  return value as string[];
}

export async function readInventoryConfig(dataDir: string): Promise<InventoryConfig> {
  const file = join(dataDir, INVENTORY_CONFIG_FILE);
  let raw: unknown;
  try {
    raw = (await readJsonOptional(file)) ?? {};
  } catch (error) {
    fail(file, `not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(file, 'must be an object');
  const c = raw as Record<string, unknown>;
  const unknown = Object.keys(c).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) fail(file, `unknown field "${unknown}"`);
  if (c.enabled !== undefined && typeof c.enabled !== 'boolean')
    fail(file, 'enabled must be true or false');
  if (c.dpkgStatus !== undefined && (typeof c.dpkgStatus !== 'string' || c.dpkgStatus === ''))
    fail(file, 'dpkgStatus must be a path');
  for (const field of ['rpmRoot', 'rpmDbPath'] as const)
    if (c[field] !== undefined && (typeof c[field] !== 'string' || c[field] === ''))
      fail(file, `${field} must be a path`);
  const interval = c.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  if (
    typeof interval !== 'number' ||
    !Number.isInteger(interval) ||
    interval < 1 ||
    interval > 86_400 * 7
  )
    fail(file, 'intervalSeconds must be a whole number from 1 to 604800');
  return {
    enabled: c.enabled !== false,
    intervalSeconds: interval,
    collect: {
      dpkgStatusPath: c.dpkgStatus,
      rpm: { root: c.rpmRoot as string | undefined, dbPath: c.rpmDbPath as string | undefined },
      osReleasePaths: strings(c.osRelease, file, 'osRelease'),
      npmLockfiles: strings(c.npmLockfiles, file, 'npmLockfiles'),
      npmGlobalRoots: strings(c.npmGlobalRoots, file, 'npmGlobalRoots'),
      pythonSites: strings(c.pythonSitePackages, file, 'pythonSitePackages'),
    },
  };
}
