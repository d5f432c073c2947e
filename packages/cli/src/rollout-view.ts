/** Rendering of a rollout for people: a summary line, a progress bar, and per-device states. */
import type { PatchcastClient, Rollout, RolloutProgress } from '@patchcast/protocol';
import type { Io } from './command.js';
import { table } from './table.js';

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
    ...rollout.devices.map(
      (d) =>
        `  ${d.name.padEnd(24)} ${d.state}${d.rebootRequired === true ? '  (reboot required)' : ''}${d.error ? `  ${d.error.code}: ${d.error.message}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Polls until the rollout leaves in-progress; draws progress on stderr as it goes. */
export async function watchRollout(
  client: PatchcastClient,
  id: string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<Rollout> {
  let last = '';
  for (;;) {
    const rollout = await client.rollout(id);
    const line = progressLine(rollout);
    if (draw && line !== last) io.err(io.isTty ? `\r\x1b[2K${line}` : `${line}\n`);
    last = line;
    if (rollout.state !== 'in-progress') {
      if (draw && io.isTty) io.err('\n');
      if (draw) io.out(renderRollout(rollout));
      return rollout;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
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
    d.state,
    ...PHASES.map((p) => {
      const ms = d.timings?.[p];
      return ms === undefined ? '-' : String(Math.round(ms));
    }),
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
    'REBOOT',
    'ERROR',
  ];
  return `${lines.join('\n')}${table(headers, deviceRows(progress))}`;
}

function needsOperator(progress: RolloutProgress): boolean {
  return progress.phase.startsWith('paused') || progress.phase === 'pending-approval';
}

/** Polls until the rollout ends or waits for an operator; progress on stderr meanwhile. */
export async function watchProgress(
  client: PatchcastClient,
  id: string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<RolloutProgress> {
  let last = '';
  for (;;) {
    const progress = await client.rolloutProgress(id);
    const line = `[${progress.phase} wave ${progress.wave}/${progress.waves.length}] ${progressLine({ state: progress.state, counts: progressCounts(progress) })}`;
    if (draw && line !== last) io.err(io.isTty ? `\r\x1b[2K${line}` : `${line}\n`);
    last = line;
    if (progress.state !== 'in-progress' || needsOperator(progress)) {
      if (draw && io.isTty) io.err('\n');
      if (draw) io.out(renderProgress(progress));
      return progress;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
