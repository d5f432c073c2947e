/** Rendering of a rollout for people: a summary line, a progress bar, and per-device states. */
import { DEVICE_STATUSES } from '@patchcast/protocol';
import type { PatchcastClient, Rollout, RolloutProgress } from '@patchcast/protocol';
import type { Io } from './command.js';
import { table } from './table.js';
import { follow, outlookLines } from './rollout-wait.js';
import { TRANSFER_HEADERS, transferCells, transferLines } from './transfer-view.js';

type DeviceRow = Rollout['devices'][number];

/** Why a device that has not finished is where it is; the window's opening when deferred. */
function noteOf(d: Pick<DeviceRow, 'status' | 'statusDetail' | 'windowOpensAt' | 'error'>): string {
  if (d.error || d.statusDetail === undefined) return '';
  if (d.status === 'installed' || d.status === 'failed' || d.status === 'rolled-back') return '';
  const opens = d.windowOpensAt ? ` (opens ${d.windowOpensAt})` : '';
  return `  ${d.statusDetail}${opens}`;
}

/** `by status: 2 installed, 1 offline`, in the order the statuses are listed; none if absent. */
function statusLine(devices: readonly Pick<DeviceRow, 'status'>[]): string[] {
  const counts = new Map<string, number>();
  for (const d of devices) if (d.status) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  if (counts.size === 0) return [];
  const order = DEVICE_STATUSES.filter((s) => counts.has(s));
  return [`by status: ${order.map((s) => `${counts.get(s)} ${s}`).join(', ')}`];
}

export function progressLine(rollout: Pick<Rollout, 'counts' | 'state'>, width = 30): string {
  const { installed, failed, pending, total } = rollout.counts;
  const done = total === 0 ? 0 : Math.round(((installed + failed) / total) * width);
  const bar = `${'#'.repeat(done)}${'.'.repeat(width - done)}`;
  return `[${bar}] ${installed} installed, ${failed} failed, ${pending} pending of ${total}  (${rollout.state})`;
}

