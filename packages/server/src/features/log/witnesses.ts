/**
 * The log's witnesses (docs/protocol/log.md "Witnesses"): each new checkpoint goes to every
 * witness, and the cosignatures that come back are kept with the recent checkpoints they sign, so
 * that readers can serve a checkpoint with its cosignature lines appended.
 */
import { addSignatures } from '@patchcast/core';
import type { NoteSignature } from '@patchcast/core';
import type { CheckpointRecord } from '../../storage/store.js';
import type { TreeView } from './transparency-log.js';
import { WitnessClient, fetchWitnessTransport } from './witness-client.js';
import type { WitnessEndpoint, WitnessTransport } from './witness-client.js';

export interface WitnessesOptions {
  readonly endpoints: readonly WitnessEndpoint[];
  readonly print: (line: string) => void;
  readonly transport?: WitnessTransport;
  /** How long a publication waits for the witnesses' first answer (default 5 s). */
  readonly waitMs?: number;
  readonly retry?: { readonly firstMs: number; readonly maxMs: number };
  /** The log's key transition checkpoints, smallest first (ADR 0028). */
  readonly transitions?: () => readonly string[];
}

interface Witnessed {
  readonly record: CheckpointRecord;
  readonly cosignatures: NoteSignature[];
}

/** Recent checkpoints kept with their cosignatures. */
const HISTORY = 256;

export class Witnesses {
  readonly #clients: WitnessClient[];
  readonly #history: Witnessed[] = [];
  readonly #waitMs: number;

  constructor(tree: TreeView, options: WitnessesOptions) {
    this.#waitMs = options.waitMs ?? 5000;
    this.#clients = options.endpoints.map(
      (endpoint) =>
        new WitnessClient({
          endpoint,
          tree,
          transport: options.transport ?? fetchWitnessTransport,
          onCosigned: (size, cosignature) => this.#add(size, cosignature),
          print: options.print,
          ...(options.retry === undefined ? {} : { retry: options.retry }),
          ...(options.transitions === undefined ? {} : { transitions: options.transitions }),
        }),
    );
  }

  /** A new checkpoint: remember it and send it to every witness. */
  submit(record: CheckpointRecord): void {
    if (this.#clients.length === 0) return;
    const last = this.#history.at(-1);
    if (last !== undefined && record.size <= last.record.size) return;
    this.#history.push({ record, cosignatures: [] });
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const client of this.#clients) client.submit(record);
  }

  /** Waits (bounded) until every witness answered for a checkpoint of at least `size` entries. */
  async settled(size: number): Promise<void> {
    if (this.#clients.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#waitMs)));
    await Promise.race([Promise.all(this.#clients.map((c) => c.attempted(size))), timeout]);
    clearTimeout(timer);
  }

  /** `record` with the cosignatures collected for it. */
  cosigned(record: CheckpointRecord): CheckpointRecord {
    const witnessed = this.#history.find((w) => w.record.size === record.size);
    if (witnessed === undefined || witnessed.cosignatures.length === 0) return record;
    return { size: record.size, note: addSignatures(record.note, witnessed.cosignatures) };
  }

  /**
   * The checkpoint to prove entry `index` against: among the recent ones that contain it, the one
   * with the most cosignatures, the newest of those; `latest` when none has any.
   */
  forEntry(index: number, latest: CheckpointRecord): CheckpointRecord {
    let best: Witnessed | undefined;
    for (const witnessed of this.#history) {
      if (witnessed.record.size <= index || witnessed.record.size > latest.size) continue;
      if (witnessed.cosignatures.length >= (best?.cosignatures.length ?? 1)) best = witnessed;
    }
    return best === undefined ? latest : this.cosigned(best.record);
  }

  close(): void {
    for (const client of this.#clients) client.close();
  }

  #add(size: number, cosignature: NoteSignature): void {
    const witnessed = this.#history.find((w) => w.record.size === size);
    if (witnessed === undefined) return;
    const same = witnessed.cosignatures.findIndex(
      (c) => c.name === cosignature.name && c.keyId === cosignature.keyId,
    );
    if (same >= 0) witnessed.cosignatures.splice(same, 1, cosignature);
    else witnessed.cosignatures.push(cosignature);
  }
}
