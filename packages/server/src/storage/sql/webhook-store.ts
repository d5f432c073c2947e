/**
 * Webhooks' part of the Store (storage/webhook-store.ts) on the query port. Several nodes poll
 * one outbox: on PostgreSQL a claim passes over rows another node's claim is taking (FOR UPDATE
 * SKIP LOCKED), so racing nodes take disjoint rows without waiting on each other, and the lease
 * keeps a row from a second node until it expires (a node that died mid-delivery leaves its rows
 * to the others after the lease). SQLite has one writer: a claim is one transaction.
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
import type { LoggedOf, PendingLogEntry } from '../store.js';
import type { SqlDb, SqlQueries } from './sql-db.js';
import { insertPending } from './pending.js';

/**
 * Writes the outbox rows of `events` inside the caller's transaction (the rollout engine's save,
 * the findings' apply), so the rows commit with the change they report.
 */
export async function enqueueWebhookEvents(
  tx: SqlQueries,
  events: readonly WebhookEventRecord[],
): Promise<number> {
  let written = 0;
  for (const e of events)
    written += await tx.run(
      `INSERT INTO webhook_outbox
         (webhook_id, event_id, type, body, created_at, state, attempts, next_attempt_at)
       SELECT id, $1, $2, $3, $4, 'pending', 0, $4 FROM webhooks
       WHERE ${tx.dialect.contains('events', '$5')}
       ON CONFLICT DO NOTHING`,
      [e.id, e.type, e.body, e.at, `,${e.type},`],
    );
  return written;
}

export class SqlWebhookStore implements WebhookStore {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  create(w: WebhookRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO webhooks (id, url, events, secret, allow_private, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [w.id, w.url, eventsColumn(w.events), w.secret, w.allowPrivate, w.createdAt, w.createdBy],
      );
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

  claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<OutboxClaim[]> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.rows<ClaimRow>(
        `SELECT o.webhook_id, o.event_id, o.type, o.body, o.attempts, w.url, w.secret,
           w.allow_private
         FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
         WHERE o.state = 'pending' AND o.next_attempt_at <= $1
           AND (o.lease_until IS NULL OR o.lease_until <= $1)
         ORDER BY o.next_attempt_at, o.created_at LIMIT $2${tx.dialect.skipLocked('o')}`,
        [now, limit],
      );
      for (const r of rows) {
        await tx.run(
          `UPDATE webhook_outbox SET lease_holder = $1, lease_until = $2
           WHERE webhook_id = $3 AND event_id = $4`,
          [holder, leaseUntil, r.webhook_id, r.event_id],
        );
      }
      return rows.map(toClaim);
    });
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
        `INSERT INTO webhook_attempts
           (webhook_id, event_id, attempt, at, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
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

  deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.rows<OutboxRow>(
        `SELECT event_id, type, state, created_at, attempts, next_attempt_at FROM webhook_outbox
         WHERE webhook_id = $1 ORDER BY created_at DESC, event_id DESC LIMIT $2`,
        [webhookId, limit],
      );
      const attempts = await tx.rows<AttemptRow>(
        `SELECT event_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
         WHERE webhook_id = $1 AND ${tx.dialect.inList('event_id', '$2', 'text')}`,
        [webhookId, tx.dialect.list(rows.map((r) => r.event_id))],
      );
      return toDeliveries(rows, attempts);
    });
  }

  prune(before: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `DELETE FROM webhook_attempts WHERE (webhook_id, event_id) IN (
           SELECT webhook_id, event_id FROM webhook_outbox
           WHERE state <> 'pending' AND created_at < $1)`,
        [before],
      );
      return tx.run("DELETE FROM webhook_outbox WHERE state <> 'pending' AND created_at < $1", [
        before,
      ]);
    });
  }
}
