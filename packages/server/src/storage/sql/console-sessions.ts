/** ConsoleSessionStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { DeviceSelector, Role } from '@patchcast/protocol';
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../console-session-store.js';
import type { SqlQueries } from './sql-db.js';

interface SessionRow {
  readonly id_hash: string;
  readonly token_hash: string;
  readonly role: Role;
  readonly devices: string | null;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly expires_at: string;
  readonly revoked_at: string | null;
}

function toSession(row: SessionRow): ConsoleSessionRecord {
  return {
    idHash: row.id_hash,
    tokenHash: row.token_hash,
    role: row.role,
    ...(row.devices === null ? {} : { devices: JSON.parse(row.devices) as DeviceSelector }),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

export class SqlConsoleSessions implements ConsoleSessionStore {
  readonly #sql: SqlQueries;

  constructor(sql: SqlQueries) {
    this.#sql = sql;
  }

  async create(s: ConsoleSessionRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO console_sessions (id_hash, token_hash, role, devices, created_at, last_seen_at,
       expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        s.idHash,
        s.tokenHash,
        s.role,
        s.devices === undefined ? null : JSON.stringify(s.devices),
        s.createdAt,
        s.lastSeenAt,
        s.expiresAt,
        s.revokedAt ?? null,
      ],
    );
  }

  async findLive(idHash: string, now: string): Promise<ConsoleSessionRecord | undefined> {
    const [row] = await this.#sql.rows<SessionRow>(
      `SELECT * FROM console_sessions
       WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [idHash, now],
    );
    return row === undefined ? undefined : toSession(row);
  }

  async touch(idHash: string, at: string): Promise<void> {
    await this.#sql.run(
      'UPDATE console_sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $3',
      [at, idHash, at],
    );
  }

  async revoke(idHash: string, at: string): Promise<void> {
    await this.#sql.run(
      'UPDATE console_sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL',
      [at, idHash],
    );
  }

  keepNewest(tokenHash: string, count: number): Promise<number> {
    return this.#sql.run(
      `DELETE FROM console_sessions WHERE token_hash = $1 AND id_hash NOT IN (
         SELECT id_hash FROM console_sessions WHERE token_hash = $2
         ORDER BY created_at DESC, id_hash DESC LIMIT $3)`,
      [tokenHash, tokenHash, count],
    );
  }

  sweep(before: string): Promise<number> {
    return this.#sql.run('DELETE FROM console_sessions WHERE expires_at < $1', [before]);
  }
}
