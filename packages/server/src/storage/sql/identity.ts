/** Settings, API and enrollment tokens, and devices on the query port. */
import type {
  ApiTokenRecord,
  ConsumeResult,
  DeviceChange,
  DeviceLogged,
  DeviceRecord,
  EnrollTokenRecord,
  LoggedOf,
  PendingLogEntry,
  Store,
} from '../store.js';
import { insertPending } from './pending.js';
import {
  API_TOKEN_COLUMNS,
  DEVICE_COLUMNS,
  apiTokenValues,
  deviceValues,
  changedDevice,
  toApiToken,
  toDevice,
  toEnrollToken,
} from '../rows.js';
import type { ApiTokenRow, DeviceRow, EnrollTokenRow } from '../rows.js';
import type { SqlDb } from './sql-db.js';
import type { IdentityPart } from '../store-parts.js';

export class SqlIdentity implements IdentityPart {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.#db.one<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
      key,
    ]);
    return row?.value;
  }

  /** First writer wins across nodes: the insert of a losing node does nothing. */
  async initSetting(key: string, value: string): Promise<string> {
    await this.#db.run(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, value],
    );
    return (await this.getSetting(key)) ?? value;
  }

  createApiToken(t: ApiTokenRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO api_tokens (${API_TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        apiTokenValues(t),
      );
      await insertPending(tx, logged);
    });
  }

  async findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db.one<ApiTokenRow>('SELECT * FROM api_tokens WHERE hash = $1', [hash]);
    return row && toApiToken(row);
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    const rows = await this.#db.rows<ApiTokenRow>(
      'SELECT * FROM api_tokens ORDER BY created_at, id',
    );
    return rows.map(toApiToken);
  }

  revokeApiToken(
    id: string,
    at: string,
    logged: LoggedOf<ApiTokenRecord> = () => [],
  ): Promise<ApiTokenRecord | undefined> {
    return this.#db.transaction(async (tx) => {
      const row = await tx.one<ApiTokenRow>(
        `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING *`,
        [id, at],
      );
      const token = row && toApiToken(row);
      if (token !== undefined) await insertPending(tx, logged(token));
      return token;
    });
  }

  createEnrollToken(t: EnrollTokenRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO enroll_tokens (id, hash, created_by, created_at, expires_at, replaces, labels)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          t.id,
          t.hash,
          t.createdBy,
          t.createdAt,
          t.expiresAt,
          t.replaces ?? null,
          JSON.stringify(t.labels ?? {}),
        ],
      );
      await insertPending(tx, logged);
    });
  }

  async listEnrollTokens(): Promise<EnrollTokenRecord[]> {
    const rows = await this.#db.rows<EnrollTokenRow>(
      'SELECT * FROM enroll_tokens ORDER BY created_at, id',
    );
    return rows.map(toEnrollToken);
  }

  revokeEnrollToken(
    id: string,
    at: string,
    logged: LoggedOf<EnrollTokenRecord> = () => [],
  ): Promise<EnrollTokenRecord | undefined> {
    return this.#db.transaction(async (tx) => {
      const row = await tx.one<EnrollTokenRow>(
        `UPDATE enroll_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING *`,
        [id, at],
      );
      const token = row && toEnrollToken(row);
      if (token !== undefined) await insertPending(tx, logged(token));
      return token;
    });
  }

  async findEnrollToken(hash: string): Promise<EnrollTokenRecord | undefined> {
    const row = await this.#db.one<EnrollTokenRow>('SELECT * FROM enroll_tokens WHERE hash = $1', [
      hash,
    ]);
    return row && toEnrollToken(row);
  }

  /** The row lock (PostgreSQL) makes racing consumers queue; each then sees the committed used_at. */
  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult> {
    return this.#db.transaction(async (tx) => {
      const row = await tx.one<Pick<EnrollTokenRow, 'expires_at' | 'used_at' | 'revoked_at'>>(
        `SELECT expires_at, used_at, revoked_at FROM enroll_tokens WHERE hash = $1${tx.dialect.forUpdate}`,
        [hash],
      );
      if (row === undefined) return 'unknown';
      if (row.revoked_at !== null) return 'revoked';
      if (row.used_at !== null) return 'used';
      if (Date.parse(row.expires_at) <= Date.parse(now)) return 'expired';
      await tx.run('UPDATE enroll_tokens SET used_at = $1 WHERE hash = $2', [now, hash]);
      return 'ok';
    });
  }

  createDevice(d: DeviceRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        deviceValues(d),
      );
      await insertPending(tx, logged);
    });
  }

  async getDevice(id: string): Promise<DeviceRecord | undefined> {
    const row = await this.#db.one<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
    return row && toDevice(row);
  }

  async findDeviceByKey(publicKey: string): Promise<DeviceRecord | undefined> {
    const row = await this.#db.one<DeviceRow>('SELECT * FROM devices WHERE public_key = $1', [
      publicKey,
    ]);
    return row && toDevice(row);
  }

  /** The row lock makes concurrent changes of one device queue; none is lost. */
  updateDevice(
    id: string,
    change: DeviceChange,
    logged: DeviceLogged = () => [],
  ): Promise<DeviceRecord | undefined> {
    return this.#db.transaction(async (tx) => {
      const row = await tx.one<DeviceRow>(
        `SELECT * FROM devices WHERE id = $1${tx.dialect.forUpdate}`,
        [id],
      );
      if (row === undefined) return undefined;
      const before = toDevice(row);
      const next = changedDevice(before, change);
      await tx.run(
        `UPDATE devices SET name = $1, public_key = $2, labels = $3, inventory = $4,
         last_timestamp_version = $5, revoked_at = $6, removed_at = $7 WHERE id = $8`,
        [
          next.name,
          next.publicKey,
          JSON.stringify(next.labels),
          JSON.stringify(next.inventory),
          next.lastTimestampVersion,
          next.revokedAt ?? null,
          next.removedAt ?? null,
          id,
        ],
      );
      await insertPending(tx, logged(before, next));
      return next;
    });
  }

  async listDevices(): Promise<DeviceRecord[]> {
    const rows = await this.#db.rows<DeviceRow>(
      'SELECT * FROM devices WHERE removed_at IS NULL ORDER BY enrolled_at, id',
    );
    return rows.map(toDevice);
  }

  async touchDevice(
    id: string,
    at: string,
    update: Parameters<Store['touchDevice']>[2],
  ): Promise<void> {
    await this.#db.run(
      `UPDATE devices SET last_seen_at = $1, inventory = COALESCE($2, inventory),
       last_timestamp_version = CASE WHEN CAST($3 AS INTEGER) > last_timestamp_version
         THEN CAST($3 AS INTEGER) ELSE last_timestamp_version END
       WHERE id = $4`,
      [
        at,
        update.inventory === undefined ? null : JSON.stringify(update.inventory),
        update.lastTimestampVersion ?? null,
        id,
      ],
    );
  }
}
