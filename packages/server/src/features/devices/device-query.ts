/**
 * The device list's search and paging (`GET /api/v1/devices?q=&label=&offset=&limit=`): the
 * matches sorted by name, and the one page asked for. Only that page is turned into views (online
 * state, reboot flags, recorded installs), so a page of 50 out of 100,000 stays cheap.
 */
import type { DevicesQuery } from '@patchcast/protocol';
import type { DeviceRecord } from '../../storage/store.js';

export const DEFAULT_PAGE = 50;

function matcher(query: DevicesQuery): (device: DeviceRecord) => boolean {
  const q = query.q?.trim().toLowerCase() ?? '';
  const eq = query.label?.indexOf('=') ?? -1;
  const key = eq < 0 ? undefined : query.label?.slice(0, eq);
  const value = eq < 0 ? undefined : query.label?.slice(eq + 1);
  return (device) =>
    (q === '' || device.name.toLowerCase().includes(q) || device.id.toLowerCase().includes(q)) &&
    (key === undefined || device.labels[key] === value);
}

/** Whether the caller asked for a page (otherwise the whole list, as before the query). */
export function isPaged(query: DevicesQuery): boolean {
  return Object.values(query).some((v) => v !== undefined);
}

export function devicePage(
  devices: readonly DeviceRecord[],
  query: DevicesQuery,
): { page: DeviceRecord[]; total: number } {
  if (!isPaged(query)) return { page: [...devices], total: devices.length };
  const matches = devices.filter(matcher(query));
  matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  const offset = query.offset ?? 0;
  return {
    page: matches.slice(offset, offset + (query.limit ?? DEFAULT_PAGE)),
    total: matches.length,
  };
}
