import { PatchcastError, keyInForce } from '@patchcast/core';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEvent } from '@patchcast/protocol';
import type { AuditSource, Problem, ReportProblem } from './audit-source.js';
import { auditKeyChain, checkKeyRotations } from './key-rotations.js';
import { auditLog } from './verify-log.js';
import { auditRecords } from './verify-records.js';

export interface AuditReport {
  readonly ok: boolean;
  readonly source: string;
  readonly log: { readonly origin: string; readonly key: string; readonly size: number };
  readonly checked: {
    readonly entries: number;
    readonly tiles: number;
    readonly checkpoints: number;
    /** null when the source's records could not be read (a server without --token). */
    readonly records: number | null;
    /** Entries written with their records, not yet sequenced into the log (a stopped server). */
    readonly pending: number;
  };
  readonly problems: readonly Problem[];
}

export interface AuditOptions {
  /** A verifier key obtained out of band; else the one the source announces. */
  readonly logKey?: string | undefined;
  readonly progress: (done: number, total: number) => void;
}

/** Verifies the log of `source` and its records against it; lists every problem found. */
export async function runAudit(source: AuditSource, options: AuditOptions): Promise<AuditReport> {
  const problems: Problem[] = [];
  const report: ReportProblem = (where, what) => problems.push({ where, what });
  const announced = await source.announcedKey();
  const key = options.logKey?.trim() ?? announced;
  if (key === undefined) {
    throw new PatchcastError('CONFIG_INVALID', `${source.name} has no transparency log key`, {
      hint: 'pass the log verifier key with --log-key KEY',
    });
  }
  const chain = auditKeyChain(key, await source.keyTransitions(), report);
  const inForce = keyInForce(chain).verifierKey;
  if (announced !== undefined && announced !== inForce) {
    report('log key', `${source.name} announces ${announced}, not ${inForce}, the key in force`);
  }
  const log = await auditLog({ source, chain, report, progress: options.progress });
  checkKeyRotations(log.events, chain, report);
  const pending = (await source.pending?.()) ?? [];
  const events = withPending(log.events, log.tree.size, pending, report);
  const records = await source.records();
  const recordsChecked = records === undefined ? null : auditRecords(records, events, report);
  return {
    ok: problems.length === 0,
    source: source.name,
    log: { origin: chain.origin, key: inForce, size: log.tree.size },
    checked: {
      entries: log.entries,
      tiles: log.tiles,
      checkpoints: log.checkpoints,
      records: recordsChecked,
      pending: pending.length,
    },
    problems,
  };
}

/**
 * The log's events followed by the pending ones, numbered as the server will append them (in
 * order, from the log's end), so that the records they describe count as logged.
 */
function withPending(
  events: ReadonlyMap<number, LogEvent>,
  size: number,
  pending: readonly Uint8Array[],
  report: ReportProblem,
): ReadonlyMap<number, LogEvent> {
  if (pending.length === 0) return events;
  const all = new Map(events);
  for (const [i, leaf] of pending.entries()) {
    const event = parseLogEntry(leaf);
    if (event === undefined) report(`pending entry ${i + 1}`, 'is not a valid canonical log event');
    else all.set(size + i, event);
  }
  return all;
}
