import type { RehearsalTimeline, RehearsalWave } from '@patchcast/core';
import { table } from '../table.js';
import { formatAt, formatSeconds } from './format.js';

function headline(t: RehearsalTimeline, source: string): string[] {
  const stop =
    t.outcome === 'completed'
      ? `completed after ${formatSeconds(t.durationSeconds)}`
      : `${t.outcome} in wave ${t.stoppedInWave ?? '?'} at ${formatAt(t.stoppedAt)}`;
  return [
    `rehearsal of ${source}: ${t.devices} devices, failure rate ${t.failureRate}, metric shift ${t.metricShift}, seed ${t.seed}`,
    `outcome: ${stop}`,
    `devices: ${t.devicesPatched} patched, ${t.devicesFailed} failed, ` +
      `${t.devicesHarmedBeforeStop} harmed before the stop (${t.devicesHarmed} in all), ` +
      `${t.devicesRolledBack} rolled back`,
  ];
}

function waveRow(w: RehearsalWave): string[] {
  return [
    String(w.number),
    w.name,
    String(w.devices),
    String(w.control),
    String(w.notified),
    String(w.succeeded),
    String(w.failed),
    formatAt(w.startedAt),
    formatAt(w.judgedAt),
    w.verdict ?? '-',
  ];
}

const HEADERS = [
  'WAVE',
  'NAME',
  'DEVICES',
  'CONTROL',
  'NOTIFIED',
  'OK',
  'FAILED',
  'STARTED',
  'JUDGED',
  'VERDICT',
];

function verdicts(t: RehearsalTimeline): string[] {
  return t.waves
    .filter((w) => w.verdict !== null)
    .flatMap((w) => [
      `  wave ${w.number} ${w.name}: ${w.verdict ?? ''}`,
      ...w.findings.map((f) => `    ${f.subject}: ${f.outcome}: ${f.reason}`),
    ]);
}

function decisions(t: RehearsalTimeline): string[] {
  return t.decisions.map(
    (d) =>
      `  ${formatAt(d.at).padEnd(9)} wave ${d.wave}  ${d.from ?? 'new'} -> ${d.to}: ${d.detail}`,
  );
}

/** The rehearsal as text: outcome, counts, a table of waves, every verdict and decision. */
export function renderTimeline(t: RehearsalTimeline, source: string): string {
  return [
    ...headline(t, source),
    '',
    table(HEADERS, t.waves.map(waveRow)).trimEnd(),
    '',
    'verdicts:',
    ...verdicts(t),
    '',
    'decisions:',
    ...decisions(t),
    '',
  ].join('\n');
}
