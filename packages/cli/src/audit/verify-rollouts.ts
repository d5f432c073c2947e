/** Rollouts, their completion and every final device result against the log. */
import { canonicalize } from '@patchcast/core';
import { loggedSelector } from '@patchcast/protocol';
import type { DeviceSelector } from '@patchcast/protocol';
import type { AuditAssignment, AuditRollout, ReportProblem } from './audit-source.js';
import type { LogIndex } from './log-index.js';
import { assignmentKey } from './log-index.js';

const FINAL = new Set(['installed', 'failed', 'rolled-back']);

export function checkRollouts(
  rollouts: readonly AuditRollout[],
  index: LogIndex,
  report: ReportProblem,
): void {
  for (const rollout of rollouts) {
    checkCreated(rollout, index, report);
    checkCompleted(rollout, index, report);
    for (const a of rollout.assignments) checkAssignment(rollout.id, a, index, report);
  }
  const ids = new Set(rollouts.map((r) => r.id));
  const pairs = new Set(
    rollouts.flatMap((r) => r.assignments.map((a) => assignmentKey(r.id, a.deviceId))),
  );
  for (const [id, { index: at }] of [...index.created, ...index.completed]) {
    if (!ids.has(id)) report(`entry ${at}`, `records rollout ${id}, which table rollouts lacks`);
  }
  for (const [key, { index: at }] of index.results) {
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

function checkCompleted(rollout: AuditRollout, index: LogIndex, report: ReportProblem): void {
  const where = `table rollouts, id ${rollout.id}`;
  const logged = index.completed.get(rollout.id);
  if (rollout.state === 'in-progress') {
    if (logged !== undefined) {
      report(where, `is in-progress; log entry ${logged.index} says ${logged.event.state}`);
    }
    return;
  }
  if (logged === undefined) {
    return report(where, `is ${rollout.state} but has no rollout-completed entry in the log`);
  }
  if (logged.event.state !== rollout.state) {
    report(
      where,
      `state is ${rollout.state}; log entry ${logged.index} says ${logged.event.state}`,
    );
  }
}

function checkAssignment(
  rolloutId: string,
  a: AuditAssignment,
  index: LogIndex,
  report: ReportProblem,
): void {
  const where = `table assignments, id ${assignmentKey(rolloutId, a.deviceId)}`;
  const logged = index.results.get(assignmentKey(rolloutId, a.deviceId));
  if (!FINAL.has(a.state)) {
    if (logged !== undefined) {
      report(where, `is ${a.state}; log entry ${logged.index} says ${logged.event.state}`);
    }
    return;
  }
  if (logged === undefined) return report(where, `is ${a.state} but has no device-result entry`);
  if (logged.event.state !== a.state) {
    report(where, `state is ${a.state}; log entry ${logged.index} says ${logged.event.state}`);
  } else if (logged.event.error !== a.errorCode) {
    const [stored, inLog] = [show(a.errorCode), show(logged.event.error)];
    report(where, `error code is ${stored}; log entry ${logged.index} says ${inLog}`);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
