/**
 * Log key rotation (docs/protocol/log.md "Key rotation", ADR 0028). A log changes its checkpoint
 * key with a **transition checkpoint**: a C2SP tlog-checkpoint whose one extension line is
 *
 *   patchcast-log-key <previous verifier key> <next verifier key>
 *
 * signed by both keys. The key in force signs checkpoints up to and including the transition's
 * size; the next key signs from that size on. A verifier that trusts any key of the chain follows
 * it: each transition is authorised by the key it retires, and vouched for by the key it brings.
 */
import { SecurityError } from '../errors.js';
import { parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { openCheckpoint } from './open-checkpoint.js';
import type { LogIdentity, VerifiedCheckpoint } from './open-checkpoint.js';
import { parseVerifierKey } from './note-verifier.js';
import type { Ed25519NoteVerifier } from './note-verifier.js';
import { parseNote } from './signed-note.js';

export const KEY_TRANSITION_EXTENSION = 'patchcast-log-key';

/** One key of the chain and the checkpoint sizes it may sign (`to` undefined: the key in force). */
export interface ChainKey {
  readonly verifier: Ed25519NoteVerifier;
  readonly from: number;
  readonly to?: number | undefined;
}

/** A log's keys, oldest first, and the transition notes that link them. */
export interface LogKeyChain {
  readonly origin: string;
  readonly keys: readonly ChainKey[];
  /** The transition checkpoint notes, smallest first. */
  readonly transitions: readonly string[];
}

export interface KeyTransition {
  readonly checkpoint: Checkpoint;
  readonly previous: Ed25519NoteVerifier;
  readonly next: Ed25519NoteVerifier;
}

/** The extension line of a transition from `previous` to `next` (verifier key strings). */
export function keyTransitionLine(previous: string, next: string): string {
  return `${KEY_TRANSITION_EXTENSION} ${previous} ${next}`;
}

export function rotationInvalid(message: string): SecurityError {
  return new SecurityError('SECURITY_KEY_ROTATION_INVALID', message);
}

/** The transition a checkpoint text announces, unverified; undefined if it announces none. */
export function announcedTransition(checkpoint: Checkpoint): KeyTransition | undefined {
  const line = checkpoint.extensions.find((e) => e.startsWith(`${KEY_TRANSITION_EXTENSION} `));
  if (line === undefined) return undefined;
  const [, previous = '', next = '', ...rest] = line.split(' ');
  try {
    if (rest.length > 0) throw new Error('extra words');
    return { checkpoint, previous: parseVerifierKey(previous), next: parseVerifierKey(next) };
  } catch {
    throw rotationInvalid(`the key transition line of checkpoint ${checkpoint.size} is malformed`);
  }
}

/**
 * Verifies one transition checkpoint against the key in force:
 * 1. it announces a transition (extension line) whose previous key is the key in force;
 * 2. the key in force signed it, and so did the next key (C2SP signed-note);
 * 3. both keys are named after the log's origin, and the next key is another key.
 */
export function verifyKeyTransition(note: string, inForce: Ed25519NoteVerifier): KeyTransition {
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(note).text);
  } catch (error) {
    throw rotationInvalid(`a key transition is not a checkpoint: ${(error as Error).message}`);
  }
  const transition = announcedTransition(checkpoint);
  if (transition === undefined) {
    throw rotationInvalid(`checkpoint ${checkpoint.size} announces no key transition`);
  }
  const { previous, next } = transition;
  if (previous.verifierKey !== inForce.verifierKey) {
    throw rotationInvalid(
      `the transition at size ${checkpoint.size} retires ${previous.verifierKey}, not the key in force ${inForce.verifierKey}`,
    );
  }
  if (next.name !== previous.name || next.verifierKey === previous.verifierKey) {
    throw rotationInvalid(`the transition at size ${checkpoint.size} names no new key of this log`);
  }
  for (const key of [previous, next]) signedBy(note, key, checkpoint.size);
  return transition;
}

function signedBy(note: string, key: Ed25519NoteVerifier, size: number): void {
  try {
    openCheckpoint(note, { origin: key.name, verifiers: [key] });
  } catch (error) {
    throw rotationInvalid(
      `the transition at size ${size} is not signed by ${key.verifierKey}: ${(error as Error).message}`,
    );
  }
}

/** A chain of one key: a log never rotated (or not yet known to have been). */
export function singleKeyChain(verifier: Ed25519NoteVerifier): LogKeyChain {
  return { origin: verifier.name, keys: [{ verifier, from: 0 }], transitions: [] };
}

/**
 * Follows `notes` (transition checkpoints, smallest first) from the first key they retire and
 * requires `trusted` among the chain's keys; every link is checked with verifyKeyTransition.
 */
export function followKeyChain(
  trusted: Ed25519NoteVerifier,
  notes: readonly string[],
): LogKeyChain {
  const first = notes[0];
  if (first === undefined) return singleKeyChain(trusted);
  const start = announcedTransition(parseCheckpoint(parseNote(first).text));
  let chain = singleKeyChain(start?.previous ?? trusted);
  for (const note of notes) chain = extendKeyChain(chain, note);
  if (!chain.keys.some((k) => k.verifier.verifierKey === trusted.verifierKey)) {
    throw rotationInvalid(
      `the log's key transitions do not include the trusted key ${trusted.verifierKey}`,
    );
  }
  return chain;
}

/** Appends one transition to the chain: it must be signed by the key in force, at a larger size. */
export function extendKeyChain(chain: LogKeyChain, note: string): LogKeyChain {
  const last = chain.keys.at(-1) as ChainKey;
  const transition = verifyKeyTransition(note, last.verifier);
  const size = transition.checkpoint.size;
  if (size <= last.from) {
    throw rotationInvalid(`the transition at size ${size} does not follow the one at ${last.from}`);
  }
  return {
    origin: chain.origin,
    keys: [
      ...chain.keys.slice(0, -1),
      { ...last, to: size },
      { verifier: transition.next, from: size },
    ],
    transitions: [...chain.transitions, note],
  };
}

/** Appends the transitions of `notes` not yet in the chain (a server's list, smallest first). */
export function updateKeyChain(chain: LogKeyChain, notes: readonly string[]): LogKeyChain {
  const known = chain.keys.at(-1)?.from ?? 0;
  let updated = chain;
  for (const note of notes) {
    if (parseCheckpoint(parseNote(note).text).size <= known) continue;
    updated = extendKeyChain(updated, note);
  }
  return updated;
}

/** The keys that may sign a checkpoint of `size`. */
export function keysAt(chain: LogKeyChain, size: number): Ed25519NoteVerifier[] {
  return chain.keys
    .filter((k) => size >= k.from && (k.to === undefined || size <= k.to))
    .map((k) => k.verifier);
}

/** The identity to verify a checkpoint of `size` with. */
export function identityAt(chain: LogKeyChain, size: number): LogIdentity {
  return { origin: chain.origin, verifiers: keysAt(chain, size) };
}

/** The key in force (the newest). */
export function keyInForce(chain: LogKeyChain): Ed25519NoteVerifier {
  return (chain.keys.at(-1) as ChainKey).verifier;
}

/**
 * Verifies a checkpoint (openCheckpoint) with the key the chain has in force at its size: an old
 * key cannot sign past its transition, a new key not before it.
 */
export function openChainedCheckpoint(
  message: string | Uint8Array,
  chain: LogKeyChain,
): VerifiedCheckpoint {
  const size = parseCheckpoint(parseNote(message).text).size;
  return openCheckpoint(message, identityAt(chain, size));
}
