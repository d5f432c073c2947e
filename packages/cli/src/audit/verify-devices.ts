/**
 * Devices against the log: each has its device-enrolled entry, its key is the last one logged
 * (enrolled or replaced), and its name and labels are the last ones logged (enrolled, renamed,
 * labels changed), where the log has them: entries made before 2026-12 carry no name or labels.
 */
import type { AuditDevice, ReportProblem } from './audit-source.js';
import type { LogIndex, Logged } from './log-index.js';

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
    checkName(where, device, logged, index, report);
    checkLabels(where, device, logged, index, report);
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

type Enrolled = Logged<{ readonly name?: string | undefined; readonly labels?: unknown }>;

function checkName(
  where: string,
  device: AuditDevice,
  enrolled: Enrolled,
  index: LogIndex,
  report: ReportProblem,
): void {
  const renamed = index.renamed.get(device.id)?.at(-1);
  const last = renamed ?? (enrolled.event.name === undefined ? undefined : enrolled);
  const name = renamed?.event.name ?? enrolled.event.name;
  if (device.name === undefined || last === undefined || name === device.name) return;
  report(
    where,
    `name is ${JSON.stringify(device.name)}; log entry ${last.index} says ${JSON.stringify(name)}`,
  );
}

function checkLabels(
  where: string,
  device: AuditDevice,
  enrolled: Enrolled,
  index: LogIndex,
  report: ReportProblem,
): void {
  const changed = index.labelsChanged.get(device.id)?.at(-1);
  const last = changed ?? (enrolled.event.labels === undefined ? undefined : enrolled);
  const labels = changed?.event.labels ?? enrolled.event.labels;
  if (device.labels === undefined || last === undefined) return;
  if (sameLabels(device.labels, labels as Readonly<Record<string, string>>)) return;
  report(
    where,
    `labels are ${JSON.stringify(device.labels)}; log entry ${last.index} says ${JSON.stringify(labels)}`,
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
