/** Settings, API and enrollment tokens, and devices: the SQLite half of the identity tables. */
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
import { insertPending } from './sqlite-log-store.js';
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
import { settle } from './sqlite-sql.js';
import type { SqliteSql } from './sqlite-sql.js';
import type { IdentityPart } from '../store-parts.js';

export class SqliteIdentity implements IdentityPart {
  readonly #q: SqliteSql;

  constructor(q: SqliteSql) {
    this.#q = q;
  }

  getSetting(key: string): Promise<string | undefined> {
    return settle(() => {
      return this.#q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value;
    });
  }

  initSetting(key: string, value: string): Promise<string> {
    return settle(() => {
      this.#q.run('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)', key, value);
      return (
        this.#q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value ??
        value
      );
    });
  }

  createApiToken(t: ApiTokenRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return settle(() => {
      this.#q.db.transaction(() => {
        this.#q.run(
          `INSERT INTO api_tokens (${API_TOKEN_COLUMNS}) VALUES (${'?, '.repeat(8)}?)`,
          ...apiTokenValues(t),
        );
        insertPending(this.#q.db, logged);
      })();
    });
  }

  findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<ApiTokenRow>('SELECT * FROM api_tokens WHERE hash = ?', hash);
      return row && toApiToken(row);
    });
  }

  listApiTokens(): Promise<ApiTokenRecord[]> {
    return settle(() =>
      this.#q.all<ApiTokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id').map(toApiToken),
    );
  }

  revokeApiToken(
    id: string,
    at: string,
    logged: LoggedOf<ApiTokenRecord> = () => [],
  ): Promise<ApiTokenRecord | undefined> {
    return settle(() =>
      this.#q.db.transaction(() => {
        this.#q.run(
          'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
          at,
          id,
        );
        const row = this.#q.get<ApiTokenRow>('SELECT * FROM api_tokens WHERE id = ?', id);
        const token = row && toApiToken(row);
        if (token !== undefined) insertPending(this.#q.db, logged(token));
        return token;
      })(),
    );
  }

  createEnrollToken(t: EnrollTokenRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return settle(() => {
      this.#q.db.transaction(() => {
        this.#q.run(
          `INSERT INTO enroll_tokens (id, hash, created_by, created_at, expires_at, replaces, labels)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
          t.id,
          t.hash,
          t.createdBy,
          t.createdAt,
          t.expiresAt,
          t.replaces ?? null,
          JSON.stringify(t.labels ?? {}),
        );
        insertPending(this.#q.db, logged);
      })();
    });
  }

  findEnrollToken(hash: string): Promise<EnrollTokenRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<EnrollTokenRow>('SELECT * FROM enroll_tokens WHERE hash = ?', hash);
      return row && toEnrollToken(row);
    });
  }

  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult> {
    return settle(() => {
      const consume = this.#q.db.transaction((): ConsumeResult => {
        const row = this.#q.get<Pick<EnrollTokenRow, 'expires_at' | 'used_at' | 'revoked_at'>>(
          'SELECT expires_at, used_at, revoked_at FROM enroll_tokens WHERE hash = ?',
          hash,
        );
        if (row === undefined) return 'unknown';
        if (row.revoked_at !== null) return 'revoked';
        if (row.used_at !== null) return 'used';
        if (Date.parse(row.expires_at) <= Date.parse(now)) return 'expired';
        this.#q.run('UPDATE enroll_tokens SET used_at = ? WHERE hash = ?', now, hash);
        return 'ok';
      });
      return consume.immediate();
    });
  }

  listEnrollTokens(): Promise<EnrollTokenRecord[]> {
    return settle(() =>
      this.#q
        .all<EnrollTokenRow>('SELECT * FROM enroll_tokens ORDER BY created_at, id')
        .map(toEnrollToken),
    );
  }

  revokeEnrollToken(
    id: string,
    at: string,
    logged: LoggedOf<EnrollTokenRecord> = () => [],
  ): Promise<EnrollTokenRecord | undefined> {
    return settle(() =>
      this.#q.db.transaction(() => {
        this.#q.run(
          'UPDATE enroll_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
          at,
          id,
        );
        const row = this.#q.get<EnrollTokenRow>('SELECT * FROM enroll_tokens WHERE id = ?', id);
        const token = row && toEnrollToken(row);
        if (token !== undefined) insertPending(this.#q.db, logged(token));
        return token;
      })(),
    );
  }

  createDevice(d: DeviceRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return settle(() => {
      this.#q.db.transaction(() => {
        this.#q.run(
          `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES (${'?, '.repeat(7)}?)`,
          ...deviceValues(d),
        );
        insertPending(this.#q.db, logged);
      })();
    });
  }

  getDevice(id: string): Promise<DeviceRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', id);
      return row && toDevice(row);
    });
  }

  findDeviceByKey(publicKey: string): Promise<DeviceRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<DeviceRow>('SELECT * FROM devices WHERE public_key = ?', publicKey);
      return row && toDevice(row);
    });
  }

  updateDevice(
    id: string,
    change: DeviceChange,
    logged: DeviceLogged = () => [],
  ): Promise<DeviceRecord | undefined> {
    return settle(() => {
      const update = this.#q.db.transaction((): DeviceRecord | undefined => {
        const row = this.#q.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', id);
        if (row === undefined) return undefined;
        const before = toDevice(row);
        const next = changedDevice(before, change);
        this.#q.run(
          `UPDATE devices SET name = ?, public_key = ?, labels = ?, inventory = ?,
           last_timestamp_version = ?, revoked_at = ?, removed_at = ? WHERE id = ?`,
          next.name,
          next.publicKey,
          JSON.stringify(next.labels),
          JSON.stringify(next.inventory),
          next.lastTimestampVersion,
          next.revokedAt ?? null,
          next.removedAt ?? null,
          id,
        );
        insertPending(this.#q.db, logged(before, next));
        return next;
      });
      return update.immediate();
    });
  }

  listDevices(): Promise<DeviceRecord[]> {
    return settle(() => {
      return this.#q
        .all<DeviceRow>('SELECT * FROM devices WHERE removed_at IS NULL ORDER BY enrolled_at, id')
        .map(toDevice);
    });
  }

  touchDevice(id: string, at: string, update: Parameters<Store['touchDevice']>[2]): Promise<void> {
    return settle(() => {
      this.#q.run(
        `UPDATE devices SET last_seen_at = ?, inventory = COALESCE(?, inventory),
         last_timestamp_version = MAX(last_timestamp_version, COALESCE(?, 0)) WHERE id = ?`,
        at,
        update.inventory === undefined ? null : JSON.stringify(update.inventory),
        update.lastTimestampVersion ?? null,
        id,
      );
    });
  }
}
