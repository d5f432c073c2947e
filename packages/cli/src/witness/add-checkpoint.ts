/**
 * The checks of C2SP tlog-witness "add-checkpoint", as a pure function of the request and the
 * checkpoint the witness last cosigned for the log. The HTTP status is part of the answer.
 */
import {
  PatchcastError,
  announcedTransition,
  verifyKeyTransition,
  emptyRoot,
  equalBytes,
  openCheckpoint,
  parseAddCheckpoint,
  parseCheckpoint,
  parseNote,
  verifyConsistency,
} from '@patchcast/core';
import type { Checkpoint, KeyTransition, LogIdentity } from '@patchcast/core';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type Refusal = {
  readonly status: 400 | 403 | 404 | 409 | 422;
  readonly reason: string;
  /** 409 only: the size of the checkpoint the witness last cosigned. */
  readonly size?: number;
};

export interface Submission {
  readonly origin: string;
  /** Checks the request against `last`, the checkpoint last cosigned (undefined: none yet). */
  judge(last: Checkpoint | undefined): Refusal | Accepted;
}

export interface Accepted {
  readonly status: 200;
  readonly checkpoint: Checkpoint;
  /** The checkpoint note text (what a cosignature signs). */
  readonly text: string;
  /** The submitted note, with the log's signatures. */
  readonly note: string;
}

/**
 * Steps 1 to 4, before the witness's state is read: the body parses (400), the origin is a log
 * this witness follows (404), a trusted key of that log signed the checkpoint (403), and the old
 * size is at most the checkpoint size (400).
 */
export function readSubmission(
  body: Uint8Array,
  logs: ReadonlyMap<string, LogIdentity>,
): Refusal | Submission {
  let request;
  let origin;
  try {
    request = parseAddCheckpoint(decodeUtf8(body));
    origin = parseCheckpoint(parseNote(request.checkpoint).text).origin;
  } catch (error) {
    return { status: 400, reason: reasonOf(error) };
  }
  const log = logs.get(origin);
  if (log === undefined) return { status: 404, reason: `unknown log "${origin}"` };
  let opened;
  try {
    opened = openCheckpoint(request.checkpoint, log);
  } catch (error) {
    return { status: 403, reason: reasonOf(error) };
  }
  const { checkpoint } = opened;
  if (request.oldSize > checkpoint.size) {
    return { status: 400, reason: `old size ${request.oldSize} exceeds ${checkpoint.size}` };
  }
  const accepted: Accepted = {
    status: 200,
    checkpoint,
    text: opened.note.text,
    note: request.checkpoint,
  };
  return {
    origin,
    judge: (last) => judge(request.oldSize, request.proof, accepted, last) ?? accepted,
  };
}

/**
 * Steps 5 to 8: the old size is the size last cosigned (409), a size-0 checkpoint has the empty
 * root, and the proof shows the checkpoint extends the last one cosigned (422, RFC 6962 §2.1.2).
 */
function judge(
  oldSize: number,
  proof: readonly Uint8Array[],
  accepted: Accepted,
  last: Checkpoint | undefined,
): Refusal | undefined {
  const lastSize = last?.size ?? 0;
  if (oldSize !== lastSize) {
    return { status: 409, reason: `last cosigned size is ${lastSize}`, size: lastSize };
  }
  const next = accepted.checkpoint;
  if (next.size === 0 && !equalBytes(next.rootHash, emptyRoot())) {
    return { status: 422, reason: 'a checkpoint of size 0 must have the empty root hash' };
  }
  if (last === undefined || oldSize === 0) {
    return proof.length === 0 ? undefined : { status: 422, reason: 'proof from size 0' };
  }
  try {
    verifyConsistency({
      size1: last.size,
      root1: last.rootHash,
      size2: next.size,
      root2: next.rootHash,
      proof,
    });
  } catch (error) {
    return { status: 422, reason: `not consistent with size ${last.size}: ${reasonOf(error)}` };
  }
  return undefined;
}

/**
 * ADR 0028: a checkpoint that announces a key transition is cosigned only if the transition is
 * signed by a key of the log the witness trusts (the one it retires) and by the new key (403).
 */
export function keyTransitionOf(
  accepted: Accepted,
  log: LogIdentity,
): KeyTransition | Refusal | undefined {
  try {
    const announced = announcedTransition(accepted.checkpoint);
    if (announced === undefined) return undefined;
    const trusted = log.verifiers.some(
      (v) => v.name === announced.previous.name && v.keyId === announced.previous.keyId,
    );
    if (!trusted) {
      return {
        status: 403,
        reason: 'the key transition retires a key this witness does not trust',
      };
    }
    return verifyKeyTransition(accepted.note, announced.previous);
  } catch (error) {
    return { status: 403, reason: reasonOf(error) };
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new PatchcastError('INVALID_INPUT', 'the request body is not valid UTF-8');
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof PatchcastError) return `${error.code}: ${error.message}`;
  throw error;
}
