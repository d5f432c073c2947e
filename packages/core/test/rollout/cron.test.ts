import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronDayMatches, parseCron } from '../../src/rollout/index.js';
import type { CronSchedule } from '../../src/rollout/index.js';

function schedule(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  assert.ok(parsed.ok, `${expression}: ${parsed.ok ? '' : parsed.message}`);
  return parsed.schedule;
}

test('cron: lists, ranges, steps and names', () => {
  const s = schedule('*/15 22-23,0-2 * jan,JUL-Sep mon-fri');
  assert.deepEqual(s.minutes, [0, 15, 30, 45]);
  assert.deepEqual(s.hours, [0, 1, 2, 22, 23]);
  assert.deepEqual(s.months, [1, 7, 8, 9]);
  assert.deepEqual(s.daysOfWeek, [1, 2, 3, 4, 5]);
  assert.equal(s.daysOfMonth.length, 31);
  assert.deepEqual(schedule('0 0 * * 7').daysOfWeek, [0]);
  assert.deepEqual(schedule('5-20/5 * * * *').minutes, [5, 10, 15, 20]);
});

test('cron: each error names its field', () => {
  const cases: [string, string, RegExp][] = [
    ['61 * * * *', 'minute', /61 is out of range 0-59/],
    ['0 24 * * *', 'hour', /24 is out of range 0-23/],
    ['0 0 0 * *', 'day-of-month', /0 is out of range 1-31/],
    ['0 0 * 13 *', 'month', /13 is out of range 1-12/],
    ['0 0 * * 8', 'day-of-week', /8 is out of range 0-7/],
    ['0 0 * * mnday', 'day-of-week', /is not a number or a name/],
    ['0 0 * foo *', 'month', /not a number/],
    ['*/0 * * * *', 'minute', /step "0"/],
    ['5/10 * * * *', 'minute', /needs "\*" or a range/],
    ['0 5-1 * * *', 'hour', /runs backwards/],
    ['0 1,,2 * * *', 'hour', /empty/],
    ['0 0 L * *', 'day-of-month', /not a number/],
    ['0 0 ? * *', 'day-of-month', /not a number/],
    ['0 0 * * *', 'ok', /./],
    ['0 0 * *', 'expression', /expected 5 fields.*got 4/],
    ['0 0 0 * * *', 'expression', /got 6/],
    ['', 'expression', /got 0/],
    ['@daily', 'expression', /got 1/],
  ];
  for (const [expression, field, message] of cases) {
    const parsed = parseCron(expression);
    if (field === 'ok') {
      assert.ok(parsed.ok);
      continue;
    }
    assert.ok(!parsed.ok, expression);
    assert.equal(parsed.field, field, expression);
    assert.match(parsed.message, message, expression);
  }
});

test('cron: schedules that never fire are rejected, leap days are not', () => {
  for (const expression of ['0 0 30 2 *', '0 0 31 4,6,9,11 *', '0 0 30-31 feb *']) {
    const parsed = parseCron(expression);
    assert.ok(!parsed.ok && parsed.field === 'day-of-month', expression);
    assert.match(parsed.message, /never/);
  }
  assert.ok(parseCron('0 0 29 2 *').ok);
  assert.ok(parseCron('0 0 31 2,3 *').ok);
  assert.ok(parseCron('0 0 30 2 mon').ok, 'both day fields restricted: Mondays in February');
});

test('cron: day matching follows Vixie cron for the two day fields', () => {
  const either = schedule('0 0 13 * fri');
  assert.ok(cronDayMatches(either, 6, 13, 5), 'Friday the 13th');
  assert.ok(cronDayMatches(either, 6, 14, 5), 'any Friday');
  assert.ok(cronDayMatches(either, 6, 13, 2), 'any 13th');
  assert.ok(!cronDayMatches(either, 6, 14, 2));
  const both = schedule('0 0 */2 * fri');
  assert.ok(cronDayMatches(both, 6, 13, 5));
  assert.ok(!cronDayMatches(both, 6, 14, 5), 'a starred field makes both required');
  assert.ok(!cronDayMatches(schedule('0 0 * 3 *'), 4, 1, 2), 'month');
});
