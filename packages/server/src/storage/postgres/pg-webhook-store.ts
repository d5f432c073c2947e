/**
 * The PostgreSQL half of storage/webhook-store.ts. Several nodes poll one outbox: a claim leases
 * the due rows it picks with FOR UPDATE SKIP LOCKED, so racing nodes take disjoint rows without
 * waiting on each other, and the lease keeps a row from a second node until it expires (a node
 * that died mid-delivery leaves its rows to the others after the lease).
 */
import { eventsColumn, toClaim, toDeliveries, toWebhook } from '../webhook-store.js';
import type {
  AttemptRow,
  ClaimRow,
  DeliveryAttemptRecord,
  DeliveryOutcome,
  DeliveryRecord,
  OutboxClaim,
  OutboxRow,
  WebhookEventRecord,
  WebhookRecord,
  WebhookRow,
  WebhookStore,
} from '../webhook-store.js';
import type { PgDb, PgQueries } from './pg-db.js';
import type { LoggedOf, PendingLogEntry } from '../store.js';
import { insertPending } from './pg-log-store.js';

/** Writes the outbox rows of `events` in the caller's transaction (see the SQLite twin). */
export async function enqueueWebhookEvents(
  tx: PgQueries,
  events: readonly WebhookEventRecord[],
): Promise<number> {
  let written = 0;
  for (const e of events)
    written += await tx.run(
      `INSERT INTO webhook_outbox
         (webhook_id, event_id, type, body, created_at, state, attempts, next_attempt_at)
       SELECT id, $1, $2, $3, $4, 'pending', 0, $4 FROM webhooks WHERE position($5 in events) > 0
       ON CONFLICT DO NOTHING`,
      [e.id, e.type, e.body, e.at, `,${e.type},`],
    );
  return written;
}

export class PgWebhookStore implements WebhookStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  create(w: WebhookRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run('INSERT INTO webhooks VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        w.id,
        w.url,
        eventsColumn(w.events),
        w.secret,
        w.allowPrivate,
        w.createdAt,
        w.createdBy,
      ]);
      await insertPending(tx, logged);
    });
  }

  async list(): Promise<WebhookRecord[]> {
    const rows = await this.#db.rows<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id');
    return rows.map(toWebhook);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const row = await this.#db.one<WebhookRow>('SELECT * FROM webhooks WHERE id = $1', [id]);
    return row === undefined ? undefined : toWebhook(row);
  }

  remove(
    id: string,
    logged: LoggedOf<WebhookRecord> = () => [],
  ): Promise<WebhookRecord | undefined> {
    return this.#db.transaction(async (tx) => {
      const row = await tx.one<WebhookRow>('DELETE FROM webhooks WHERE id = $1 RETURNING *', [id]);
      if (row === undefined) return undefined;
      await tx.run('DELETE FROM webhook_attempts WHERE webhook_id = $1', [id]);
      await tx.run('DELETE FROM webhook_outbox WHERE webhook_id = $1', [id]);
      const removed = toWebhook(row);
      await insertPending(tx, logged(removed));
      return removed;
    });
  }

  enqueue(events: readonly WebhookEventRecord[]): Promise<number> {
    return this.#db.transaction((tx) => enqueueWebhookEvents(tx, events));
  }

  async claim(
    holder: string,
    now: string,
    leaseUntil: string,
    limit: number,
  ): Promise<OutboxClaim[]> {
    const rows = await this.#db.rows<ClaimRow>(
      `WITH due AS (
         SELECT webhook_id, event_id FROM webhook_outbox
         WHERE state = 'pending' AND next_attempt_at <= $2
           AND (lease_until IS NULL OR lease_until <= $2)
         ORDER BY next_attempt_at, created_at LIMIT $4
         FOR UPDATE SKIP LOCKED)
       UPDATE webhook_outbox o SET lease_holder = $1, lease_until = $3
       FROM due, webhooks w
       WHERE o.webhook_id = due.webhook_id AND o.event_id = due.event_id AND w.id = o.webhook_id
       RETURNING o.webhook_id, o.event_id, o.type, o.body, o.attempts, w.url, w.secret,
         w.allow_private`,
      [holder, now, leaseUntil, limit],
    );
    return rows.map(toClaim);
  }

  settle(
    claim: Pick<OutboxClaim, 'webhookId' | 'eventId'>,
    holder: string,
    attempt: DeliveryAttemptRecord,
    outcome: DeliveryOutcome,
  ): Promise<boolean> {
    const next = outcome.state === 'pending' ? outcome.nextAttemptAt : attempt.at;
    return this.#db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE webhook_outbox SET state = $1, attempts = $2, next_attempt_at = $3,
           lease_holder = NULL, lease_until = NULL
         WHERE webhook_id = $4 AND event_id = $5 AND lease_holder = $6`,
        [outcome.state, attempt.attempt, next, claim.webhookId, claim.eventId, holder],
      );
      if (changed === 0) return false;
      await tx.run(
        `INSERT INTO webhook_attempts VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING`,
        [
          claim.webhookId,
          claim.eventId,
          attempt.attempt,
          attempt.at,
          attempt.statusCode,
          attempt.error,
          attempt.durationMs,
        ],
      );
      return true;
    });
  }

  async deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.#db.rows<OutboxRow>(
      `SELECT event_id, type, state, created_at, attempts, next_attempt_at FROM webhook_outbox
       WHERE webhook_id = $1 ORDER BY created_at DESC, event_id DESC LIMIT $2`,
      [webhookId, limit],
    );
    const attempts = await this.#db.rows<AttemptRow>(
      `SELECT event_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
       WHERE webhook_id = $1 AND event_id = ANY($2::text[])`,
      [webhookId, rows.map((r) => r.event_id)],
    );
    return toDeliveries(rows, attempts);
  }

  prune(before: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `DELETE FROM webhook_attempts a USING webhook_outbox o
         WHERE a.webhook_id = o.webhook_id AND a.event_id = o.event_id
           AND o.state <> 'pending' AND o.created_at < $1`,
        [before],
      );
      return tx.run("DELETE FROM webhook_outbox WHERE state <> 'pending' AND created_at < $1", [
        before,
      ]);
    });
  }
}
