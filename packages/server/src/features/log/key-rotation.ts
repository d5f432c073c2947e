/**
 * Log key rotation (ADR 0028, docs/protocol/log.md "Key rotation"): the stored key transitions,
 * found by walking back from the key in force through the `log-key-rotated` entries, and the key
 * files swapped once the transition is stored.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  announcedTransition,
  generateNoteKeys,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
} from '@patchcast/core';
import type { Ed25519NoteSigner } from '@patchcast/core';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogStore } from '../../storage/store.js';

/** The lookup key of the entry that brought `key` (a verifier key) into force. */
export function keySubject(key: string): string {
  return `log-key:${key}`;
}

const MAX_ROTATIONS = 1024;

/** The stored transition checkpoints that lead to `key`, smallest first. */
export async function storedTransitions(store: LogStore, key: string): Promise<string[]> {
  const notes: string[] = [];
  let current = key;
  for (let i = 0; i < MAX_ROTATIONS; i += 1) {
    const entry = await store.findBySubject(keySubject(current));
    const event = entry === undefined ? undefined : parseLogEntry(entry.leaf);
    if (entry === undefined || event?.type !== 'log-key-rotated') break;
    const checkpoint = await store.checkpointCovering(entry.index);
    if (checkpoint === undefined) break;
    notes.unshift(checkpoint.note);
    current = event.previousKey;
  }
  return notes;
}

/** The keys `key` succeeded by stored transitions, oldest first (the key set check accepts them). */
export async function keyPredecessors(store: LogStore, key: string): Promise<string[]> {
  return (await storedTransitions(store, key)).map(
    (note) =>
      announcedTransition(parseCheckpoint(parseNote(note).text))?.previous.verifierKey ?? '',
  );
}

function nextKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'log.key.next');
}

/** A new key for the same origin, written to keys/log.key.next (mode 0600) before it is used. */
export async function prepareNextKey(dataDir: string, origin: string): Promise<Ed25519NoteSigner> {
  const keys = generateNoteKeys(origin);
  await writeFile(nextKeyPath(dataDir), `${keys.signerKey}\n`, { mode: 0o600 });
  return parseSignerKey(keys.signerKey);
}

/**
 * Once the transition is stored: the old key is kept as keys/log.key.retired-<random>, the new
 * one becomes keys/log.key and keys/log.pub. Also finishes a swap a crash interrupted.
 */
export async function installNextKey(dataDir: string): Promise<void> {
  const keys = join(dataDir, 'keys');
  const next = parseSignerKey((await readFile(nextKeyPath(dataDir), 'utf8')).trim());
  const retired = join(keys, `log.key.retired-${randomBytes(4).toString('hex')}`);
  await rename(join(keys, 'log.key'), retired);
  await rename(nextKeyPath(dataDir), join(keys, 'log.key'));
  await writeFile(join(keys, 'log.pub'), `${next.verifierKey}\n`, { mode: 0o644 });
}

/**
 * At start: a keys/log.key.next left by an interrupted rotation is installed when the log stored
 * its transition, and removed otherwise (the rotation did not happen).
 */
export async function recoverRotation(dataDir: string, store: LogStore): Promise<void> {
  let text: string;
  try {
    text = (await readFile(nextKeyPath(dataDir), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const next = parseSignerKey(text);
  if ((await store.findBySubject(keySubject(next.verifierKey))) === undefined) {
    await rm(nextKeyPath(dataDir));
  } else {
    await installNextKey(dataDir);
  }
}
