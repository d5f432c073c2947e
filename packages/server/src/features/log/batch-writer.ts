import { PatchcastError, leafHash } from '@patchcast/core';
import type { MerkleTree } from '@patchcast/core';
import type {
  CheckpointRecord,
  LogEntryRecord,
  LogStore,
  PendingLogRecord,
} from '../../storage/store.js';
import type { CheckpointSigner } from './checkpoint-signer.js';

export interface BatchOptions {
  /** How long an entry may wait for others to join its batch. */
  readonly flushMs: number;
  /** A batch is written as soon as it holds this many entries. */
  readonly maxBatch: number;
}

export const DEFAULT_BATCH: BatchOptions = { flushMs: 5, maxBatch: 1024 };

export interface BatchWriterDeps {
  readonly tree: MerkleTree;
  readonly signer: CheckpointSigner;
  readonly store: LogStore;
  readonly options: BatchOptions;
  /** Called after each batch is stored, with its checkpoint. */
  readonly onPublished: (checkpoint: CheckpointRecord) => void;
  readonly onError: (error: Error) => void;
  /** Several nodes append to one stored log (cluster/log-writer-lock.ts). */
  readonly shared?: SharedLog;
}

/**
 * A stored log that other server nodes append to as well: each batch is written under a lock
 * held across nodes, after the tree has caught up with what the others stored.
 */
export interface SharedLog {
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

interface Pending {
  readonly leaf: Uint8Array;
  readonly subject: string | null;
  readonly resolve: (index: number) => void;
  readonly reject: (error: Error) => void;
}

/** A caller of `sequence`, waiting for the store's pending entries to be in the log. */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Appends entries in batches: one store transaction and one signed checkpoint per batch, so the
 * log never throttles its callers. Each batch first takes the entries pending in the store (ADR
 * 0033: written with the change they record), lowest seq first, and deletes them in the batch's
 * transaction; then the entries queued in memory. A failed batch halts the writer: the tree in
 * memory may then be ahead of the store, so nothing more is signed until a restart rebuilds the
 * tree from the store (and sequences what is still pending).
 */
export class BatchWriter {
  readonly #deps: BatchWriterDeps;
  readonly #queue: Pending[] = [];
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #closed = false;

  constructor(deps: BatchWriterDeps) {
    this.#deps = deps;
  }

  /** Resolves with the entry's index once its batch is stored with a checkpoint. */
  append(leaf: Uint8Array, subject: string | null): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(halted(this.#failure));
    if (this.#closed) return Promise.reject(new PatchcastError('INTERNAL', 'the log is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ leaf, subject, resolve, reject });
      if (this.#queue.length >= this.#deps.options.maxBatch) void this.flush();
      else this.#timer ??= setTimeout(() => void this.flush(), this.#deps.options.flushMs);
    });
  }

  /**
   * Resolves once every entry pending in the store when it was called is in the log under a
   * stored checkpoint (this node's batch, or another node's in a shared log).
   */
  sequence(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(halted(this.#failure));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#timer ??= setTimeout(() => void this.flush(), this.#deps.options.flushMs);
    });
  }

  /** Writes everything queued; resolves when it is stored (or has failed). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chain = this.#chain.then(() => this.#drain());
    return this.#chain;
  }

  /**
   * A shared log only: catches the tree up with the entries other nodes stored, and takes their
   * latest checkpoint as this node's published one. In order with this node's own batches.
   */
  sync(): Promise<void> {
    if (this.#deps.shared === undefined) return Promise.resolve();
    const run = this.#chain.then(() => this.#catchUp());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Writes what is queued and refuses further entries. */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  async #drain(): Promise<void> {
    while ((this.#queue.length > 0 || this.#waiters.length > 0) && this.#failure === undefined) {
      const waiters = this.#waiters;
      this.#waiters = [];
      await this.#write(this.#queue.splice(0, this.#deps.options.maxBatch), waiters);
    }
  }

  async #write(batch: readonly Pending[], waiters: readonly Waiter[]): Promise<void> {
    const { shared } = this.#deps;
    try {
      if (shared === undefined) await this.#writePending(batch);
      else
        await shared.exclusive(async () => {
          await this.#catchUp();
          await this.#writePending(batch);
        });
      for (const w of waiters) w.resolve();
    } catch (error) {
      this.#halt(error instanceof Error ? error : new Error(String(error)), batch, waiters);
    }
  }

  /** Writes the store's pending entries with `batch`, in batches of at most maxBatch. */
  async #writePending(batch: readonly Pending[]): Promise<void> {
    const { store, options } = this.#deps;
    let pending = await store.pending(options.maxBatch);
    await this.#writeNow(pending, batch);
    while (pending.length === options.maxBatch) {
      pending = await store.pending(options.maxBatch);
      await this.#writeNow(pending, []);
    }
  }

  /** Appends the leaf hashes other nodes stored beyond this tree, and their checkpoint. */
  async #catchUp(): Promise<void> {
    const { tree, store } = this.#deps;
    const size = await store.size();
    if (size <= tree.size) return;
    for (const [index, hash] of await store.leafHashes(tree.size, size)) {
      if (index !== tree.size) throw new Error(`log entry ${tree.size} is missing in storage`);
      tree.appendLeafHash(hash);
    }
    const checkpoint = await store.latestCheckpoint();
    if (checkpoint?.size === tree.size) this.#deps.onPublished(checkpoint);
  }

  /** One store transaction: the pending entries first, then the queued ones; throws on failure. */
  async #writeNow(pending: readonly PendingLogRecord[], batch: readonly Pending[]): Promise<void> {
    const { tree, signer, store } = this.#deps;
    if (pending.length + batch.length === 0) return;
    const first = tree.size;
    const records = [...pending, ...batch].map((p, i): LogEntryRecord => {
      return { index: first + i, leaf: p.leaf, hash: leafHash(p.leaf), subject: p.subject };
    });
    for (const record of records) tree.appendLeafHash(record.hash);
    const checkpoint = { size: tree.size, note: signer.sign(tree) };
    await store.append(
      records,
      checkpoint,
      pending.map((p) => p.seq),
    );
    this.#deps.onPublished(checkpoint);
    batch.forEach((p, i) => p.resolve(first + pending.length + i));
  }

  #halt(error: Error, batch: readonly Pending[], waiters: readonly Waiter[]): void {
    this.#failure = error;
    const failed = halted(error);
    for (const p of [...batch, ...this.#queue.splice(0)]) p.reject(failed);
    for (const w of [...waiters, ...this.#waiters.splice(0)]) w.reject(failed);
    this.#deps.onError(failed);
  }
}

function halted(cause: Error): PatchcastError {
  return new PatchcastError('INTERNAL', `the transparency log stopped: ${cause.message}`, {
    hint: 'fix the cause (disk, database) and restart the server; it rebuilds the log from storage',
    cause,
  });
}
