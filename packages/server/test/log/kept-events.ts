/**
 * An EventLog for tests of the parts that log (no tree, no signatures): it keeps the events it
 * is given, and on `sequencePending` the entries the store holds pending (ADR 0033) that it has
 * not kept yet, in seq order. Instances given one events array share what they kept: nodes of
 * one test on one database file.
 */
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEventInput } from '@patchcast/protocol';
import type { EventLog } from '../../src/features/log/log-events.js';
import type { LogStore } from '../../src/storage/store.js';

const keptSeqs = new WeakMap<LogEventInput[], Set<number>>();

export class KeptEvents implements EventLog {
  readonly events: LogEventInput[];
  readonly #stores: LogStore[] = [];
  readonly #seen: Set<number>;

  constructor(events: LogEventInput[] = []) {
    this.events = events;
    this.#seen = keptSeqs.get(events) ?? new Set();
    keptSeqs.set(events, this.#seen);
  }

  /** Reads the pending entries of `store` (one database file per instance). */
  watch(store: LogStore): this {
    this.#stores.push(store);
    return this;
  }

  append(event: LogEventInput): Promise<number> {
    this.events.push(event);
    return Promise.resolve(this.events.length - 1);
  }

  async sequencePending(): Promise<void> {
    for (const store of this.#stores) {
      for (const entry of await store.pending(100_000)) {
        const event = parseLogEntry(entry.leaf);
        if (this.#seen.has(entry.seq) || event === undefined) continue;
        this.#seen.add(entry.seq);
        this.events.push(event);
      }
    }
  }
}
