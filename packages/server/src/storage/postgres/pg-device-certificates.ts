/** The PostgreSQL half of storage/device-certificate-store.ts. */
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
import type { PgDb } from './pg-db.js';

export class PgDeviceCertificates implements DeviceCertificateStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async record(c: DeviceCertificateRecord): Promise<void> {
    await this.#db.run('INSERT INTO device_certificates VALUES ($1, $2, $3, $4, $5, $6)', [
      c.serial,
      c.deviceId,
      c.publicKey,
      c.issuedAt,
      c.notAfter,
      c.certificate,
    ]);
  }

  async latest(deviceId: string, publicKey: string): Promise<DeviceCertificateRecord | undefined> {
    const row = await this.#db.one<DeviceCertificateRow>(
      LATEST_SQL.replace('?', '$1').replace('?', '$2'),
      [deviceId, publicKey],
    );
    return row === undefined ? undefined : toDeviceCertificate(row);
  }

  async refusedSerials(now: string): Promise<string[]> {
    const rows = await this.#db.rows<{ serial: string }>(REFUSED_SERIALS_SQL.replace('?', '$1'), [
      now,
    ]);
    return rows.map((row) => row.serial);
  }
}
