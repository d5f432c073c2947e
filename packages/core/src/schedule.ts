/** `@patchcast/core/schedule`: cron expressions, time zones and maintenance windows alone. */
export { CRON_FIELDS, cronDayMatches, parseCron } from './rollout/cron.js';
export type { CronField, CronParseResult, CronSchedule } from './rollout/cron.js';
export { isTimeZone, wallClock, zonedTimeToUtc } from './rollout/zoned-time.js';
export type { WallClock } from './rollout/zoned-time.js';
export { nextCronTime, windowStatus } from './rollout/maintenance-window.js';
export type { WindowStatus } from './rollout/maintenance-window.js';
