/**
 * The device list's search and paging in the store (the console's `/devices`, `patchcast
 * devices --search`): matches by name or id substring and by one `key=value` label, sorted by
 * name then id, one page of them and how many match; and, for that page only, the installs in
 * force and the reboot flags. A page of 50 out of 100,000 devices reads 50 devices' rows.
 */
import type { DeviceRecord } from './store.js';
import type { InstalledRecord } from './device-results-store.js';

export interface DevicePageQuery {
  /** A case-insensitive substring of the name or the id; empty or absent: any. */
  readonly text?: string | undefined;
  readonly label?: { readonly key: string; readonly value: string } | undefined;
  readonly offset: number;
  readonly limit: number;
}

export interface DevicePage {
  readonly devices: DeviceRecord[];
  /** How many devices match, on every page. */
  readonly total: number;
}

export interface DevicePageStore {
  /** Devices not removed that match, sorted by name then id. */
  page(query: DevicePageQuery): Promise<DevicePage>;
  /** The installs in force (DeviceResultsStore.installed) of these devices only. */
  installedOf(deviceIds: readonly string[]): Promise<InstalledRecord[]>;
  /** Which of these devices hold an installed patch that needs a reboot, sorted. */
  awaitingRebootOf(deviceIds: readonly string[]): Promise<string[]>;
}
