/**
 * The database's records against the log: every published target, stored metadata version,
 * rollout, decision, final device result and device has its entry, each entry points at an
 * existing record, and the two agree; artifacts on disk match the signed hashes and lengths.
 */
import { deltaOfTargetPath } from '@patchcast/protocol';
import type { LogEvent } from '@patchcast/protocol';
import type { AuditRecords, AuditTarget, ReportProblem } from './audit-source.js';
import type { LogIndex } from './log-index.js';
import { indexEvents } from './log-index.js';
import { checkRollouts } from './verify-rollouts.js';
import { checkDevices } from './verify-devices.js';
import { checkArtifact, checkMetadata } from './verify-metadata.js';

/** Returns how many records were checked. */
export function auditRecords(
  records: AuditRecords,
  events: ReadonlyMap<number, LogEvent>,
  report: ReportProblem,
): number {
  const index = indexEvents(events, report);
  checkTargets(records.targets, index, report);
  checkRollouts(records.rollouts, index, report);
  checkDevices(records.devices, index, report);
  checkMetadata(records.metadata, index, report);
  const assignments = records.rollouts.reduce((n, r) => n + r.assignments.length, 0);
  const { targets, rollouts, devices, metadata = [] } = records;
  return targets.length + rollouts.length + assignments + devices.length + metadata.length;
}

function checkTargets(
  targets: readonly AuditTarget[],
  index: LogIndex,
  report: ReportProblem,
): void {
  for (const target of targets) {
    if (deltaOfTargetPath(target.path) !== undefined) continue; // a delta is no publication (delta.md §2)
    const where =
      target.role === undefined
        ? `targets metadata, target ${target.path}`
        : `targets metadata of delegated role ${target.role}, target ${target.path}`;
    checkArtifact(where, target, report);
    const logged = index.publications.get(target.path);
    if (logged === undefined) {
      report(where, 'has no patch-published entry in the log');
    } else if (logged.event.sha256 !== target.sha256 || logged.event.length !== target.length) {
      const { sha256, length } = logged.event;
      report(
        where,
        `is ${target.length} bytes with sha256 ${target.sha256}; log entry ${logged.index} says ${length} bytes with sha256 ${sha256}`,
      );
    }
  }
  const paths = new Set(targets.map((t) => t.path));
  for (const [path, { index: at }] of index.publications) {
    if (!paths.has(path)) report(`entry ${at}`, `publishes ${path}, which targets metadata lacks`);
  }
  checkWithdrawals(targets, index, report);
}

/** Every withdrawn target has its patch-withdrawn entry, with the same reason and time; and
 * every such entry withdraws a target that signed metadata says is withdrawn. */
function checkWithdrawals(
  targets: readonly AuditTarget[],
  index: LogIndex,
  report: ReportProblem,
): void {
  for (const target of targets) {
    const where = `targets metadata, target ${target.path}`;
    const logged = index.withdrawals.get(target.path);
    if (target.withdrawn === undefined) {
      if (logged !== undefined)
        report(
          `entry ${logged.index}`,
          `withdraws ${target.path}, which targets metadata does not`,
        );
    } else if (logged === undefined) {
      report(where, 'is withdrawn but has no patch-withdrawn entry in the log');
    } else {
      const { sha256, reason, withdrawnAt } = logged.event;
      if (
        sha256 !== target.sha256 ||
        reason !== target.withdrawn.reason ||
        withdrawnAt !== target.withdrawn.at
      )
        report(
          where,
          `is withdrawn as ${JSON.stringify(target.withdrawn)}; log entry ${logged.index} says ${JSON.stringify({ reason, at: withdrawnAt, sha256 })}`,
        );
    }
  }
  const paths = new Set(targets.map((t) => t.path));
  for (const [path, { index: at }] of index.withdrawals) {
    if (!paths.has(path)) report(`entry ${at}`, `withdraws ${path}, which targets metadata lacks`);
  }
}
