/**
 * What the console hears about (ADR 0035): rollout, device and log changes. Changes made on any
 * node arrive through the bus (device results and health, rollout events, disconnections); this
 * node's own rollout decisions, agent connections and checkpoints are told directly.
 */
import type { ConsoleEvent, ConsoleEventKind } from '@patchcast/protocol';
import type { Bus } from '../../bus/bus.js';

export type ConsoleListener = (event: ConsoleEvent) => void;

export class ConsoleEvents {
  readonly #listeners = new Set<ConsoleListener>();
  readonly #unsubscribe: (() => void)[];
  readonly #now: () => Date;

  constructor(deps: { readonly bus: Bus; readonly now: () => Date }) {
    this.#now = deps.now;
    const { bus } = deps;
    this.#unsubscribe = [
      bus.subscribe('device-result', (e) =>
        this.#heard(['rollout', e.rolloutId], ['device', e.deviceId]),
      ),
      bus.subscribe('device-health', (e) => this.#heard(['rollout', e.rolloutId])),
      bus.subscribe('rollout-event', (e) => this.#heard(['rollout', e.rolloutId])),
      bus.subscribe('device-disconnect', (e) => this.#heard(['device', e.deviceId])),
    ];
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Tells every listener; `id` names the rollout or device. */
  emit(kind: ConsoleEventKind, id?: string): void {
    const event: ConsoleEvent = {
      kind,
      ...(id === undefined ? {} : { id }),
      at: this.#now().toISOString(),
    };
    for (const listener of this.#listeners) listener(event);
  }

  listen(listener: ConsoleListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#listeners.clear();
  }

  #heard(...changes: [ConsoleEventKind, string][]): Promise<void> {
    for (const [kind, id] of changes) this.emit(kind, id);
    return Promise.resolve();
  }
}
