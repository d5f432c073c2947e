/**
 * Rollouts against the log: creation, completion (twice for a rollout rolled back after it
 * ended), decisions, every final device result and every device rolled back after installing.
 */
import { canonicalize } from '@patchcast/core';
import { loggedSelector } from '@patchcast/protocol';
import type { DeviceSelector } from '@patchcast/protocol';
import type { AuditAssignment, AuditRollout, ReportProblem } from './audit-source.js';
import type { LogEvent } from '@patchcast/protocol';
import type { LogIndex, Logged } from './log-index.js';
import { assignmentKey, decisionKey } from './log-index.js';

type EventOf<T extends LogEvent['type']> = Extract<LogEvent, { type: T }>;

const FINAL = new Set(['installed', 'failed', 'rolled-back']);

export function checkRollouts(
  rollouts: readonly AuditRollout[],
  index: LogIndex,
  report: ReportProblem,
): void {
  for (const rollout of rollouts) {
    checkCreated(rollout, index, report);
    checkCompleted(rollout, index, report);
    checkDecisions(rollout, index, report);
    for (const a of rollout.assignments) checkAssignment(rollout.id, a, index, report);
  }
  const ids = new Set(rollouts.map((r) => r.id));
  const pairs = new Set(
    rollouts.flatMap((r) => r.assignments.map((a) => assignmentKey(r.id, a.deviceId))),
  );
  const completions = [...index.completed].flatMap(([id, list]) =>
    list.map((l): [string, number] => [id, l.index]),
  );
  const created = [...index.created].map(([id, l]): [string, number] => [id, l.index]);
  for (const [id, at] of [...created, ...completions]) {
    if (!ids.has(id)) report(`entry ${at}`, `records rollout ${id}, which table rollouts lacks`);
  }
  for (const { index: at, event } of index.decisions.values()) {
    if (!ids.has(event.rolloutId))
      report(
        `entry ${at}`,
        `records a decision of rollout ${event.rolloutId}, which table rollouts lacks`,
      );
  }
  for (const [key, { index: at }] of [...index.results, ...index.rolledBack]) {
    if (!pairs.has(key))
      report(`entry ${at}`, `records a result for ${key}, which table assignments lacks`);
  }
}
function checkCreated(rollout: AuditRollout, index: LogIndex, report: ReportProblem): void {
  const where = `table rollouts, id ${rollout.id}`;
  const logged = index.created.get(rollout.id);
  if (logged === undefined) return report(where, 'has no rollout-created entry in the log');
  const { event } = logged;
  const fields: [string, unknown, unknown][] = [
    ['name', rollout.patch.name, event.patch.name],
    ['version', rollout.patch.version, event.patch.version],
    ['created_by', rollout.createdBy, event.by],
    ['device count', rollout.assignments.length, event.devices],
  ];
  if (rollout.targetPath !== undefined) {
    fields.push(['target_path', rollout.targetPath, event.targetPath]);
  }
  if (rollout.allowDowngrade !== undefined) {
    fields.push(['allow_downgrade', rollout.allowDowngrade, event.allowDowngrade === true]);
  }
  if (rollout.selector !== undefined) {
    const selector = canonicalize(loggedSelector(rollout.selector as DeviceSelector));
    fields.push(['selector', selector, canonicalize(event.selector)]);
  }
  for (const [field, stored, inLog] of fields) {
    if (stored !== inLog) {
      report(where, `${field} is ${show(stored)}; log entry ${logged.index} says ${show(inLog)}`);
    }
  }
}

/** A rollout ends once, or twice when a completed or aborted rollout is rolled back later. */
const REOPENABLE = new Set(['completed', 'completed-with-failures', 'aborted']);

