import { MerkleTree, PatchcastError, errorFromCode } from '@patchcast/core';
import type { Ed25519NoteSigner, ErrorCode, LogIdentity, LogKeyChain } from '@patchcast/core';
import { encodeLogEntry } from '@patchcast/protocol';
import type { LogEventInput } from '@patchcast/protocol';
import type { CheckpointRecord, LogStore } from '../../storage/store.js';
import { BatchWriter, DEFAULT_BATCH } from './batch-writer.js';
import type { BatchOptions, SharedLog } from './batch-writer.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import type { EventLog } from './log-events.js';
import { subjectOf } from './log-events.js';
import { storedTransitions } from './key-rotation.js';
import { Witnesses } from './witnesses.js';
import type { WitnessesOptions } from './witnesses.js';

export interface TransparencyLogDeps {
  readonly store: LogStore;
  readonly signer: Ed25519NoteSigner;
  readonly batch?: BatchOptions;
  readonly onError: (error: Error) => void;
  /** Set when several server nodes append to this stored log. */
  readonly shared?: SharedLog;
  /** Witnesses to submit each checkpoint to (C2SP tlog-witness). */
  readonly witnesses?: WitnessesOptions;
}

/** What readers may use of the tree: hashes and proofs, never appends. */
export type TreeView = Pick<
  MerkleTree,
  'size' | 'readNode' | 'root' | 'inclusionProof' | 'consistencyProof'
>;

const PAGE = 65_536;

/**
 * The server's transparency log: one append-only RFC 9162 Merkle tree of canonical JSON events,
 * kept in memory (rebuilt from the stored leaf hashes at start) and appended in signed batches.
 * Readers answer against `checkpoint`, the latest stored one, never the tree's unsigned tail.
 */
export class TransparencyLog implements EventLog {
  readonly store: LogStore;
  readonly tree: TreeView;
  readonly #signer: CheckpointSigner;
  readonly #writer: BatchWriter;
  readonly #witnesses: Witnesses;
  readonly #listeners = new Set<(checkpoint: CheckpointRecord) => void>();
  #published: CheckpointRecord;

