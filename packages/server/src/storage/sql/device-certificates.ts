/** Device certificates' part of the Store (storage/device-certificate-store.ts) on the query port. */
import { toDeviceCertificate } from '../device-certificate-store.js';
import type {
  DeviceCertificateRecord,
  DeviceCertificateRow,
  DeviceCertificateStore,
} from '../device-certificate-store.js';
import type { SqlDb } from './sql-db.js';

export class SqlDeviceCertificates implements DeviceCertificateStore {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async record(c: DeviceCertificateRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO device_certificates
         (serial, device_id, public_key, issued_at, not_after, certificate)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.serial, c.deviceId, c.publicKey, c.issuedAt, c.notAfter, c.certificate],
    );
  }

  async latest(deviceId: string, publicKey: string): Promise<DeviceCertificateRecord | undefined> {
    const row = await this.#db.one<DeviceCertificateRow>(
      `SELECT * FROM device_certificates WHERE device_id = $1 AND public_key = $2
       ORDER BY issued_at DESC LIMIT 1`,
      [deviceId, publicKey],
    );
    return row === undefined ? undefined : toDeviceCertificate(row);
  }

  async refusedSerials(now: string): Promise<string[]> {
    const rows = await this.#db.rows<{ serial: string }>(
      `SELECT c.serial FROM device_certificates c LEFT JOIN devices d ON d.id = c.device_id
       WHERE c.not_after > $1 AND (d.id IS NULL OR d.revoked_at IS NOT NULL
         OR d.removed_at IS NOT NULL OR d.public_key <> c.public_key)
       ORDER BY c.serial`,
      [now],
    );
    return rows.map((row) => row.serial);
  }
}
