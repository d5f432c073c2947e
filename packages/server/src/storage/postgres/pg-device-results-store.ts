/** The PostgreSQL half of storage/device-results-store.ts. */
import { installedQuery, toDeviceResult, toInstalled } from '../device-results-store.js';
import type {
  DeviceResultRecord,
  DeviceResultRow,
  DeviceResultsStore,
  InstalledRecord,
  InstalledRow,
} from '../device-results-store.js';
import type { PgQueries } from './pg-db.js';

export class PgDeviceResultsStore implements DeviceResultsStore {
  readonly #db: PgQueries;

  constructor(db: PgQueries) {
    this.#db = db;
  }

  async installed(name?: string): Promise<InstalledRecord[]> {
    const rows = await this.#db.rows<InstalledRow>(
      installedQuery('($1::text IS NULL OR r.name = $1)'),
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
       WHERE state = 'installed' AND reboot_required ORDER BY device_id`,
    );
    return rows.map((row) => row.device_id);
  }

  booted(deviceId: string, bootId: string): Promise<number> {
    return this.#db.run(
      `UPDATE assignments SET reboot_required = FALSE
       WHERE device_id = $1 AND reboot_required AND reboot_boot_id <> $2`,
      [deviceId, bootId],
    );
  }
}
