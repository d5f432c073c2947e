import type { RolloutState } from '@patchcast/protocol';
import type { LeaseRecord, LeaseStore } from '../lease-store.js';
import type { PgDb } from './pg-db.js';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: string;
}

/**
 * The lease table on PostgreSQL. Taking a lease is one upsert, so racing nodes serialise on the
 * row; the fenced write locks the lease row (FOR SHARE), so a takeover cannot commit between the
 * token check and the write.
 */
export class PgLeaseStore implements LeaseStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async acquire(
    name: string,
    holder: string,
    now: string,
    expiresAt: string,
  ): Promise<LeaseRecord | undefined> {
    const row = await this.#db.one<LeaseRow>(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $4)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN leases.holder = EXCLUDED.holder THEN leases.token
                      ELSE leases.token + 1 END,
         holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= $3
       RETURNING name, holder, token, expires_at`,
      [name, holder, now, expiresAt],
    );
    return row === undefined ? undefined : toLease(row);
  }

  async release(name: string, holder: string, token: number, now: string): Promise<void> {
    await this.#db.run(
      'UPDATE leases SET expires_at = $4 WHERE name = $1 AND holder = $2 AND token = $3',
      [name, holder, token, now],
    );
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    const row = await this.#db.one<LeaseRow>('SELECT * FROM leases WHERE name = $1', [name]);
    return row === undefined ? undefined : toLease(row);
  }

  async isCurrent(name: string, token: number): Promise<boolean> {
    const row = await this.#db.one<{ token: number }>('SELECT token FROM leases WHERE name = $1', [
      name,
    ]);
    return row?.token === token;
  }

  async completeRollout(
    name: string,
    token: number,
    rolloutId: string,
    state: RolloutState,
    at: string,
  ): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE rollouts SET state = $4, completed_at = $5 WHERE id = $3 AND state = 'in-progress'
       AND EXISTS (SELECT 1 FROM leases WHERE name = $1 AND token = $2 FOR SHARE)`,
      [name, token, rolloutId, state, at],
    );
    return changed === 1;
  }
}

function toLease(row: LeaseRow): LeaseRecord {
  return { name: row.name, holder: row.holder, token: row.token, expiresAt: row.expires_at };
}
