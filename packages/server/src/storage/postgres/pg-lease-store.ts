import type { LeaseFence, LeaseRecord, LeaseStore } from '../lease-store.js';
import type { PgDb } from './pg-db.js';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: string;
}

/**
 * The fencing condition of a write under a lease (ADR 0014), for a WHERE clause whose parameters
 * $n and $n+1 come from `fenceParams` (no fence: NULL, and the condition holds). It locks the
 * lease row (FOR SHARE) until the transaction ends, so a takeover, which updates that row, waits
 * for the write to commit, or the write sees the new token and changes nothing.
 */
export function fenceClause(n: number): string {
  return `($${n}::text IS NULL OR EXISTS (SELECT 1 FROM leases WHERE name = $${n} AND token = $${n + 1} FOR SHARE))`;
}

export function fenceParams(fence: LeaseFence | undefined): [string | null, number | null] {
  return fence === undefined ? [null, null] : [fence.lease, fence.token];
}

/** The lease table on PostgreSQL. Taking a lease is one upsert, so racing nodes serialise on it. */
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
}

function toLease(row: LeaseRow): LeaseRecord {
  return { name: row.name, holder: row.holder, token: row.token, expiresAt: row.expires_at };
}
