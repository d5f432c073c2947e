/** The SQLite half of storage/device-results-store.ts. */
import type Database from 'better-sqlite3';
import { installedQuery, toDeviceResult, toInstalled } from '../device-results-store.js';
import type {
  DeviceResultRecord,
  DeviceResultRow,
  DeviceResultsStore,
  InstalledRecord,
  InstalledRow,
} from '../device-results-store.js';
import { settle } from './sqlite-sql.js';

export class SqliteDeviceResultsStore implements DeviceResultsStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  installed(name?: string): Promise<InstalledRecord[]> {
    return settle(() => {
      const rows = this.#db
        .prepare(installedQuery('(@name IS NULL OR r.name = @name)'))
        .all({ name: name ?? null }) as InstalledRow[];
      return rows.map(toInstalled);
    });
  }

  recent(deviceId: string, limit: number): Promise<DeviceResultRecord[]> {
    return settle(() => {
      const rows = this.#db
        .prepare(
          `SELECT a.rollout_id, r.name, r.version, a.state, a.error_code, a.error_message,
             a.reboot_required, a.updated_at,
             (SELECT p.timings FROM reports p
              WHERE p.rollout_id = a.rollout_id AND p.device_id = a.device_id
                AND p.timings IS NOT NULL
              ORDER BY p.at DESC LIMIT 1) AS timings
           FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
           WHERE a.device_id = ? ORDER BY a.updated_at DESC, a.rollout_id LIMIT ?`,
        )
        .all(deviceId, limit) as DeviceResultRow[];
      return rows.map(toDeviceResult);
    });
  }

  awaitingReboot(): Promise<string[]> {
    return settle(() => {
      const rows = this.#db
        .prepare(
          `SELECT DISTINCT device_id FROM assignments
           WHERE state = 'installed' AND reboot_required = 1 ORDER BY device_id`,
        )
        .all() as { device_id: string }[];
      return rows.map((row) => row.device_id);
    });
  }

  booted(deviceId: string, bootId: string): Promise<number> {
    return settle(() => {
      const result = this.#db
        .prepare(
          `UPDATE assignments SET reboot_required = 0
           WHERE device_id = ? AND reboot_required = 1 AND reboot_boot_id <> ?`,
        )
        .run(deviceId, bootId);
      return result.changes;
    });
  }
}