function checkCompleted(rollout: AuditRollout, index: LogIndex, report: ReportProblem): void {
  const where = `table rollouts, id ${rollout.id}`;
  const list = [...(index.completed.get(rollout.id) ?? [])].sort((a, b) => a.index - b.index);
  for (const [i, logged] of list.entries()) {
    const before = list[i - 1];
    if (before === undefined) continue;
    if (!REOPENABLE.has(before.event.state) || logged.event.state !== 'rolled-back') {
      report(
        `entries ${before.index} and ${logged.index}`,
        `both record rollout-completed ${rollout.id}`,
      );
    } else if (!rolledBackBetween(rollout.id, before.index, logged.index, index)) {
      report(
        `entry ${logged.index}`,
        `ends rollout ${rollout.id} rolled-back after entry ${before.index} ended it, with no rollback decision in between`,
      );
    }
  }
  const last = list.at(-1);
  if (rollout.state === 'in-progress') {
    // Reopened for a rollback of a finished rollout: its first end is logged, its last not yet.
    if (last !== undefined && (list.length > 1 || !REOPENABLE.has(last.event.state))) {
      report(where, `is in-progress; log entry ${last.index} says ${last.event.state}`);
    }
    return;
  }
  if (last === undefined) {
    return report(where, `is ${rollout.state} but has no rollout-completed entry in the log`);
  }
  if (last.event.state !== rollout.state) {
    report(where, `state is ${rollout.state}; log entry ${last.index} says ${last.event.state}`);
  } else if (rollout.completedAt !== undefined && rollout.completedAt !== last.event.at) {
    const [stored, inLog] = [show(rollout.completedAt), show(last.event.at)];
    report(where, `completed_at is ${stored}; log entry ${last.index} says ${inLog}`);
  }
}

function rolledBackBetween(rolloutId: string, from: number, to: number, index: LogIndex) {
  for (const { index: at, event } of index.decisions.values()) {
    if (event.rolloutId === rolloutId && at > from && at < to && event.event === 'rollback')
      return true;
  }
  return false;
}

/** Decisions the source stores (a server's progress view) against the rollout-decision entries. */
function checkDecisions(rollout: AuditRollout, index: LogIndex, report: ReportProblem): void {
  if (rollout.decisions === undefined) return;
  const stored = new Set<number>();
  for (const d of rollout.decisions) {
    stored.add(d.seq);
    const where = `rollout ${rollout.id}, decision ${d.seq}`;
    const logged = index.decisions.get(decisionKey(rollout.id, d.seq));
    if (logged === undefined) {
      report(where, 'has no rollout-decision entry in the log');
      continue;
    }
    const { event } = logged;
    if (event.to !== d.to || event.event !== d.event || event.by !== d.by) {
      const says = `${event.event} to ${event.to} by ${show(event.by)}`;
      report(
        where,
        `is ${d.event} to ${d.to} by ${show(d.by)}; log entry ${logged.index} says ${says}`,
      );
    }
  }
  for (const { index: at, event } of index.decisions.values()) {
    if (event.rolloutId === rollout.id && !stored.has(event.seq))
      report(
        `entry ${at}`,
        `records decision ${event.seq} of rollout ${rollout.id}, which the source lacks`,
      );
  }
}

function checkAssignment(
  rolloutId: string,
  a: AuditAssignment,
  index: LogIndex,
  report: ReportProblem,
): void {
  const key = assignmentKey(rolloutId, a.deviceId);
  const where = `table assignments, id ${key}`;
  const logged = index.results.get(key);
  const undone = index.rolledBack.get(key);
  if (!FINAL.has(a.state)) {
    const any = logged ?? undone;
    if (any !== undefined) {
      report(where, `is ${a.state}; log entry ${any.index} records ${any.event.type}`);
    }
    return;
  }
  if (logged === undefined) return report(where, `is ${a.state} but has no device-result entry`);
  if (undone !== undefined) return checkUndone(where, a, logged, undone, report);
  if (logged.event.state !== a.state) {
    report(where, `state is ${a.state}; log entry ${logged.index} says ${logged.event.state}`);
  } else if (logged.event.error !== a.errorCode) {
    const [stored, inLog] = [show(a.errorCode), show(logged.event.error)];
    report(where, `error code is ${stored}; log entry ${logged.index} says ${inLog}`);
  } else if (
    a.errorCode !== null &&
    a.errorMessage !== undefined &&
    logged.event.errorMessage !== undefined &&
    a.errorMessage !== logged.event.errorMessage
  ) {
    const [stored, inLog] = [show(a.errorMessage), show(logged.event.errorMessage)];
    report(where, `error message is ${stored}; log entry ${logged.index} says ${inLog}`);
  }
}

/** A device rolled back by its rollout: installed first (device-result), then undone. */
function checkUndone(
  where: string,
  a: AuditAssignment,
  logged: Logged<EventOf<'device-result'>>,
  undone: Logged<EventOf<'device-rolled-back'>>,
  report: ReportProblem,
): void {
  if (logged.event.state !== 'installed' || logged.index > undone.index) {
    report(
      where,
      `log entry ${undone.index} rolls it back without an earlier installed device-result (entry ${logged.index} says ${logged.event.state})`,
    );
  } else if (a.state !== 'rolled-back') {
    report(where, `state is ${a.state}; log entry ${undone.index} says it was rolled back`);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
