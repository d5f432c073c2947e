/** The log's events by the record each one describes, for comparison with the database. */
import type { LogEvent } from '@patchcast/protocol';
import type { ReportProblem } from './audit-source.js';

type EventOf<T extends LogEvent['type']> = Extract<LogEvent, { type: T }>;

export interface Logged<E> {
  readonly index: number;
  readonly event: E;
}

export interface LogIndex {
  /** By target path. */
  readonly publications: Map<string, Logged<EventOf<'patch-published'>>>;
  /** By target path. */
  readonly withdrawals: Map<string, Logged<EventOf<'patch-withdrawn'>>>;
  /** By rollout id. */
  readonly created: Map<string, Logged<EventOf<'rollout-created'>>>;
  /** By rollout id, in log order: a completed or aborted rollout rolled back later ends twice. */
  readonly completed: Map<string, Logged<EventOf<'rollout-completed'>>[]>;
  /** By `<rollout id>/<device id>`. */
  readonly results: Map<string, Logged<EventOf<'device-result'>>>;
  readonly rolledBack: Map<string, Logged<EventOf<'device-rolled-back'>>>;
  /** By `<rollout id>#<seq>`. */
  readonly decisions: Map<string, Logged<EventOf<'rollout-decision'>>>;
  /** By device id. */
  readonly enrolled: Map<string, Logged<EventOf<'device-enrolled'>>>;
  /** By device id, in log order: the device's later keys (a replaced host). */
  readonly replacedKeys: Map<string, Logged<EventOf<'device-key-replaced'>>[]>;
  /** By device id, in log order. */
  readonly renamed: Map<string, Logged<EventOf<'device-renamed'>>[]>;
  readonly labelsChanged: Map<string, Logged<EventOf<'device-labels-changed'>>[]>;
  /** By `<role>@<version>`. */
  readonly metadata: Map<string, Logged<EventOf<'metadata-signed'>>>;
}

export function metadataKey(role: string, version: number): string {
  return `${role}@${version}`;
}

export function assignmentKey(rolloutId: string, deviceId: string): string {
  return `${rolloutId}/${deviceId}`;
}

export function decisionKey(rolloutId: string, seq: number): string {
  return `${rolloutId}#${seq}`;
}

/** Indexes the events; a record described twice is a problem. */
export function indexEvents(
  events: ReadonlyMap<number, LogEvent>,
  report: ReportProblem,
): LogIndex {
  const index: LogIndex = {
    publications: new Map(),
    withdrawals: new Map(),
    created: new Map(),
    completed: new Map(),
    results: new Map(),
    rolledBack: new Map(),
    decisions: new Map(),
    enrolled: new Map(),
    replacedKeys: new Map(),
    renamed: new Map(),
    labelsChanged: new Map(),
    metadata: new Map(),
  };
  for (const [at, event] of events) add(index, { index: at, event }, report);
  return index;
}

function add(index: LogIndex, logged: Logged<LogEvent>, report: ReportProblem): void {
  const { event } = logged;
  const put = <E extends LogEvent>(map: Map<string, Logged<E>>, key: string, e: E) => {
    const first = map.get(key);
    if (first === undefined) map.set(key, { index: logged.index, event: e });
    else report(`entries ${first.index} and ${logged.index}`, `both record ${event.type} ${key}`);
  };
  const push = <E extends LogEvent>(map: Map<string, Logged<E>[]>, key: string, e: E) => {
    const list = map.get(key) ?? [];
    list.push({ index: logged.index, event: e });
    map.set(key, list);
  };
  switch (event.type) {
    case 'patch-published':
      return put(index.publications, event.targetPath, event);
    case 'patch-withdrawn':
      return put(index.withdrawals, event.targetPath, event);
    case 'metadata-signed':
      return put(index.metadata, metadataKey(event.role, event.version), event);
    case 'rollout-created':
      return put(index.created, event.id, event);
    case 'rollout-completed':
      return push(index.completed, event.rolloutId, event);
    case 'rollout-decision':
      return put(index.decisions, decisionKey(event.rolloutId, event.seq), event);
    case 'device-result':
      return put(index.results, assignmentKey(event.rolloutId, event.deviceId), event);
    case 'device-rolled-back':
      return put(index.rolledBack, assignmentKey(event.rolloutId, event.deviceId), event);
    case 'device-enrolled':
      return put(index.enrolled, event.deviceId, event);
    case 'device-key-replaced':
      return push(index.replacedKeys, event.deviceId, event);
    case 'device-renamed':
      return push(index.renamed, event.deviceId, event);
    case 'device-labels-changed':
      return push(index.labelsChanged, event.deviceId, event);
    case 'security-event':
    case 'operator-action':
    case 'log-key-rotated':
      return; // no record to compare with (key rotations: key-rotations.ts)
  }
}
