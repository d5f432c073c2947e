/**
 * The package index: which devices hold which packages (core `packageKey`), from each device's
 * last indexed inventory. An import recomputes only the devices that hold a package its changed
 * advisories name (VulnStore.devicesHolding).
 */
import { chunks, valuesList } from './sql-db.js';
import type { SqlQueries } from './sql-db.js';

/**
 * Replaces a device's rows with `packages`, or without them forgets its index (it then counts as
 * unindexed); call inside the inventory's transaction.
 */
export async function writePackageIndex(
  tx: SqlQueries,
  deviceId: string,
  packages: readonly string[] | undefined,
): Promise<void> {
  const { dialect } = tx;
  const row = await tx.one<{ keys: string }>(
    `SELECT package_keys AS keys FROM vuln_package_sets WHERE device_id = $1${dialect.forUpdate}`,
    [deviceId],
  );
  const before = new Set(row === undefined ? [] : (JSON.parse(row.keys) as string[]));
  const after = new Set((packages ?? []).map((key) => dialect.toKey(key)));
  const removed = [...before].filter((key) => !after.has(key));
  const added = [...after].filter((key) => !before.has(key));
  for (const keys of chunks(removed))
    await tx.run(
      `DELETE FROM vuln_package_devices
       WHERE device_id = $1 AND ${dialect.inList('package_key', '$2', 'text')}`,
      [deviceId, dialect.list(keys)],
    );
  for (const keys of chunks(added))
    await tx.run(
      `INSERT INTO vuln_package_devices (package_key, device_id)
       VALUES ${valuesList(keys.length, 2)} ON CONFLICT DO NOTHING`,
      keys.flatMap((key) => [key, deviceId]),
    );
  if (packages === undefined)
    await tx.run('DELETE FROM vuln_package_sets WHERE device_id = $1', [deviceId]);
  else
    await tx.run(
      `INSERT INTO vuln_package_sets (device_id, package_keys) VALUES ($1, $2)
       ON CONFLICT (device_id) DO UPDATE SET package_keys = excluded.package_keys`,
      [deviceId, JSON.stringify([...after])],
    );
}

export async function devicesHolding(
  q: SqlQueries,
  packages: readonly string[],
): Promise<string[]> {
  const { dialect } = q;
  const rows = await q.rows<{ id: string }>(
    `SELECT device_id AS id FROM vuln_package_devices
     WHERE ${dialect.inList('package_key', '$1', 'text')}
     UNION
     SELECT i.device_id AS id FROM vuln_inventories i
     WHERE NOT EXISTS (SELECT 1 FROM vuln_package_sets s WHERE s.device_id = i.device_id)
     ORDER BY id`,
    [dialect.list(packages.map((key) => dialect.toKey(key)))],
  );
  return rows.map((r) => r.id);
}
