/**
 * Maintenance windows of one agent (local policy, `<data>/maintenance.json`): cron windows
 * (as in rollout plans: a cron of window starts, a zone and a duration) or weekday and
 * time-of-day ranges, to the second. No windows means always open.
 */
import {
  isTimeZone,
  parseCron,
  wallClock,
  windowStatus,
  zonedTimeToUtc,
} from '@patchcast/core/schedule';
import type { MaintenanceWindow } from '@patchcast/core';
import { guards as g } from '@patchcast/protocol/agent';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

const timezone = g.string({ refine: [isTimeZone, 'is not an IANA time zone'] });
const time = g.string({ refine: [(t) => TIME.test(t), 'is not HH:MM or HH:MM:SS'] });
const cronWindow = g.strictObject({
  cron: g.string({
    refine: [(cron) => parseCron(cron).ok, 'is not a five-field cron expression'],
  }),
  timezone,
  durationSeconds: g.int({ min: 1, max: 7 * 86_400 }),
});
const rangeWindow = g.strictObject({
  days: g.optional(g.array(g.oneOf(WEEKDAYS), { min: 1, max: 7 })),
  start: time,
  end: time,
  timezone,
});

export const maintenancePolicyGuard = g.strictObject({
  windows: g.array(g.union([cronWindow, rangeWindow]), { max: 100 }),
  /** A patch deferred this long is installed even outside a window. */
  maxDeferralSeconds: g.optional(g.int({ min: 1 })),
});
export type MaintenancePolicy = g.Infer<typeof maintenancePolicyGuard>;
type RangeWindow = g.Infer<typeof rangeWindow>;

export type Status =
  { readonly open: true } | { readonly open: false; readonly opensAt: number | null };

/** Open now, or when the next window opens (null: never). */
export function maintenanceStatus(policy: MaintenancePolicy, now: number): Status {
  if (policy.windows.length === 0) return { open: true };
  const crons = policy.windows.filter((w): w is MaintenanceWindow => 'cron' in w);
  const ranges = policy.windows.filter((w): w is RangeWindow => 'start' in w);
  const cron = windowStatus(crons, now);
  if (crons.length > 0 && cron.open) return { open: true };
  if (ranges.some((w) => rangeOpen(w, now))) return { open: true };
  const starts = ranges.map((w) => nextRangeStart(w, now)).filter((at) => at !== null);
  if (crons.length > 0 && !cron.open && cron.opensAt !== null) starts.push(cron.opensAt);
  return { open: false, opensAt: starts.length > 0 ? Math.min(...starts) : null };
}

function seconds(time: string): number {
  const [, h = '0', m = '0', s = '0'] = TIME.exec(time) ?? [];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Open when the zone's weekday is listed and the time of day is in [start, end) (may wrap midnight). */
function rangeOpen(window: RangeWindow, now: number): boolean {
  const wall = wallClock(now, window.timezone);
  const at = wall.hour * 3600 + wall.minute * 60 + wall.second;
  const [start, end] = [seconds(window.start), seconds(window.end)];
  const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
  const listed = (day: number) =>
    window.days === undefined || window.days.includes(WEEKDAYS[(day + 7) % 7] ?? 'sun');
  if (start < end) return listed(weekday) && at >= start && at < end;
  return (listed(weekday) && at >= start) || (listed(weekday - 1) && at < end);
}

function nextRangeStart(window: RangeWindow, now: number): number | null {
  const wall = wallClock(now, window.timezone);
  const start = seconds(window.start);
  for (let offset = 0; offset <= 8; offset++) {
    const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + offset));
    const day = WEEKDAYS[date.getUTCDay()] ?? 'sun';
    if (window.days !== undefined && !window.days.includes(day)) continue;
    const at = zonedTimeToUtc(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(start / 3600),
        minute: Math.floor((start % 3600) / 60),
        second: start % 60,
      },
      window.timezone,
    );
    if (at > now) return at;
  }
  return null;
}
