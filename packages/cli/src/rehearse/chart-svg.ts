import type { RehearsalDecision, RehearsalTimeline, RehearsalWave } from '@patchcast/core';
import { formatSeconds } from './format.js';

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 210;
const TOP = 70;
const LANE = 46;
const COLORS: Readonly<Record<string, string>> = {
  pass: '#2e7d32',
  marginal: '#f9a825',
  fail: '#c62828',
  none: '#9e9e9e',
};
const STOPS: ReadonlySet<string> = new Set(['paused', 'rolling-back', 'aborted', 'completed']);

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Scale {
  readonly x: (seconds: number) => number;
  readonly start: number;
  readonly end: number;
}

/** Time runs from the first install to the last decision; waiting before it is only noted. */
function scaleOf(t: RehearsalTimeline): Scale {
  const started = t.waves.flatMap((w) => (w.startedAt === null ? [] : [w.startedAt]));
  const start = started.length > 0 ? Math.min(...started) : 0;
  const times = t.waves.flatMap((w) => [w.startedAt ?? 0, w.judgedAt ?? 0, w.bakeUntil ?? 0]);
  const end = Math.max(start + 60, t.durationSeconds, ...times);
  const span = WIDTH - LEFT - RIGHT;
  return { start, end, x: (s) => LEFT + ((Math.min(s, end) - start) / (end - start)) * span };
}

function axis(scale: Scale, bottom: number): string[] {
  const parts = [
    `<line x1="${LEFT}" y1="${bottom}" x2="${scale.x(scale.end)}" y2="${bottom}" stroke="#555"/>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const s = scale.start + ((scale.end - scale.start) * i) / 5;
    const x = scale.x(s).toFixed(1);
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#555"/>`);
    const label = `+${formatSeconds(s - scale.start)}`;
    parts.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${label}</text>`);
  }
  if (scale.start > 0)
    parts.push(
      `<text x="${LEFT}" y="${bottom + 34}" fill="#555">time since the first wave started, ${formatSeconds(scale.start)} after the rollout was created (maintenance window)</text>`,
    );
  return parts;
}

function waveLane(w: RehearsalWave, i: number, scale: Scale, end: number): string[] {
  const y = TOP + i * LANE;
  const color = COLORS[w.verdict ?? 'none'] ?? '#9e9e9e';
  const label = `<text x="${LEFT - 8}" y="${y + 18}" text-anchor="end">${escapeXml(`${w.number}. ${w.name}`)}</text>`;
  const counts = `<text x="${WIDTH - RIGHT + 10}" y="${y + 18}">${w.succeeded} ok, ${w.failed} failed of ${w.devices}</text>`;
  if (w.startedAt === null) return [label, counts];
  const [from, to] = [scale.x(w.startedAt), scale.x(w.judgedAt ?? end)];
  const width = Math.max(2, to - from);
  const failedShare = w.notified === 0 ? 0 : w.failed / w.notified;
  const parts = [
    label,
    `<rect x="${from.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="22" fill="${color}" fill-opacity="0.35" stroke="${color}"><title>${escapeXml(`${w.name}: ${w.notified} notified, verdict ${w.verdict ?? 'none'}`)}</title></rect>`,
    `<rect x="${from.toFixed(1)}" y="${y + 28}" width="${(width * failedShare).toFixed(1)}" height="6" fill="${COLORS.fail}"><title>${w.failed} failed</title></rect>`,
    counts,
  ];
  if (w.bakeUntil !== null)
    parts.push(
      `<line x1="${scale.x(w.bakeUntil).toFixed(1)}" y1="${y + 2}" x2="${scale.x(w.bakeUntil).toFixed(1)}" y2="${y + 28}" stroke="#333" stroke-dasharray="3,2"/>`,
    );
  if (w.judgedAt !== null)
    parts.push(verdictMarker(scale.x(w.judgedAt), y + 15, color, w.verdict ?? 'none'));
  return parts;
}

function verdictMarker(x: number, y: number, color: string, verdict: string): string {
  const points = [`${x},${y - 9}`, `${x + 9},${y}`, `${x},${y + 9}`, `${x - 9},${y}`].join(' ');
  return `<polygon points="${points}" fill="${color}" stroke="#fff"><title>verdict: ${verdict}</title></polygon>`;
}

function stopMarkers(
  decisions: readonly RehearsalDecision[],
  scale: Scale,
  bottom: number,
): string[] {
  return decisions
    .filter((d) => STOPS.has(d.to))
    .flatMap((d) => {
      const x = scale.x(d.at).toFixed(1);
      const color = d.to === 'completed' ? COLORS.pass : COLORS.fail;
      return [
        `<line x1="${x}" y1="${TOP - 10}" x2="${x}" y2="${bottom}" stroke="${color}" stroke-width="2"><title>${escapeXml(d.detail)}</title></line>`,
        `<text x="${x}" y="${TOP - 14}" text-anchor="middle" fill="${color}">${escapeXml(d.to)}</text>`,
      ];
    });
}

/** A self-contained SVG of the rehearsal: one lane per wave, verdict markers, the stop. */
export function timelineSvg(t: RehearsalTimeline): string {
  const scale = scaleOf(t);
  const bottom = TOP + t.waves.length * LANE + 10;
  const height = bottom + 48;
  const title = `Rehearsal: ${t.outcome}; ${t.devicesPatched} patched, ${t.devicesFailed} failed, ${t.devicesHarmedBeforeStop} harmed before the stop (seed ${t.seed})`;
  const body = [
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...t.waves.flatMap((w, i) => waveLane(w, i, scale, t.stoppedAt ?? t.durationSeconds)),
    ...stopMarkers(t.decisions, scale, bottom),
    ...axis(scale, bottom),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">\n${body.map((line) => `  ${line}`).join('\n')}\n</svg>\n`;
}
