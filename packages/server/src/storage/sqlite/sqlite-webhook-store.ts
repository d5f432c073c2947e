/** The SQLite half of storage/webhook-store.ts; one process, so a claim is one immediate transaction. */
import type Database from 'better-sqlite3';
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
import { settle } from './sqlite-sql.js';
import type { LoggedOf, PendingLogEntry } from '../store.js';
import { insertPending } from './sqlite-log-store.js';

/**
 * Writes the outbox rows of `events` on `db`, inside whatever transaction the caller runs (the
 * rollout engine's save, the findings' apply), so the rows commit with the change they report.
 */
export function enqueueWebhookEvents(
  db: Database.Database,
  events: readonly WebhookEventRecord[],
): number {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO webhook_outbox
       (webhook_id, event_id, type, body, created_at, state, attempts, next_attempt_at)
     SELECT id, ?, ?, ?, ?, 'pending', 0, ? FROM webhooks WHERE instr(events, ?) > 0`,
  );
  let written = 0;
  for (const e of events)
    written += insert.run(e.id, e.type, e.body, e.at, e.at, `,${e.type},`).changes;
  return written;
}

export class SqliteWebhookStore implements WebhookStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  create(w: WebhookRecord, logged: readonly PendingLogEntry[] = []): Promise<void> {
    return settle(() => {
      this.#db.transaction(() => {
        this.#db
          .prepare('INSERT INTO webhooks VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(
            w.id,
            w.url,
            eventsColumn(w.events),
            w.secret,
            w.allowPrivate ? 1 : 0,
            w.createdAt,
            w.createdBy,
          );
        insertPending(this.#db, logged);
      })();
    });
  }

  list(): Promise<WebhookRecord[]> {
    return settle(() =>
      (
        this.#db.prepare('SELECT * FROM webhooks ORDER BY created_at, id').all() as WebhookRow[]
      ).map(toWebhook),
    );
  }

  get(id: string): Promise<WebhookRecord | undefined> {
    return settle(() => {
      const row = this.#db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as
        WebhookRow | undefined;
      return row === undefined ? undefined : toWebhook(row);
    });
  }

  remove(
    id: string,
    logged: LoggedOf<WebhookRecord> = () => [],
  ): Promise<WebhookRecord | undefined> {
    return settle(() =>
      this.#db
        .transaction(() => {
          const row = this.#db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as
            WebhookRow | undefined;
          if (row === undefined) return undefined;
          for (const table of ['webhook_attempts', 'webhook_outbox'])
            this.#db.prepare(`DELETE FROM ${table} WHERE webhook_id = ?`).run(id);
          this.#db.prepare('DELETE FROM webhooks WHERE id = ?').run(id);
          const removed = toWebhook(row);
          insertPending(this.#db, logged(removed));
          return removed;
        })
        .immediate(),
    );
  }

  enqueue(events: readonly WebhookEventRecord[]): Promise<number> {
    return settle(() =>
      this.#db.transaction(() => enqueueWebhookEvents(this.#db, events)).immediate(),
    );
  }

  claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<OutboxClaim[]> {
    return settle(() =>
      this.#db
        .transaction(() => {
          const rows = this.#db
            .prepare(
              `SELECT o.webhook_id, o.event_id, o.type, o.body, o.attempts, w.url, w.secret,
                 w.allow_private
               FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
               WHERE o.state = 'pending' AND o.next_attempt_at <= ?
                 AND (o.lease_until IS NULL OR o.lease_until <= ?)
               ORDER BY o.next_attempt_at, o.created_at LIMIT ?`,
            )
            .all(now, now, limit) as ClaimRow[];
          const lease = this.#db.prepare(
            `UPDATE webhook_outbox SET lease_holder = ?, lease_until = ?
             WHERE webhook_id = ? AND event_id = ?`,
          );
          for (const r of rows) lease.run(holder, leaseUntil, r.webhook_id, r.event_id);
          return rows.map(toClaim);
        })
        .immediate(),
    );
  }

  settle(
    claim: Pick<OutboxClaim, 'webhookId' | 'eventId'>,
    holder: string,
    attempt: DeliveryAttemptRecord,
    outcome: DeliveryOutcome,
  ): Promise<boolean> {
    const next = outcome.state === 'pending' ? outcome.nextAttemptAt : attempt.at;
    return settle(() =>
      this.#db
        .transaction(() => {
          const changed = this.#db
            .prepare(
              `UPDATE webhook_outbox SET state = ?, attempts = ?, next_attempt_at = ?,
                 lease_holder = NULL, lease_until = NULL
               WHERE webhook_id = ? AND event_id = ? AND lease_holder = ?`,
            )
            .run(outcome.state, attempt.attempt, next, claim.webhookId, claim.eventId, holder);
          if (changed.changes === 0) return false;
          this.#db
            .prepare('INSERT OR IGNORE INTO webhook_attempts VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(
              claim.webhookId,
              claim.eventId,
              attempt.attempt,
              attempt.at,
              attempt.statusCode,
              attempt.error,
              attempt.durationMs,
            );
          return true;
        })
        .immediate(),
    );
  }

  deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return settle(() => {
      const rows = this.#db
        .prepare(
          `SELECT event_id, type, state, created_at, attempts, next_attempt_at FROM webhook_outbox
           WHERE webhook_id = ? ORDER BY created_at DESC, event_id DESC LIMIT ?`,
        )
        .all(webhookId, limit) as OutboxRow[];
      const attempts = this.#db
        .prepare(
          `SELECT event_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
           WHERE webhook_id = ? AND event_id IN (SELECT value FROM json_each(?))`,
        )
        .all(webhookId, JSON.stringify(rows.map((r) => r.event_id))) as AttemptRow[];
      return toDeliveries(rows, attempts);
    });
  }

  prune(before: string): Promise<number> {
    return settle(() =>
      this.#db
        .transaction(() => {
          const done = `SELECT webhook_id, event_id FROM webhook_outbox
                        WHERE state <> 'pending' AND created_at < ?`;
          this.#db
            .prepare(`DELETE FROM webhook_attempts WHERE (webhook_id, event_id) IN (${done})`)
            .run(before);
          return this.#db
            .prepare("DELETE FROM webhook_outbox WHERE state <> 'pending' AND created_at < ?")
            .run(before).changes;
        })
        .immediate(),
    );
  }
}
