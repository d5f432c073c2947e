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
  if (event.type === 'patch-published') put(index.publications, event.targetPath, event);
  else if (event.type === 'patch-withdrawn') put(index.withdrawals, event.targetPath, event);
  else if (event.type === 'rollout-created') put(index.created, event.id, event);
  else if (event.type === 'rollout-completed') {
    const list = index.completed.get(event.rolloutId) ?? [];
    list.push({ index: logged.index, event });
    index.completed.set(event.rolloutId, list);
  } else if (event.type === 'rollout-decision') {
    put(index.decisions, decisionKey(event.rolloutId, event.seq), event);
  } else if (event.type === 'device-rolled-back') {
    put(index.rolledBack, assignmentKey(event.rolloutId, event.deviceId), event);
  } else if (event.type === 'device-enrolled') put(index.enrolled, event.deviceId, event);
  else if (event.type === 'device-key-replaced') {
    const list = index.replacedKeys.get(event.deviceId) ?? [];
    list.push({ index: logged.index, event });
    index.replacedKeys.set(event.deviceId, list);
  } else if (event.type === 'device-result') {
    put(index.results, assignmentKey(event.rolloutId, event.deviceId), event);
  }
}