export function renderRollout(rollout: Rollout): string {
  const lines = [
    `rollout ${rollout.id}: ${rollout.patch.name}@${rollout.patch.version}`,
    progressLine(rollout),
    ...statusLine(rollout.devices),
    ...outlookLines(rollout.outlook),
    ...transferLines(rollout.devices),
    ...rollout.devices.map(
      (d) =>
        `  ${d.name.padEnd(24)} ${d.status ?? d.state}${noteOf(d)}${d.rebootRequired === true ? '  (reboot required)' : ''}${d.error ? `  ${d.error.code}: ${d.error.message}` : ''}${bytesNote(d.timings)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function bytesNote(timings: Readonly<Record<string, number>> | null | undefined): string {
  if (timings?.downloadBytes === undefined) return '';
  const [downloaded, saved] = transferCells(timings);
  return `  (${downloaded ?? '-'} downloaded, ${saved ?? '-'} saved)`;
}

/** Follows a rollout until it ends or waits for something outside it (rollout-wait.ts). */
export async function watchRollout(
  client: PatchcastClient,
  id: string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<Rollout> {
  const rollout = await follow(() => client.rollout(id), progressLine, io, draw, intervalMs);
  if (draw) io.out(renderRollout(rollout));
  return rollout;
}

type Counts = Rollout['counts'];

/** The same counts a plain rollout shows, from a planned rollout's devices. */
export function progressCounts(progress: RolloutProgress): Counts {
  const installed = progress.devices.filter((d) => d.state === 'installed').length;
  const failed = progress.devices.filter(
    (d) => d.state === 'failed' || d.state === 'rolled-back',
  ).length;
  const total = progress.devices.length;
  return { installed, failed, pending: total - installed - failed, total };
}

const fmt = (value: number): string => Number(value.toPrecision(3)).toString();
const clock = (iso: string): string => iso.slice(11, 19);

function waveLines(progress: RolloutProgress): string[] {
  return progress.waves.flatMap((w, i) => {
    const verdict = w.verdict === null ? 'not judged' : `verdict ${w.verdict.verdict}`;
    const head =
      `  wave ${i + 1} ${w.name.padEnd(12)} ${w.devices} device(s): notified ${w.notified}, ` +
      `ok ${w.succeeded}, failed ${w.failed}; control ${w.controlReports}/${w.control}; ${verdict}`;
    const findings = (w.verdict?.findings ?? []).map(
      (f) =>
        `      ${f.subject}: ${f.outcome}${f.p === null ? '' : ` (p=${fmt(f.p)})`}: ${f.reason}`,
    );
    return [head, ...findings];
  });
}

const PHASES = ['downloadMs', 'installMs', 'healthMs', 'rollbackMs', 'totalMs'] as const;

function deviceRows(progress: RolloutProgress): string[][] {
  return progress.devices.map((d) => [
    d.name,
    d.wave === null ? '-' : String(d.wave),
    d.status ?? d.state,
    ...PHASES.map((p) => {
      const ms = d.timings?.[p];
      return ms === undefined ? '-' : String(Math.round(ms));
    }),
    ...transferCells(d.timings),
    d.rebootRequired === true ? 'required' : '',
    d.error === null ? '' : `${d.error.code}: ${d.error.message}`.slice(0, 80),
  ]);
}

function refusedNote(refused: Readonly<Record<string, string>> | undefined): string {
  const count = Object.keys(refused ?? {}).length;
  return count === 0 ? '' : ` (${count} refused: a later install is in force; see ERROR below)`;
}

/** A planned rollout for people: state, waves with verdicts, decisions, per-device phases. */
export function renderProgress(progress: RolloutProgress): string {
  const counts = progressCounts(progress);
  const allowed = progress.allowed.length === 0 ? 'none' : progress.allowed.join(', ');
  const lines = [
    `rollout ${progress.id}: ${progress.patch.name}@${progress.patch.version}${progress.expedited ? ' (expedited)' : ''}`,
    `state: ${progress.state}, ${progress.phase} at wave ${progress.wave} of ${progress.waves.length}; operator actions now: ${allowed}`,
    `devices: ${counts.installed} installed, ${counts.failed} failed or rolled back, ${counts.pending} pending of ${counts.total}`,
    ...statusLine(progress.devices),
    ...outlookLines(progress.outlook),
    ...transferLines(progress.devices),
    ...(progress.rollback === null
      ? []
      : [
          `rollback: ${progress.rollback.total - progress.rollback.pending} of ${progress.rollback.total} done${refusedNote(progress.rollback.refused)}`,
        ]),
    'waves:',
    ...waveLines(progress),
    'decisions:',
    ...progress.decisions.map(
      (d) =>
        `  ${clock(d.at)}  wave ${d.wave}  ${d.to.padEnd(16)} ${d.detail}${d.by ? ` (by ${d.by})` : ''}`,
    ),
    '',
  ];
  const headers = [
    'DEVICE',
    'WAVE',
    'STATE',
    'DOWNLOAD',
    'INSTALL',
    'HEALTH',
    'ROLLBACK',
    'TOTAL',
    ...TRANSFER_HEADERS,
    'REBOOT',
    'ERROR',
  ];
  const notes = progress.devices.flatMap((d) => {
    const note = noteOf(d).trim();
    return note === '' ? [] : [`  ${d.name}: ${d.status ?? d.state}: ${note}`];
  });
  const waiting = notes.length === 0 ? '' : `why not finished:\n${notes.join('\n')}\n`;
  return `${lines.join('\n')}${table(headers, deviceRows(progress))}${waiting}`;
}

/** Follows a planned rollout until it ends or waits for something outside it. */
export async function watchProgress(
  client: PatchcastClient,
  id: string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<RolloutProgress> {
  const line = (p: RolloutProgress) =>
    `[${p.phase} wave ${p.wave}/${p.waves.length}] ${progressLine({ state: p.state, counts: progressCounts(p) })}`;
  const progress = await follow(() => client.rolloutProgress(id), line, io, draw, intervalMs);
  if (draw) io.out(renderProgress(progress));
  return progress;
}
