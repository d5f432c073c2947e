import { cronDayMatches, parseCron } from './cron.js';
import type { CronSchedule } from './cron.js';
import type { MaintenanceWindow } from './plan.js';
import { wallClock, zonedTimeToUtc } from './zoned-time.js';

/** Far enough to reach 29 February across a skipped leap year (2096 to 2104). */
const HORIZON_DAYS = 9 * 366;
/** Wall-clock minutes before "now" still tried on the first day, for daylight-saving shifts. */
const SHIFT_MINUTES = 180;
const ALWAYS_OPEN_UNTIL = Number.MAX_SAFE_INTEGER;

export type WindowStatus =
  | { readonly open: true; readonly closesAt: number }
  | { readonly open: false; readonly opensAt: number | null };

const schedules = new Map<string, CronSchedule>();

function scheduleOf(cron: string): CronSchedule {
  let schedule = schedules.get(cron);
  if (schedule === undefined) {
    const parsed = parseCron(cron);
    if (!parsed.ok) throw new RangeError(`invalid cron "${cron}": ${parsed.message}`);
    schedule = parsed.schedule;
    schedules.set(cron, schedule);
  }
  return schedule;
}

/** The first instant at or after `from` when the schedule fires in the zone, if any. */
export function nextCronTime(
  schedule: CronSchedule,
  timeZone: string,
  from: number,
): number | null {
  const now = wallClock(from, timeZone);
  const nowMinutes = now.hour * 60 + now.minute;
  for (let offset = 0; offset <= HORIZON_DAYS; offset += 1) {
    const date = new Date(Date.UTC(now.year, now.month - 1, now.day + offset));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (!cronDayMatches(schedule, month, day, date.getUTCDay())) continue;
    for (const hour of schedule.hours) {
      for (const minute of schedule.minutes) {
        if (offset === 0 && hour * 60 + minute < nowMinutes - SHIFT_MINUTES) continue;
        const at = zonedTimeToUtc({ year, month, day, hour, minute, second: 0 }, timeZone);
        if (at >= from) return at;
      }
    }
  }
  return null;
}

function singleStatus(window: MaintenanceWindow, now: number): WindowStatus {
  const duration = window.durationSeconds * 1000;
  const start = nextCronTime(scheduleOf(window.cron), window.timezone, now - duration + 1);
  if (start !== null && start <= now) return { open: true, closesAt: start + duration };
  return { open: false, opensAt: start };
}

/**
 * Whether any window is open at `now`, and until when; or when the next one opens. No windows
 * means always open.
 */
export function windowStatus(windows: readonly MaintenanceWindow[], now: number): WindowStatus {
  if (windows.length === 0) return { open: true, closesAt: ALWAYS_OPEN_UNTIL };
  const statuses = windows.map((w) => singleStatus(w, now));
  const open = statuses.flatMap((s) => (s.open ? [s.closesAt] : []));
  if (open.length > 0) return { open: true, closesAt: Math.max(...open) };
  const opens = statuses.flatMap((s) => (!s.open && s.opensAt !== null ? [s.opensAt] : []));
  return { open: false, opensAt: opens.length > 0 ? Math.min(...opens) : null };
}
