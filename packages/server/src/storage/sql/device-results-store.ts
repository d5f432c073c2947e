/** The install in force per device and patch, and each device's results, on the query port. */
import { toDeviceResult, toInstalled } from '../device-results-store.js';
import type {
  DeviceResultRecord,
  DeviceResultRow,
  DeviceResultsStore,
  InstalledRecord,
  InstalledRow,
} from '../device-results-store.js';
import type { SqlQueries } from './sql-db.js';

/** The installs in force (the newest installed of each device and patch) that match `filter`. */
export function installedSql(filter: string): string {
  return `SELECT a.device_id, r.name, r.version, a.rollout_id, a.installed_seq
    FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
    WHERE a.state = 'installed' AND a.installed_seq IS NOT NULL AND ${filter}
      AND NOT EXISTS (
        SELECT 1 FROM assignments b JOIN rollouts q ON q.id = b.rollout_id
        WHERE b.device_id = a.device_id AND q.name = r.name AND b.state = 'installed'
          AND b.installed_seq > a.installed_seq)
    ORDER BY a.device_id, r.name`;
}

export class SqlDeviceResultsStore implements DeviceResultsStore {
  readonly #db: SqlQueries;

  constructor(db: SqlQueries) {
    this.#db = db;
  }

  async installed(name?: string): Promise<InstalledRecord[]> {
    const rows = await this.#db.rows<InstalledRow>(
      installedSql('(CAST($1 AS TEXT) IS NULL OR r.name = $1)'),
      [name ?? null],
    );
    return rows.map(toInstalled);
  }

  async recent(deviceId: string, limit: number): Promise<DeviceResultRecord[]> {
    const rows = await this.#db.rows<DeviceResultRow>(
      `SELECT a.rollout_id, r.name, r.version, a.state, a.error_code, a.error_message,
         a.reboot_required, a.updated_at,
         (SELECT p.timings FROM reports p
          WHERE p.rollout_id = a.rollout_id AND p.device_id = a.device_id
            AND p.timings IS NOT NULL
          ORDER BY p.at DESC LIMIT 1) AS timings
       FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
       WHERE a.device_id = $1 ORDER BY a.updated_at DESC, a.rollout_id LIMIT $2`,
      [deviceId, limit],
    );
    return rows.map(toDeviceResult);
  }

  async awaitingReboot(): Promise<string[]> {
    const rows = await this.#db.rows<{ device_id: string }>(
      `SELECT DISTINCT device_id FROM assignments
       WHERE state = 'installed' AND reboot_required = TRUE ORDER BY device_id`,
    );
    return rows.map((row) => row.device_id);
  }

  booted(deviceId: string, bootId: string): Promise<number> {
    return this.#db.run(
      `UPDATE assignments SET reboot_required = FALSE
       WHERE device_id = $1 AND reboot_required = TRUE AND reboot_boot_id <> $2`,
      [deviceId, bootId],
    );
  }
}
