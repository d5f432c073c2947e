/**
 * Log key rotations (ADR 0028) in an audit: the chain of keys from the trusted one, and every
 * `log-key-rotated` entry against the transition checkpoint that made it take effect.
 */
import {
  announcedTransition,
  followKeyChain,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  singleKeyChain,
} from '@patchcast/core';
import type { LogKeyChain } from '@patchcast/core';
import type { LogEvent } from '@patchcast/protocol';
import type { ReportProblem } from './audit-source.js';

/** The notes among `notes` that announce a key transition (not verified here). */
export function announcingTransitions(notes: readonly string[]): string[] {
  return notes.filter((note) => {
    try {
      return announcedTransition(parseCheckpoint(parseNote(note).text)) !== undefined;
    } catch {
      return true; // a malformed transition line: let the chain report it
    }
  });
}

/** The chain from `trusted` through the source's transitions; a broken chain is a problem. */
export function auditKeyChain(
  trusted: string,
  transitions: readonly string[],
  report: ReportProblem,
): LogKeyChain {
  const key = parseVerifierKey(trusted);
  try {
    return followKeyChain(key, transitions);
  } catch (error) {
    report('log key transitions', (error as Error).message);
    return singleKeyChain(key);
  }
}

/** Each `log-key-rotated` entry has its transition, after it, with the same keys; and back. */
export function checkKeyRotations(
  events: ReadonlyMap<number, LogEvent>,
  chain: LogKeyChain,
  report: ReportProblem,
): number {
  const transitions = chain.transitions.map((note) => {
    const checkpoint = parseCheckpoint(parseNote(note).text);
    return { checkpoint, keys: announcedTransition(checkpoint), matched: false };
  });
  let checked = 0;
  for (const [index, event] of events) {
    if (event.type !== 'log-key-rotated') continue;
    checked += 1;
    const match = transitions.find(
      (t) =>
        !t.matched &&
        t.checkpoint.size > index &&
        t.keys?.previous.verifierKey === event.previousKey &&
        t.keys.next.verifierKey === event.key,
    );
    if (match === undefined)
      report(`entry ${index}`, 'a log-key-rotated entry without its key transition checkpoint');
    else match.matched = true;
  }
  for (const t of transitions.filter((x) => !x.matched)) {
    report(
      `checkpoint of size ${t.checkpoint.size}`,
      'a key transition without its log-key-rotated entry',
    );
  }
  return checked;
}
