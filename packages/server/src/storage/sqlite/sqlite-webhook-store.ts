/** The outbox rows of webhook events written by the SQLite stores still on better-sqlite3. */
import type Database from 'better-sqlite3';
import type { WebhookEventRecord } from '../webhook-store.js';

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