  private constructor(
    deps: TransparencyLogDeps,
    state: { tree: MerkleTree; signer: CheckpointSigner; published: CheckpointRecord },
  ) {
    this.store = deps.store;
    this.tree = state.tree;
    this.#signer = state.signer;
    this.#published = state.published;
    this.#witnesses = new Witnesses(state.tree, {
      ...(deps.witnesses ?? { endpoints: [], print: () => {} }),
      transitions: () => this.keyTransitions,
    });
    this.#witnesses.submit(state.published);
    this.#writer = new BatchWriter({
      tree: state.tree,
      signer: state.signer,
      store: deps.store,
      options: deps.batch ?? DEFAULT_BATCH,
      onPublished: (checkpoint) => {
        this.#published = checkpoint;
        this.#witnesses.submit(checkpoint);
        for (const listener of this.#listeners) listener(checkpoint);
      },
      onError: deps.onError,
      ...(deps.shared === undefined ? {} : { shared: deps.shared }),
    });
  }

  /**
   * Rebuilds the tree and refuses to run a log that does not extend its last checkpoint; then
   * sequences the entries left pending by a server that stopped before its writer did (ADR 0033).
   */
  static async open(deps: TransparencyLogDeps): Promise<TransparencyLog> {
    const tree = await loadTree(deps.store);
    const last = await deps.store.latestCheckpoint();
    const transitions = await storedTransitions(deps.store, deps.signer.verifierKey);
    const signer = atStart('the last stored checkpoint', () =>
      CheckpointSigner.resume(deps.signer, last?.note, transitions),
    );
    atStart('the stored log', () => signer.check(tree));
    const published =
      last?.size === tree.size ? last : { size: tree.size, note: signer.sign(tree) };
    if (published !== last) await deps.store.append([], published);
    const log = new TransparencyLog(deps, { tree, signer, published });
    await log.sequencePending();
    return log;
  }

  get identity(): LogIdentity {
    return this.#signer.identity;
  }

  get verifierKey(): string {
    return this.#signer.verifierKey;
  }

  /** Every key the log signed with, and the sizes each signed (ADR 0028). */
  get keyChain(): LogKeyChain {
    return this.#signer.chain;
  }

  /** The key transition checkpoints, smallest first (ADR 0028). */
  get keyTransitions(): readonly string[] {
    return this.#signer.chain.transitions;
  }

  /**
   * Rotates the checkpoint key (ADR 0028): appends a `log-key-rotated` entry whose checkpoint is
   * the transition, signed by the old and the new key; the new key signs from then on. Call it
   * before the server takes requests, so that the transition's batch holds the entry.
   */
  async rotateKey(next: Ed25519NoteSigner, at: string): Promise<string> {
    await this.flush();
    const previousKey = this.verifierKey;
    this.#signer.rotateTo(next);
    await this.append({ type: 'log-key-rotated', at, previousKey, key: next.verifierKey });
    await this.flush();
    if (this.verifierKey !== next.verifierKey) {
      throw new PatchcastError('INTERNAL', 'the key transition was not signed');
    }
    return this.keyTransitions.at(-1) ?? '';
  }

  /** The latest stored checkpoint: its size and signed note. */
  get checkpoint(): CheckpointRecord {
    return this.#published;
  }

  /** The latest checkpoint with the witness cosignatures it has gathered so far. */
  get cosignedCheckpoint(): CheckpointRecord {
    return this.#witnesses.cosigned(this.#published);
  }

  /** The checkpoint to prove entry `index` against: the best-witnessed recent one holding it. */
  checkpointFor(index: number): CheckpointRecord {
    return this.#witnesses.forEntry(index, this.#published);
  }

  /** A publication or withdrawal also waits (bounded) for the witnesses, so agents find it cosigned. */
  async append(event: LogEventInput): Promise<number> {
    const subject = subjectOf(event);
    const index = await this.#writer.append(encodeLogEntry(event), subject);
    if (subject !== null) await this.#witnesses.settled(index + 1);
    return index;
  }

  /**
   * Resolves once the entries the store held pending when called (written with the change they
   * record, ADR 0033) are in the log under a stored checkpoint. With `witnessed`, also waits
   * (bounded) for the witnesses, as `append` does for a publication.
   */
  async sequencePending(options: { readonly witnessed?: boolean } = {}): Promise<void> {
    await this.#writer.sequence();
    if (options.witnessed === true) await this.#witnesses.settled(this.tree.size);
  }

  /** Hears of every checkpoint stored from now on (this node's, and others' it catches up with). */
  onCheckpoint(listener: (checkpoint: CheckpointRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Several nodes: catch up with what the others appended (readers call it before answering). */
  sync(): Promise<void> {
    return this.#writer.sync();
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  async close(): Promise<void> {
    this.#witnesses.close();
    await this.#writer.close();
  }
}

async function loadTree(store: LogStore): Promise<MerkleTree> {
  const size = await store.size();
  const tree = new MerkleTree();
  for (let start = 0; start < size; start += PAGE) {
    const end = Math.min(size, start + PAGE);
    for (const [index, hash] of await store.leafHashes(start, end)) {
      if (index !== tree.size) break;
      tree.appendLeafHash(hash);
    }
    if (tree.size !== end)
      throw startFailure('SECURITY_PROOF_INVALID', `entry ${tree.size} is missing`);
  }
  return tree;
}

function atStart<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof PatchcastError)) throw error;
    throw startFailure(error.code, `${what} does not verify: ${error.message}`);
  }
}

function startFailure(code: ErrorCode, message: string): PatchcastError {
  const options = {
    hint: 'the log was changed or its key replaced: run `patchcast audit verify --data DIR` and restore keys/log.key or the database from a backup',
  };
  const text = `transparency log: ${message}`;
  return errorFromCode(code, text, options);
}
