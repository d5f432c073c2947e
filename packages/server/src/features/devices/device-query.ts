/**
 * The device list's search and paging (`GET /api/v1/devices?q=&label=&offset=&limit=`), done by
 * the store (storage/device-page-store.ts): the matches sorted by name, the one page asked for,
 * and that page's installs and reboot flags, so a page of 50 out of 100,000 stays cheap. Without
 * any of the parameters every device is listed, as before the query existed.
 */
import type { DevicesQuery } from '@patchcast/protocol';
import type { DeviceRecord, Store } from '../../storage/store.js';
import type { DevicePageQuery } from '../../storage/device-page-store.js';
import type { InstalledRecord } from '../../storage/device-results-store.js';

export const DEFAULT_PAGE = 50;

/** Whether the caller asked for a page (otherwise the whole list, as before the query). */
export function isPaged(query: DevicesQuery): boolean {
  return Object.values(query).some((v) => v !== undefined);
}

export function pageQuery(query: DevicesQuery): DevicePageQuery {
  const eq = query.label?.indexOf('=') ?? -1;
  return {
    text: query.q,
    label:
      query.label === undefined || eq < 0
        ? undefined
        : { key: query.label.slice(0, eq), value: query.label.slice(eq + 1) },
    offset: query.offset ?? 0,
    limit: query.limit ?? DEFAULT_PAGE,
  };
}

export interface ListedDevices {
  readonly page: readonly DeviceRecord[];
  readonly total: number;
  readonly installed: readonly InstalledRecord[];
  readonly awaitingReboot: readonly string[];
}

/** The devices the query asks for, with their installs in force and reboot flags. */
export async function listDevicePage(store: Store, query: DevicesQuery): Promise<ListedDevices> {
  if (!isPaged(query)) {
    const [all, installed, awaitingReboot] = await Promise.all([
      store.listDevices(),
      store.deviceResults.installed(),
      store.deviceResults.awaitingReboot(),
    ]);
    return { page: all, total: all.length, installed, awaitingReboot };
  }
  const { devices, total } = await store.devicePages.page(pageQuery(query));
  const ids = devices.map((d) => d.id);
  const [installed, awaitingReboot] = await Promise.all([
    store.devicePages.installedOf(ids),
    store.devicePages.awaitingRebootOf(ids),
  ]);
  return { page: devices, total, installed, awaitingReboot };
}
