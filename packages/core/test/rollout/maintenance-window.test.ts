import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isTimeZone,
  nextCronTime,
  parseCron,
  wallClock,
  windowStatus,
  zonedTimeToUtc,
} from '../../src/rollout/index.js';
import type { CronSchedule, MaintenanceWindow } from '../../src/rollout/index.js';

function schedule(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.schedule;
}

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

test('time zones: validity and wall clocks', () => {
  assert.ok(isTimeZone('Europe/Berlin') && isTimeZone('UTC') && isTimeZone('America/New_York'));
  assert.ok(!isTimeZone('Europe/Berlim') && !isTimeZone('Mars/Olympus'));
  const wall = wallClock(Date.UTC(2025, 6, 1, 12, 0), 'Europe/Berlin');
  assert.deepEqual(wall, { year: 2025, month: 7, day: 1, hour: 14, minute: 0, second: 0 });
  assert.equal(wallClock(Date.UTC(2025, 0, 1, 0, 0), 'America/New_York').hour, 19);
});

test('time zones: daylight-saving gaps move forward, repeated times take the first', () => {
  const at = (h: number, m: number, day: number, month: number): number =>
    zonedTimeToUtc({ year: 2025, month, day, hour: h, minute: m, second: 0 }, 'Europe/Berlin');
  assert.equal(
    iso(at(2, 30, 30, 3)),
    '2025-03-30T01:30:00.000Z',
    'skipped 02:30 CET -> 03:30 CEST',
  );
  assert.equal(iso(at(2, 30, 26, 10)), '2025-10-26T00:30:00.000Z', 'first 02:30 (CEST)');
  assert.equal(iso(at(10, 0, 26, 10)), '2025-10-26T09:00:00.000Z', 'after the change (CET)');
  assert.equal(iso(at(10, 0, 30, 3)), '2025-03-30T08:00:00.000Z', 'after the change (CEST)');
});

test('next cron time in a zone', () => {
  const nightly = schedule('0 22 * * mon-fri');
  const fridayNoon = Date.UTC(2025, 0, 10, 11, 0);
  assert.equal(iso(nextCronTime(nightly, 'Europe/Berlin', fridayNoon)), '2025-01-10T21:00:00.000Z');
  const fridayLate = Date.UTC(2025, 0, 10, 22, 0);
  assert.equal(iso(nextCronTime(nightly, 'Europe/Berlin', fridayLate)), '2025-01-13T21:00:00.000Z');
  const exact = Date.UTC(2025, 0, 13, 21, 0);
  assert.equal(nextCronTime(nightly, 'Europe/Berlin', exact), exact, 'inclusive');
  const leap = schedule('0 0 29 2 *');
  assert.equal(iso(nextCronTime(leap, 'UTC', Date.UTC(2025, 0, 1))), '2028-02-29T00:00:00.000Z');
  assert.equal(iso(nextCronTime(leap, 'UTC', Date.UTC(2097, 0, 1))), '2104-02-29T00:00:00.000Z');
  // DST: a skipped time moves forward by the gap, a repeated time fires once, in its first
  // occurrence (zonedTimeToUtc); cron-parser differs on both (ADR 0041)
  const skipped = Date.UTC(2025, 2, 30, 1, 15); // 03:15 CEST, just after the gap
  assert.equal(
    iso(nextCronTime(schedule('30 2 * * *'), 'Europe/Berlin', skipped)),
    '2025-03-30T01:30:00.000Z',
    '02:30 does not exist that day: 03:30 CEST',
  );
  const repeated = Date.UTC(2025, 9, 26, 0, 15); // 02:15 CEST, before the clocks go back
  assert.equal(
    iso(nextCronTime(schedule('0 * * * *'), 'Europe/Berlin', repeated)),
    '2025-10-26T02:00:00.000Z',
    'the second 02:00 (CET) is not a new hour: next is 03:00 CET',
  );
  const kathmandu = schedule('30 3 * * *');
  assert.equal(
    iso(nextCronTime(kathmandu, 'Asia/Kathmandu', Date.UTC(2025, 0, 1))),
    '2025-01-01T21:45:00.000Z',
  );
});

test('window status: open until its end, closed until the next start', () => {
  const windows: MaintenanceWindow[] = [
    { cron: '0 22 * * *', timezone: 'Europe/Berlin', durationSeconds: 6 * 3600 },
  ];
  const inside = Date.UTC(2025, 0, 10, 23, 30);
  assert.deepEqual(windowStatus(windows, inside), {
    open: true,
    closesAt: Date.UTC(2025, 0, 11, 3, 0),
  });
  const outside = Date.UTC(2025, 0, 11, 3, 0);
  assert.deepEqual(windowStatus(windows, outside), {
    open: false,
    opensAt: Date.UTC(2025, 0, 11, 21, 0),
  });
  assert.equal(windowStatus([], outside).open, true, 'no windows: always open');
  const two: MaintenanceWindow[] = [
    ...windows,
    { cron: '0 8 * * sat', timezone: 'UTC', durationSeconds: 3600 },
  ];
  assert.deepEqual(windowStatus(two, Date.UTC(2025, 0, 11, 8, 30)), {
    open: true,
    closesAt: Date.UTC(2025, 0, 11, 9, 0),
  });
  assert.deepEqual(windowStatus(two, Date.UTC(2025, 0, 11, 9, 0)), {
    open: false,
    opensAt: Date.UTC(2025, 0, 11, 21, 0),
  });
});
