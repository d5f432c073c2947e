import { equalBytes, openChainedCheckpoint } from '@patchcast/core';
import type { Checkpoint, LogKeyChain, MerkleTree } from '@patchcast/core';
import type { ReportProblem } from './audit-source.js';

/**
 * Every checkpoint: signed by the log key in force at its size (ADR 0028) for the log's origin (C2SP tlog-checkpoint), and with
 * the root of our tree at its size (RFC 9162 §2.1.1), so that all of them are views of one
 * history. The first mismatch after a matching checkpoint bounds where the entries changed.
 * Returns how many checkpoints were checked.
 */
export function checkCheckpoints(
  notes: readonly string[],
  tree: MerkleTree,
  options: { readonly chain: LogKeyChain; readonly report: ReportProblem },
): number {
  const { report } = options;
  let matched = 0;
  let mismatches = 0;
  for (const [i, note] of notes.entries()) {
    const checkpoint = open(note, `checkpoint ${i + 1} of ${notes.length}`, options);
    if (checkpoint === undefined) continue;
    const where = `checkpoint of size ${checkpoint.size}`;
    if (checkpoint.size > tree.size) {
      report(where, `covers more entries than the ${tree.size} read in order from 0`);
    } else if (equalBytes(tree.root(checkpoint.size), checkpoint.rootHash)) {
      matched = checkpoint.size;
    } else if (mismatches++ === 0) {
      const range = `${matched} to ${checkpoint.size - 1}`;
      report(
        where,
        `its root hash does not match the entries: one of entries ${range} was changed, inserted, removed or reordered after it was signed`,
      );
    }
  }
  if (mismatches > 1)
    report('checkpoints', `${mismatches - 1} later checkpoint(s) do not match either`);
  return notes.length;
}

function open(
  note: string,
  where: string,
  options: { readonly chain: LogKeyChain; readonly report: ReportProblem },
): Checkpoint | undefined {
  try {
    return openChainedCheckpoint(note, options.chain).checkpoint;
  } catch (error) {
    options.report(where, `does not verify with the log key: ${(error as Error).message}`);
    return undefined;
  }
}
