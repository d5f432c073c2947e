import { equalBytes, openChainedCheckpoint } from '@patchcast/core';
import type { Checkpoint } from '@patchcast/core';
import type { SecurityEventKind } from '@patchcast/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { TransparencyLog } from './transparency-log.js';
import type { SecurityEvents } from './security-events.js';

export interface CheckpointFinding {
  readonly kind: Extract<SecurityEventKind, 'split-view' | 'foreign-checkpoint'>;
  readonly detail: string;
}

/**
 * Checks the checkpoint an agent last verified against this log's own tree: the agent must hold a
 * checkpoint of this log (C2SP tlog-checkpoint, signed by the log key) whose tree is a prefix of
 * ours (RFC 9162 §2.1.1: same root at its size). Anything else means the agent was shown another
 * history: a split view.
 */
export function checkAgentCheckpoint(
  log: TransparencyLog,
  note: string,
): CheckpointFinding | undefined {
  let checkpoint: Checkpoint;
  try {
    checkpoint = openChainedCheckpoint(note, log.keyChain).checkpoint;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'foreign-checkpoint', detail: `the agent's checkpoint: ${reason}` };
  }
  const { size, rootHash } = checkpoint;
  if (size > log.tree.size) {
    return {
      kind: 'split-view',
      detail: `the agent holds a checkpoint of size ${size}; this log has ${log.tree.size} entries`,
    };
  }
  if (!equalBytes(log.tree.root(size), rootHash)) {
    return {
      kind: 'split-view',
      detail: `the agent's checkpoint of size ${size} has another root hash than this log`,
    };
  }
  return undefined;
}

/** Split-view detection on hello: a finding is logged and recorded as a security event. */
export function recordAgentCheckpoint(
  deps: { log: TransparencyLog; security: SecurityEvents; textLog: FastifyBaseLogger },
  deviceId: string,
  note: string,
): void {
  const finding = checkAgentCheckpoint(deps.log, note);
  if (finding === undefined) return;
  deps.textLog.error({ deviceId, finding }, 'agent checkpoint does not match the log');
  void deps.security.record(finding.kind, deviceId, finding.detail);
}
