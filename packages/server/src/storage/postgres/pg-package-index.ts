/**
 * The package index of the PostgreSQL store: which devices hold which packages (core
 * `packageKey`), from each device's last indexed inventory (mirrors sqlite-package-index.ts).
 */
import type { PgQueries } from './pg-db.js';
import { toPgKey } from './pg-nul.js';

const stored = (keys: Iterable<string>) => [...keys].map(toPgKey);

/**
 * Replaces a device's rows with `packages`, or without them forgets its index (it then counts as
 * unindexed); call inside the inventory's transaction.
 */
export async function writePackageIndex(
  tx: PgQueries,
  deviceId: string,
  packages: readonly string[] | undefined,
): Promise<void> {
  const row = await tx.one<{ keys: string }>(
    'SELECT package_keys AS keys FROM vuln_package_sets WHERE device_id = $1 FOR UPDATE',
    [deviceId],
  );
  const before = new Set(row === undefined ? [] : (JSON.parse(row.keys) as string[]));
  const after = new Set(stored(packages ?? []));
  const removed = [...before].filter((key) => !after.has(key));
  const added = [...after].filter((key) => !before.has(key));
  if (removed.length > 0)
    await tx.run(
      'DELETE FROM vuln_package_devices WHERE device_id = $1 AND package_key = ANY($2::text[])',
      [deviceId, removed],
    );
  if (added.length > 0)
    await tx.run(
      `INSERT INTO vuln_package_devices (package_key, device_id)
       SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING`,
      [deviceId, added],
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

export async function devicesHolding(q: PgQueries, packages: readonly string[]): Promise<string[]> {
  const rows = await q.rows<{ id: string }>(
    `SELECT device_id AS id FROM vuln_package_devices WHERE package_key = ANY($1::text[])
     UNION
     SELECT i.device_id AS id FROM vuln_inventories i
     WHERE NOT EXISTS (SELECT 1 FROM vuln_package_sets s WHERE s.device_id = i.device_id)
     ORDER BY id`,
    [stored(packages)],
  );
  return rows.map((r) => r.id);
}
