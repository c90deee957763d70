/**
 * From the rows of the calendars tables to the definitions working-time.ts
 * compiles, and the checks of what an admin sends: pure, no I/O.
 */
import { invalidFields } from '../common/errors/common-errors';
import type { CalendarDefinition, CalendarException, CalendarExceptionType, CalendarProblem, WorkingInterval } from './working-time';
import { CalendarDefinitionError, ISO_WEEKDAYS, compileCalendar } from './working-time';

/** Working intervals per ISO weekday, as stored (`weekly` jsonb, keys "1"…"7"). */
export type WeeklyHours = CalendarDefinition['weekly'];

/** Where a day of a calendar's working time comes from: its own table, or China's shared one (by the package or by hand). */
export const DAY_SOURCES = ['calendar', 'package', 'manual'] as const;
export type DaySource = (typeof DAY_SOURCES)[number];

/** A calendar's own dated day (`calendar_exceptions`). */
export interface OwnDay {
  date: string;
  type: CalendarExceptionType;
  name: string;
  intervals: WorkingInterval[] | null;
}

/** A day of China's shared table (`china_statutory_days`). */
export interface ChinaDay {
  date: string;
  type: CalendarExceptionType;
  name: string;
  source: 'package' | 'manual';
}

/** A day as it applies to a calendar, with where it comes from. */
export interface EffectiveDay extends OwnDay {
  source: DaySource;
}

/** What of a calendar's row a definition needs. */
export interface CalendarShape {
  key: string;
  timeZone: string;
  weekly: WeeklyHours;
  followsChinaHolidays: boolean;
}

const byDate = (a: { date: string }, b: { date: string }) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/**
 * The days that apply to a calendar, by date: its own days, and China's
 * shared days when it follows them, its own winning on the same date (a
 * site that works on a public holiday says so in its own table).
 */
export function effectiveDays(own: readonly OwnDay[], china: readonly ChinaDay[] | null): EffectiveDay[] {
  const out = new Map<string, EffectiveDay>();
  for (const d of china ?? []) out.set(d.date, { date: d.date, type: d.type, name: d.name, intervals: null, source: d.source });
  for (const d of own) out.set(d.date, { ...d, source: 'calendar' });
  return [...out.values()].sort(byDate);
}

export const toException = (d: OwnDay): CalendarException =>
  d.intervals ? { date: d.date, type: d.type, name: d.name, intervals: d.intervals } : { date: d.date, type: d.type, name: d.name };

/** The definition working-time.ts compiles for a calendar with these days. */
export function definitionOf(calendar: CalendarShape, days: readonly OwnDay[]): CalendarDefinition {
  return { key: calendar.key, timeZone: calendar.timeZone, weekly: calendar.weekly, exceptions: days.map(toException) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Working time of one standard working day in ms: the hours of the first ISO
 * weekday that has any (Monday in practice), the day working-time.ts gives a
 * make-up working day without hours of its own. So "N working days" is N of
 * these (workday: 9 h; 24x7: 24 h).
 */
export function standardDayMs(weekly: WeeklyHours): number {
  for (const day of ISO_WEEKDAYS) {
    const intervals = weekly[day];
    if (intervals?.length) return intervals.reduce((sum, iv) => sum + (minutesOf(iv.end) - minutesOf(iv.start)) * 60_000, 0);
  }
  return 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One day's intervals as sent, as `{start, end}` pairs; any other field in an interval is a problem (unknown fields are refused everywhere). */
function readIntervalList(intervals: unknown[], field: string, problems: CalendarProblem[]): WorkingInterval[] {
  return intervals.map((iv: unknown, i) => {
    if (!isObject(iv)) return iv as WorkingInterval; // compileCalendar names it
    for (const k of Object.keys(iv)) {
      if (k !== 'start' && k !== 'end')
        problems.push({ field: `${field}[${i}].${k}`, message: 'is not a field of a working interval (start, end)' });
    }
    return { start: iv.start as string, end: iv.end as string };
  });
}

/**
 * Weekly hours as sent, reduced to what is stored: each weekday key with its
 * `{start, end}` intervals, weekdays without any left out. The remaining
 * checks (weekday keys, times, order, overlap) are compileCalendar's.
 */
export function readWeekly(value: unknown, field: string, problems: CalendarProblem[]): WeeklyHours {
  if (!isObject(value)) return value as WeeklyHours; // compileCalendar names it
  const entries = Object.entries(value)
    .filter(([, intervals]) => !Array.isArray(intervals) || intervals.length)
    .map(
      ([day, intervals]) => [day, Array.isArray(intervals) ? readIntervalList(intervals, `${field}.${day}`, problems) : intervals] as const,
    )
    .sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries);
}

/** One day's intervals as sent, reduced the same way; null when none were sent. */
export function readIntervals(value: unknown, field: string, problems: CalendarProblem[]): WorkingInterval[] | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? readIntervalList(value, field, problems) : (value as WorkingInterval[]);
}

/**
 * Compiles a definition, or throws the 400 that lists its problems with the
 * request's field names (`rename` maps a definition's field, e.g.
 * `exceptions[0].intervals[1].end` → `intervals[1].end`).
 */
export function compileOrReject(def: CalendarDefinition, earlier: CalendarProblem[] = [], rename: (field: string) => string = (f) => f) {
  let problems = earlier;
  try {
    const compiled = compileCalendar(def);
    if (!problems.length) return compiled;
  } catch (err) {
    if (!(err instanceof CalendarDefinitionError)) throw err;
    problems = [...earlier, ...err.problems];
  }
  throw invalidFields(...problems.map((p) => ({ field: rename(p.field), message: p.message })));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date `YYYY-MM-DD` in 1900…9999 (what working-time.ts supports). */
export function isCalendarDate(value: unknown): value is string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900) return false;
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** The first date on which two lists of dated days differ (a day in one only, or another type or name); null when they agree. */
export function firstDifference(
  a: readonly { date: string; type: string; name: string }[],
  b: readonly { date: string; type: string; name: string }[],
): string | null {
  const other = new Map(b.map((d) => [d.date, d]));
  let first: string | null = null;
  const consider = (date: string) => {
    if (first === null || date < first) first = date;
  };
  for (const d of a) {
    const o = other.get(d.date);
    if (!o || o.type !== d.type || o.name !== d.name) consider(d.date);
    other.delete(d.date);
  }
  for (const date of other.keys()) consider(date);
  return first;
}
