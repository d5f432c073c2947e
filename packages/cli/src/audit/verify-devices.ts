/**
 * Devices against the log: each has its device-enrolled entry, its key is the last one logged
 * (enrolled or replaced), and its name and labels are the last ones logged (enrolled, renamed,
 * labels changed), where the log has them: entries made before 2026-12 carry no name or labels.
 */
import { canonicalize } from '@patchcast/core';
import type { AuditDevice, ReportProblem } from './audit-source.js';
import type { LogIndex } from './log-index.js';

export function checkDevices(
  devices: readonly AuditDevice[],
  index: LogIndex,
  report: ReportProblem,
): void {
  for (const device of devices) {
    const where = `table devices, id ${device.id}`;
    const logged = index.enrolled.get(device.id);
    if (logged === undefined) {
      report(where, 'has no device-enrolled entry in the log');
      continue;
    }
    const latest = index.replacedKeys.get(device.id)?.at(-1) ?? logged;
    if (device.publicKey !== undefined && device.publicKey !== latest.event.publicKey)
      report(where, `public_key differs from log entry ${latest.index}`);
    // the last name and labels logged: a rename or label change, else the enrollment's
    const named = index.renamed.get(device.id)?.at(-1) ?? logged;
    const labelled = index.labelsChanged.get(device.id)?.at(-1) ?? logged;
    checkLast(where, 'name is', device.name, named.index, named.event.name, report);
    checkLast(where, 'labels are', device.labels, labelled.index, labelled.event.labels, report);
  }
  const ids = new Set(devices.map((d) => d.id));
  for (const [id, { index: at }] of index.enrolled) {
    if (!ids.has(id)) report(`entry ${at}`, `records device ${id}, which table devices lacks`);
  }
  for (const [id, [first]] of [...index.replacedKeys, ...index.renamed, ...index.labelsChanged]) {
    if (first !== undefined && !index.enrolled.has(id))
      report(`entry ${first.index}`, `changes device ${id}, which was never enrolled`);
  }
}

/** The stored value against the last one logged; nothing to compare when either is absent. */
function checkLast(
  where: string,
  what: string,
  stored: unknown,
  at: number,
  logged: unknown,
  report: ReportProblem,
): void {
  if (stored === undefined || logged === undefined) return;
  const [a, b] = [canonicalize(stored), canonicalize(logged)];
  if (a !== b) report(where, `${what} ${a}; log entry ${at} says ${b}`);
}
