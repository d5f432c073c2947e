/**
 * One pass of the monitor over the log (docs/protocol/log.md "Monitor"), as steps over a small
 * I/O interface:
 * 1. follow the server's key transitions from the trusted key (ADR 0028; a transition not signed
 *    by the key in force is SECURITY_KEY_ROTATION_INVALID);
 * 2. verify each new transition checkpoint, then the latest checkpoint, with the key in force at
 *    its size (C2SP tlog-checkpoint);
 * 3. for each: a consistency proof from the last verified checkpoint (RFC 9162 §2.1.4.2), and the
 *    new entries re-hashed onto the stored compact range must give its root; otherwise the log
 *    was forked or rewritten: SECURITY_LOG_FORKED;
 * 4. every new `log-key-rotated` entry has its transition checkpoint.
 */
import {
  CompactRange,
  SecurityError,
  equalBytes,
  followKeyChain,
  leafHash,
  openChainedCheckpoint,
  parseVerifierKey,
  updateKeyChain,
  verifyConsistency,
  announcedTransition,
  parseCheckpoint,
  parseNote,
} from '@patchcast/core';
import type { Checkpoint, LogKeyChain } from '@patchcast/core';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEvent } from '@patchcast/protocol';
import type { MonitorState } from './monitor-state.js';

/** The monitor's reads from the log's public URLs. */
export interface LogReader {
  checkpoint(): Promise<string>;
  keyTransitions(): Promise<string[]>;
  consistency(from: number, to: number): Promise<Uint8Array[]>;
  /** Exactly the leaves start <= index < end, in order. */
  entries(start: number, end: number): Promise<Uint8Array[]>;
}

export interface NewEntry {
  readonly index: number;
  readonly event: LogEvent;
}

export interface Pass {
  readonly state: MonitorState;
  readonly entries: readonly NewEntry[];
  readonly checkpoint: Checkpoint;
}

export async function followLog(state: MonitorState, reader: LogReader): Promise<Pass> {
  const known = followKeyChain(parseVerifierKey(state.logKey), state.transitions);
  const chain = updateKeyChain(known, await reader.keyTransitions());
  const latest = await reader.checkpoint();
  const notes = [...chain.transitions.slice(known.transitions.length), latest];
  let tree = state.tree;
  let checkpoint = lastVerified(state, chain);
  const entries: NewEntry[] = [];
  for (const note of notes) {
    const next = openChainedCheckpoint(note, chain).checkpoint;
    tree = await advance(reader, tree, next, entries);
    if (next.size >= (checkpoint?.size ?? 0)) checkpoint = next;
  }
  checkRotationEntries(entries, chain);
  return {
    state: { ...state, transitions: chain.transitions, checkpoint: latest, tree },
    entries,
    checkpoint: checkpoint as Checkpoint,
  };
}

function lastVerified(state: MonitorState, chain: LogKeyChain): Checkpoint | undefined {
  return state.checkpoint === undefined
    ? undefined
    : openChainedCheckpoint(state.checkpoint, chain).checkpoint;
}

async function advance(
  reader: LogReader,
  tree: CompactRange,
  next: Checkpoint,
  out: NewEntry[],
): Promise<CompactRange> {
  const size = tree.size;
  if (next.size <= size) {
    const proof = next.size === size ? [] : await reader.consistency(next.size, size);
    consistent(next.size, next.rootHash, size, tree.root(), proof);
    return tree;
  }
  if (size > 0) {
    const proof = await reader.consistency(size, next.size);
    consistent(size, tree.root(), next.size, next.rootHash, proof);
  }
  const grown = CompactRange.fromHashes(size, tree.hashes);
  const leaves = await reader.entries(size, next.size);
  for (const [i, leaf] of leaves.entries()) {
    grown.append(leafHash(leaf));
    const event = parseLogEntry(leaf);
    if (event === undefined) {
      throw new SecurityError(
        'SECURITY_METADATA_MALFORMED',
        `log entry ${size + i} is not a valid event`,
      );
    }
    out.push({ index: size + i, event });
  }
  if (grown.size !== next.size || !equalBytes(grown.root(), next.rootHash)) {
    throw forked(
      `the entries ${size} to ${next.size - 1} the log serves do not hash to the root of its checkpoint of size ${next.size}`,
    );
  }
  return grown;
}

function consistent(
  size1: number,
  root1: Uint8Array,
  size2: number,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  try {
    verifyConsistency({ size1, root1, size2, root2, proof });
  } catch (error) {
    throw forked(
      `the log's tree of ${size2} entries does not extend the verified one of ${size1}: ${(error as Error).message}`,
    );
  }
}

/** Step 4: a key rotation in the entries has its transition checkpoint, after the entry. */
function checkRotationEntries(entries: readonly NewEntry[], chain: LogKeyChain): void {
  for (const { index, event } of entries) {
    if (event.type !== 'log-key-rotated') continue;
    const found = chain.transitions.some((note) => {
      const checkpoint = parseCheckpoint(parseNote(note).text);
      const keys = announcedTransition(checkpoint);
      return (
        checkpoint.size > index &&
        keys?.previous.verifierKey === event.previousKey &&
        keys.next.verifierKey === event.key
      );
    });
    if (!found) {
      throw new SecurityError(
        'SECURITY_KEY_ROTATION_INVALID',
        `log entry ${index} rotates the log key to ${event.key}, but the log serves no transition checkpoint for it`,
      );
    }
  }
}

function forked(message: string): SecurityError {
  return new SecurityError('SECURITY_LOG_FORKED', message, {
    hint: 'stop trusting the server and compare its checkpoints with witnesses; keep the monitor state as evidence',
  });
}
