/**
 * The package index of the SQLite store: which devices hold which packages (core `packageKey`),
 * from each device's last indexed inventory. An import recomputes only the devices that hold a
 * package its changed advisories name (VulnStore.devicesHolding).
 */
import type Database from 'better-sqlite3';

/**
 * Replaces a device's rows with `packages`, or without them forgets its index (it then counts as
 * unindexed); call inside the inventory's transaction.
 */
export function writePackageIndex(
  db: Database.Database,
  deviceId: string,
  packages: readonly string[] | undefined,
): void {
  const row = db
    .prepare<[string], { keys: string }>(
      'SELECT package_keys AS keys FROM vuln_package_sets WHERE device_id = ?',
    )
    .get(deviceId);
  const before = new Set(row === undefined ? [] : (JSON.parse(row.keys) as string[]));
  const after = new Set(packages ?? []);
  const remove = db.prepare(
    'DELETE FROM vuln_package_devices WHERE package_key = ? AND device_id = ?',
  );
  for (const key of before) if (!after.has(key)) remove.run(key, deviceId);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO vuln_package_devices (package_key, device_id) VALUES (?, ?)',
  );
  for (const key of after) if (!before.has(key)) insert.run(key, deviceId);
  if (packages === undefined)
    db.prepare('DELETE FROM vuln_package_sets WHERE device_id = ?').run(deviceId);
  else
    db.prepare(
      'INSERT OR REPLACE INTO vuln_package_sets (device_id, package_keys) VALUES (?, ?)',
    ).run(deviceId, JSON.stringify([...after]));
}

export function devicesHolding(db: Database.Database, packages: readonly string[]): string[] {
  return db
    .prepare<[string], { id: string }>(
      `SELECT device_id AS id FROM vuln_package_devices
       WHERE package_key IN (SELECT value FROM json_each(?))
       UNION
       SELECT i.device_id AS id FROM vuln_inventories i
       WHERE NOT EXISTS (SELECT 1 FROM vuln_package_sets s WHERE s.device_id = i.device_id)
       ORDER BY id`,
    )
    .all(JSON.stringify(packages))
    .map((r) => r.id);
}
