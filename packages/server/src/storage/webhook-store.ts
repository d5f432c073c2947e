/**
 * Webhooks' part of the Store (ADR 0026): the subscriptions, and an outbox of one row per
 * (webhook, event) that a dispatcher claims under a lease, attempts, and settles with a line in
 * the delivery log. Rows are written in the same transaction as the state change they report
 * where the caller's store method takes `events` (rollout engine saves, findings), else right
 * after it under a deterministic event id, so a repeat writes nothing.
 */
import type { WebhookEventType } from '@patchcast/protocol';
import type { LoggedOf, PendingLogEntry } from './store.js';

export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** `whsec_...`: the server signs with it, so it is stored as given; never answered. */
  readonly secret: string;
  readonly allowPrivate: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** One event to send: its id (the `webhook-id` header, stable across retries) and its body. */
export interface WebhookEventRecord {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly at: string;
  /** The JSON text sent and signed, fixed when enqueued so every retry sends the same bytes. */
  readonly body: string;
}

/** An outbox row claimed by one node until `leaseUntil`, with what sending it needs. */
export interface OutboxClaim {
  readonly webhookId: string;
  readonly eventId: string;
  readonly type: WebhookEventType;
  readonly body: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
  readonly allowPrivate: boolean;
}

export interface DeliveryAttemptRecord {
  readonly attempt: number;
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export type DeliveryOutcome =
  | { readonly state: 'delivered' }
  | { readonly state: 'failed' }
  | { readonly state: 'pending'; readonly nextAttemptAt: string };

export interface DeliveryRecord {
  readonly eventId: string;
  readonly type: WebhookEventType;
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly createdAt: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly log: readonly DeliveryAttemptRecord[];
}

export interface WebhookStore {
  /** Adds the webhook with its pending log entries `logged` (ADR 0033), in one transaction. */
  create(webhook: WebhookRecord, logged?: readonly PendingLogEntry[]): Promise<void>;
  /** Oldest first. */
  list(): Promise<WebhookRecord[]>;
  get(id: string): Promise<WebhookRecord | undefined>;
  /**
   * Removes the webhook with its outbox rows and delivery log, and writes the pending log entries
   * `logged` gives for it, in one transaction; undefined (nothing written) when there is none.
   */
  remove(id: string, logged?: LoggedOf<WebhookRecord>): Promise<WebhookRecord | undefined>;
  /**
   * One outbox row per event and webhook subscribed to its type, due from the event's time; an event id a
   * webhook already has is skipped. Returns how many rows were written.
   */
  enqueue(events: readonly WebhookEventRecord[]): Promise<number>;
  /**
   * Takes up to `limit` pending rows that are due at `now` and not leased by a live claim,
   * leasing them to `holder` until `leaseUntil`. Several nodes never take the same row while
   * its lease runs.
   */
  claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<OutboxClaim[]>;
  /**
   * Records one attempt and the row's new state, if `holder` still holds its lease (false, and
   * nothing is written, when the lease was lost to another node).
   */
  settle(
    claim: Pick<OutboxClaim, 'webhookId' | 'eventId'>,
    holder: string,
    attempt: DeliveryAttemptRecord,
    outcome: DeliveryOutcome,
  ): Promise<boolean>;
  /** The webhook's newest deliveries first, each with its attempts. */
  deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  /** Drops delivered and failed rows (with their attempts) created before `before`; how many. */
  prune(before: string): Promise<number>;
}

/** The stored form of an event list: `,a,b,` so one `instr`/`position` finds a subscription. */
export function eventsColumn(events: readonly string[]): string {
  return `,${events.join(',')},`;
}

export function eventsOf(column: string): WebhookEventType[] {
  return column.split(',').filter((e) => e !== '') as WebhookEventType[];
}

export interface WebhookRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  allow_private: number | boolean;
  created_at: string;
  created_by: string;
}

export function toWebhook(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    events: eventsOf(row.events),
    secret: row.secret,
    allowPrivate: row.allow_private === true || row.allow_private === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface ClaimRow {
  webhook_id: string;
  event_id: string;
  type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  allow_private: number | boolean;
}

export function toClaim(row: ClaimRow): OutboxClaim {
  return {
    webhookId: row.webhook_id,
    eventId: row.event_id,
    type: row.type as WebhookEventType,
    body: row.body,
    attempts: row.attempts,
    url: row.url,
    secret: row.secret,
    allowPrivate: row.allow_private === true || row.allow_private === 1,
  };
}

export interface OutboxRow {
  event_id: string;
  type: string;
  state: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
}

export interface AttemptRow {
  event_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Deliveries from their rows and the attempts of those rows. */
export function toDeliveries(rows: readonly OutboxRow[], attempts: readonly AttemptRow[]) {
  const byEvent = new Map<string, DeliveryAttemptRecord[]>();
  for (const a of attempts) {
    const list = byEvent.get(a.event_id) ?? [];
    list.push({
      attempt: a.attempt,
      at: a.at,
      statusCode: a.status_code,
      error: a.error,
      durationMs: a.duration_ms,
    });
    byEvent.set(a.event_id, list);
  }
  return rows.map((r): DeliveryRecord => ({
    eventId: r.event_id,
    type: r.type as WebhookEventType,
    state: r.state as DeliveryRecord['state'],
    createdAt: r.created_at,
    attempts: r.attempts,
    nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
    log: (byEvent.get(r.event_id) ?? []).sort((x, y) => x.attempt - y.attempt),
  }));
}
