/** The SQLite half of storage/device-certificate-store.ts. */
import type Database from 'better-sqlite3';
import {
  LATEST_SQL,
  REFUSED_SERIALS_SQL,
  toDeviceCertificate,
} from '../device-certificate-store.js';
import type {
  DeviceCertificateRecord,
  DeviceCertificateRow,
  DeviceCertificateStore,
} from '../device-certificate-store.js';
import { settle } from './sqlite-sql.js';

export class SqliteDeviceCertificates implements DeviceCertificateStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  record(c: DeviceCertificateRecord): Promise<void> {
    return settle(() => {
      this.#db
        .prepare('INSERT INTO device_certificates VALUES (?, ?, ?, ?, ?, ?)')
        .run(c.serial, c.deviceId, c.publicKey, c.issuedAt, c.notAfter, c.certificate);
    });
  }

  latest(deviceId: string, publicKey: string): Promise<DeviceCertificateRecord | undefined> {
    return settle(() => {
      const row = this.#db.prepare(LATEST_SQL).get(deviceId, publicKey);
      return row === undefined ? undefined : toDeviceCertificate(row as DeviceCertificateRow);
    });
  }

  refusedSerials(now: string): Promise<string[]> {
    return settle(() =>
      this.#db
        .prepare(REFUSED_SERIALS_SQL)
        .all(now)
        .map((row) => (row as { serial: string }).serial),
    );
  }
}
