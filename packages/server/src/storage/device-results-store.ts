/**
 * What each device did with each rollout: the assignment's state and error, the timings of its
 * latest report, and whether the installed patch needs a reboot. A read-only view of the
 * assignments and reports that `applyReport` writes.
 */
import type { DeviceState, PatchRef } from '@patchcast/protocol';

export interface DeviceResultRecord {
  readonly rolloutId: string;
  readonly patch: PatchRef;
  readonly state: DeviceState;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** The timings of the device's latest report that had any (download, install, health...). */
  readonly timings: Readonly<Record<string, number>> | null;
  /** Installed, and the bundle says the machine must be rebooted (the agent never does it). */
  readonly rebootRequired: boolean;
  readonly updatedAt: string;
}

/**
 * What the server believes is on a device's disk (ADR 0015): for one device and patch name, the
 * newest install that was not rolled back. Installs are ordered by `seq`, given when an
 * assignment becomes `installed`; a rollback confirmation moves it to `rolled-back`, so the
 * install below it is in force again, as the agent's undo put its files back.
 */
export interface InstalledRecord {
  readonly deviceId: string;
  readonly name: string;
  readonly version: string;
  /** The rollout whose install this is. */
  readonly rolloutId: string;
  /** Larger is later; unique across the store. */
  readonly seq: number;
}

export interface DeviceResultsStore {
  /** Per device and patch name, the install in force; only patch `name` if given. */
  installed(name?: string): Promise<InstalledRecord[]>;
  /** The device's assignments, most recently updated first, at most `limit`. */
  recent(deviceId: string, limit: number): Promise<DeviceResultRecord[]>;
  /** Ids of devices holding an installed patch that needs a reboot, sorted. */
  awaitingReboot(): Promise<string[]>;
  /**
   * The device's agent runs in boot `bootId`: reboot flags recorded in another boot are cleared
   * (a flag recorded without a boot id is kept). Returns how many were cleared.
   */
  booted(deviceId: string, bootId: string): Promise<number>;
}

/** The row both SQL adapters select; `reboot_required` is 0/1 in SQLite, a boolean in PostgreSQL. */
export interface DeviceResultRow {
  rollout_id: string;
  name: string;
  version: string;
  state: DeviceState;
  error_code: string | null;
  error_message: string | null;
  timings: string | null;
  reboot_required: number | boolean;
  updated_at: string;
}

export function toDeviceResult(row: DeviceResultRow): DeviceResultRecord {
  return {
    rolloutId: row.rollout_id,
    patch: { name: row.name, version: row.version },
    state: row.state,
    error:
      row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    timings: row.timings === null ? null : (JSON.parse(row.timings) as Record<string, number>),
    rebootRequired: row.state === 'installed' && Boolean(row.reboot_required),
    updatedAt: row.updated_at,
  };
}

/** The query both SQL adapters run for `installed` (placeholders differ). */
export interface InstalledRow {
  device_id: string;
  name: string;
  version: string;
  rollout_id: string;
  installed_seq: number | string;
}

export function toInstalled(row: InstalledRow): InstalledRecord {
  return {
    deviceId: row.device_id,
    name: row.name,
    version: row.version,
    rolloutId: row.rollout_id,
    seq: Number(row.installed_seq),
  };
}
