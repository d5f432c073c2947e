/**
 * A strict five-field cron parser (minute hour day-of-month month day-of-week) with Vixie cron
 * semantics: `*`, lists, ranges, steps over `*` or a range, month and weekday names; when both
 * day fields are restricted (neither starts with `*`) a day matches either of them. Every error
 * names the field it is in.
 */
export const CRON_FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
export type CronField = (typeof CRON_FIELDS)[number];

export interface CronSchedule {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday; 7 is read as 0. */
  readonly daysOfWeek: readonly number[];
  readonly dayOfMonthStar: boolean;
  readonly dayOfWeekStar: boolean;
}

export type CronParseResult =
  | { readonly ok: true; readonly schedule: CronSchedule }
  | { readonly ok: false; readonly field: CronField | 'expression'; readonly message: string };

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SPECS: Readonly<Record<CronField, FieldSpec>> = {
  minute: { min: 0, max: 59, names: [] },
  hour: { min: 0, max: 23, names: [] },
  'day-of-month': { min: 1, max: 31, names: [] },
  month: { min: 1, max: 12, names: MONTHS },
  'day-of-week': { min: 0, max: 7, names: DAYS },
};
/** The most days each month can have (February in leap years). */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

class FieldError extends Error {}

export function parseCron(expression: string): CronParseResult {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || expression.trim() === '')
    return {
      ok: false,
      field: 'expression',
      message: `expected 5 fields (${CRON_FIELDS.join(' ')}), got ${expression.trim() === '' ? 0 : parts.length}`,
    };
  const values: number[][] = [];
  for (const [i, field] of CRON_FIELDS.entries()) {
    try {
      values.push(parseField(parts[i] ?? '', SPECS[field]));
    } catch (error) {
      return { ok: false, field, message: `${field} "${parts[i]}": ${(error as Error).message}` };
    }
  }
  return checkReachable(toSchedule(values, parts));
}

function toSchedule(values: readonly number[][], parts: readonly string[]): CronSchedule {
  const [minutes = [], hours = [], daysOfMonth = [], months = [], weekdays = []] = values;
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: [...new Set(weekdays.map((d) => d % 7))].sort((a, b) => a - b),
    dayOfMonthStar: parts[2]?.startsWith('*') ?? true,
    dayOfWeekStar: parts[4]?.startsWith('*') ?? true,
  };
}

/** Rejects day-of-month and month combinations that no calendar has (e.g. 30 February). */
function checkReachable(schedule: CronSchedule): CronParseResult {
  const usesBoth = !schedule.dayOfMonthStar && !schedule.dayOfWeekStar;
  const reachable = schedule.months.some((month) =>
    schedule.daysOfMonth.some((day) => day <= (LONGEST_MONTH[month - 1] ?? 0)),
  );
  if (usesBoth || reachable) return { ok: true, schedule };
  return {
    ok: false,
    field: 'day-of-month',
    message: `day-of-month ${schedule.daysOfMonth.join(',')} never occurs in month ${schedule.months.join(',')}: the schedule never fires`,
  };
}

function parseField(text: string, spec: FieldSpec): number[] {
  const items = text.split(',');
  if (items.includes('')) throw new FieldError('has an empty list item');
  const set = new Set<number>();
  for (const item of items) for (const value of parseItem(item, spec)) set.add(value);
  return [...set].sort((a, b) => a - b);
}

function parseItem(item: string, spec: FieldSpec): number[] {
  const [base = '', step, extra] = item.split('/');
  if (extra !== undefined) throw new FieldError(`"${item}" has more than one step`);
  const every = step === undefined ? 1 : parseStep(step);
  const [from, to] = parseRange(base, spec, step !== undefined);
  const values: number[] = [];
  for (let v = from; v <= to; v += every) values.push(v);
  return values;
}

function parseStep(text: string): number {
  if (!/^\d{1,2}$/.test(text) || Number(text) === 0)
    throw new FieldError(`step "${text}" must be a whole number from 1 to 99`);
  return Number(text);
}

function parseRange(base: string, spec: FieldSpec, stepped: boolean): [number, number] {
  if (base === '*') return [spec.min, spec.max];
  const [first = '', last, extra] = base.split('-');
  if (extra !== undefined) throw new FieldError(`"${base}" is not a range like 1-5`);
  if (last === undefined) {
    if (stepped) throw new FieldError(`a step needs "*" or a range before it, not "${base}"`);
    const value = parseValue(first, spec);
    return [value, value];
  }
  const [from, to] = [parseValue(first, spec), parseValue(last, spec)];
  if (from > to) throw new FieldError(`range ${base} runs backwards`);
  return [from, to];
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names.indexOf(text.toLowerCase());
  if (named >= 0) return named + (spec.min === 1 ? 1 : 0);
  if (!/^\d{1,2}$/.test(text)) throw new FieldError(`"${text}" is not a number${hintNames(spec)}`);
  const value = Number(text);
  if (value < spec.min || value > spec.max)
    throw new FieldError(`${value} is out of range ${spec.min}-${spec.max}`);
  return value;
}

function hintNames(spec: FieldSpec): string {
  return spec.names.length === 0 ? '' : ` or a name (${spec.names.join(', ')})`;
}

/** Whether a calendar day (month 1-12, weekday 0 = Sunday) is one the schedule fires on. */
export function cronDayMatches(
  schedule: CronSchedule,
  month: number,
  day: number,
  weekday: number,
): boolean {
  if (!schedule.months.includes(month)) return false;
  const byDay = schedule.daysOfMonth.includes(day);
  const byWeekday = schedule.daysOfWeek.includes(weekday);
  if (schedule.dayOfMonthStar || schedule.dayOfWeekStar) return byDay && byWeekday;
  return byDay || byWeekday;
}
