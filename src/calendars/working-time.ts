/**
 * Working-time arithmetic for SLA calendars (issue 12): pure, no I/O.
 *
 * A calendar is plain data (what a database row holds): a time zone, weekly
 * working intervals in local wall time, and dated exceptions. `compileCalendar`
 * validates it once; the compiled calendar answers "when has this much working
 * time passed" and "how much working time lies between two instants".
 *
 * Semantics, all in the calendar's time zone:
 * - Working intervals are half-open, [start, end): 09:00–18:00 works at 09:00
 *   and not at 18:00. `end` may be `24:00`, the next local midnight.
 * - Working time is real elapsed time. On a day whose UTC offset changes
 *   (daylight saving), a wall-clock time that does not exist (skipped by a
 *   spring-forward) stands for the instant of the change, and one that occurs
 *   twice (fall-back) for its first occurrence; so 00:00–24:00 on such a day
 *   is 23 or 25 hours, and a working interval never runs backwards.
 * - A `holiday` exception removes the whole day. A `workday` exception works
 *   its own `intervals` when given; without them it works the hours of its
 *   own weekday when that weekday has any (a Wednesday stays a Wednesday), and
 *   otherwise those of the calendar's standard working day: the first ISO
 *   weekday that has working intervals, Monday in practice. That is what a
 *   make-up Saturday (调休) does: the State Council declares it a working
 *   day with ordinary hours, without naming a weekday.
 * - Supported instants: local years 1900 to 9999; outside, a RangeError.
 *
 * Speed: a due time must cost microseconds at intake. Days are grouped into
 * blocks of BLOCK_DAYS local days; a block holds its working intervals as UTC
 * instants with a running sum of working time, built once (the zone's offsets
 * come from Intl once per day of the block, never per query) and cached. A
 * query is one or two binary searches plus a skip over whole blocks, never a
 * walk minute by minute or day by day. A calendar that works every instant
 * (`24x7`) takes plain addition.
 */

import { CHINA_TIME_ZONE } from '../common/time/china-days';

export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** 1 = Monday … 7 = Sunday (ISO 8601). */
export type IsoWeekday = (typeof ISO_WEEKDAYS)[number];

export const DEFAULT_TIME_ZONE = CHINA_TIME_ZONE;

/** Local wall-clock times, `HH:MM`; `end` may be `24:00`. */
export interface WorkingInterval {
  start: string;
  end: string;
}

export const CALENDAR_EXCEPTION_TYPES = ['holiday', 'workday'] as const;
export type CalendarExceptionType = (typeof CALENDAR_EXCEPTION_TYPES)[number];

export interface CalendarException {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  type: CalendarExceptionType;
  name: string;
  /** Only for `workday`: the day's hours, when they differ from the rule in the header. */
  intervals?: WorkingInterval[];
}

export interface CalendarDefinition {
  key: string;
  /** IANA zone; `Asia/Shanghai` when absent. */
  timeZone?: string;
  /** Working intervals per ISO weekday (JSON keys `"1"`…`"7"` are the same); a missing weekday does not work. */
  weekly: Partial<Record<IsoWeekday, WorkingInterval[]>>;
  exceptions?: CalendarException[];
}

/** What compileCalendar returns; pass it to the functions below. */
export interface CompiledCalendar {
  readonly key: string;
  readonly timeZone: string;
  /** Every instant is working time (`24x7`): the functions below reduce to plain arithmetic. */
  readonly alwaysWorking: boolean;
}

export interface CalendarProblem {
  /** Where in the definition, e.g. `weekly.1[0].end`, `exceptions[3].date`. */
  field: string;
  message: string;
}

/** A definition that cannot be compiled; `problems` lists every fault found (the shape of a 400's `errors`). */
export class CalendarDefinitionError extends Error {
  constructor(readonly problems: CalendarProblem[]) {
    super(`Invalid calendar definition: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'CalendarDefinitionError';
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const BLOCK_DAYS = 256;
/** Blocks kept per calendar before the cache starts over (one block is a few kilobytes; 512 blocks are 358 years). */
const MAX_CACHED_BLOCKS = 512;

const MIN_DAY = Date.UTC(1900, 0, 1) / DAY;
const MAX_DAY = Date.UTC(9999, 11, 31) / DAY;
const MIN_BLOCK = Math.ceil(MIN_DAY / BLOCK_DAYS);
const MAX_BLOCK = Math.floor((MAX_DAY + 1) / BLOCK_DAYS) - 1;

/** Day 0 (1970-01-01) was a Thursday. */
const isoWeekdayOfDay = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;

/** A day's working intervals as pairs of milliseconds after local midnight: [start0, end0, start1, end1, …]. */
type DayRule = readonly number[];

// ─── validation ────────────────────────────────────────────────────────────

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseTime(value: unknown): number | null {
  const m = typeof value === 'string' ? TIME.exec(value) : null;
  if (!m) return null;
  return m[3] ? DAY : (Number(m[1]) * 60 + Number(m[2])) * MINUTE;
}

/** Local day number (days since 1970-01-01) of a `YYYY-MM-DD` date in 1900–9999, or null. */
function parseDate(value: unknown): number | null {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return null;
  const ms = Date.UTC(y, mo - 1, d);
  if (new Date(ms).getUTCDate() !== d) return null; // 2026-02-30
  return ms / DAY;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseIntervals(value: unknown, field: string, problems: CalendarProblem[]): DayRule {
  if (!Array.isArray(value)) {
    problems.push({ field, message: 'must be a list of {start, end} intervals' });
    return [];
  }
  const rule: number[] = [];
  value.forEach((iv: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(iv)) return problems.push({ field: at, message: 'must be an object {start, end}' });
    const start = parseTime(iv.start);
    const end = parseTime(iv.end);
    if (start === null || start === DAY) problems.push({ field: `${at}.start`, message: 'must be a time HH:MM from 00:00 to 23:59' });
    if (end === null) problems.push({ field: `${at}.end`, message: 'must be a time HH:MM from 00:00 to 24:00' });
    if (start === null || start === DAY || end === null) return;
    if (start >= end) return problems.push({ field: at, message: `start ${String(iv.start)} must be before end ${String(iv.end)}` });
    if (rule.length && start < rule[rule.length - 1]) {
      return problems.push({ field: at, message: 'intervals must be in order and must not overlap the one before' });
    }
    rule.push(start, end);
  });
  return rule;
}

/** Joins touching intervals (12:00–12:00) so that "the whole day" has one shape. */
function mergeTouching(rule: DayRule): number[] {
  const out: number[] = [];
  for (let i = 0; i < rule.length; i += 2) {
    if (out.length && rule[i] <= out[out.length - 1]) out[out.length - 1] = Math.max(out[out.length - 1], rule[i + 1]);
    else out.push(rule[i], rule[i + 1]);
  }
  return out;
}

const isWholeDay = (rule: DayRule) => rule.length === 2 && rule[0] === 0 && rule[1] === DAY;

interface Parsed {
  key: string;
  timeZone: string;
  zone: Zone;
  weekly: DayRule[]; // index 1..7
  exceptions: Map<number, DayRule>;
  alwaysWorking: boolean;
}

function parseDefinition(def: unknown): Parsed {
  const problems: CalendarProblem[] = [];
  if (!isObject(def)) throw new CalendarDefinitionError([{ field: '', message: 'a calendar definition must be an object' }]);

  const key = def.key;
  if (typeof key !== 'string' || !key.trim() || key.length > 64) {
    problems.push({ field: 'key', message: 'must be a non-empty string of at most 64 characters' });
  }

  const timeZone = def.timeZone ?? DEFAULT_TIME_ZONE;
  let zone: Zone | null = null;
  if (typeof timeZone !== 'string' || !timeZone) problems.push({ field: 'timeZone', message: 'must be an IANA time zone name' });
  else {
    try {
      zone = Zone.named(timeZone);
    } catch {
      problems.push({ field: 'timeZone', message: `unknown time zone "${timeZone}"` });
    }
  }

  const weekly: DayRule[] = Array.from({ length: 8 }, () => []);
  if (!isObject(def.weekly)) problems.push({ field: 'weekly', message: 'must be an object keyed by ISO weekday 1 (Monday) to 7 (Sunday)' });
  else {
    for (const [k, v] of Object.entries(def.weekly)) {
      if (!/^[1-7]$/.test(k)) {
        problems.push({ field: `weekly.${k}`, message: 'is not an ISO weekday: use 1 (Monday) to 7 (Sunday)' });
        continue;
      }
      if (v === undefined) continue;
      weekly[Number(k)] = mergeTouching(parseIntervals(v, `weekly.${k}`, problems));
    }
    if (!problems.length && weekly.every((rule) => !rule.length)) {
      problems.push({ field: 'weekly', message: 'must have at least one working interval in the week, or no due time would ever come' });
    }
  }
  const standardDay = weekly.find((rule) => rule.length) ?? [];

  const exceptions = new Map<number, DayRule>();
  const rawExceptions = def.exceptions ?? [];
  if (!Array.isArray(rawExceptions)) problems.push({ field: 'exceptions', message: 'must be a list' });
  else {
    const seen = new Map<number, number>();
    rawExceptions.forEach((ex: unknown, i) => {
      const at = `exceptions[${i}]`;
      if (!isObject(ex)) return problems.push({ field: at, message: 'must be an object {date, type, name}' });
      const day = parseDate(ex.date);
      if (day === null) problems.push({ field: `${at}.date`, message: 'must be a valid date YYYY-MM-DD from 1900 to 9999' });
      if (!CALENDAR_EXCEPTION_TYPES.includes(ex.type as CalendarExceptionType)) {
        problems.push({ field: `${at}.type`, message: `must be one of ${CALENDAR_EXCEPTION_TYPES.join(', ')}` });
      }
      if (typeof ex.name !== 'string' || !ex.name.trim()) problems.push({ field: `${at}.name`, message: 'must be a non-empty string' });
      let rule: DayRule = [];
      if (ex.intervals !== undefined) {
        if (ex.type === 'holiday') problems.push({ field: `${at}.intervals`, message: 'a holiday has no working intervals' });
        else {
          rule = mergeTouching(parseIntervals(ex.intervals, `${at}.intervals`, problems));
          if (!rule.length && Array.isArray(ex.intervals) && !ex.intervals.length) {
            problems.push({
              field: `${at}.intervals`,
              message: 'a workday needs at least one interval (leave it out for the usual hours)',
            });
          }
        }
      } else if (ex.type === 'workday' && day !== null) {
        const own = weekly[isoWeekdayOfDay(day)];
        rule = own.length ? own : standardDay;
      }
      if (day === null) return;
      const first = seen.get(day);
      if (first !== undefined) {
        return problems.push({ field: `${at}.date`, message: `${String(ex.date)} is already in exceptions[${first}]` });
      }
      seen.set(day, i);
      exceptions.set(day, rule);
    });
  }

  if (problems.length || !zone) throw new CalendarDefinitionError(problems);
  const alwaysWorking = weekly.slice(1).every(isWholeDay) && [...exceptions.values()].every(isWholeDay);
  return { key: key as string, timeZone: timeZone as string, zone, weekly, exceptions, alwaysWorking };
}

// ─── time zone ─────────────────────────────────────────────────────────────

/** `M/D/YYYY, HH:MM:SS`, what en-US numeric formatting gives. */
const EN_US_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/**
 * UTC offsets of one IANA zone, read from Intl. Only block building calls it.
 * One instance per zone name, shared by every calendar in it, so that a
 * calendar compiled again after an edit reuses the offsets already read.
 */
class Zone {
  private static readonly zones = new Map<string, Zone>();
  private readonly format: Intl.DateTimeFormat;
  private readonly blockOffsets = new Map<number, Float64Array>();

  /** Throws a RangeError for a name Intl does not know. */
  static named(name: string): Zone {
    let zone = Zone.zones.get(name);
    if (!zone) {
      zone = new Zone(name);
      if (Zone.zones.size >= 1000) Zone.zones.clear();
      Zone.zones.set(name, zone);
    }
    return zone;
  }

  /**
   * The offsets at UTC midnight of days d0 - 1 … d0 + BLOCK_DAYS + 2 for the
   * block that starts on day d0: what a block needs to place its intervals.
   */
  offsetsAround(index: number): Float64Array {
    let offsets = this.blockOffsets.get(index);
    if (!offsets) {
      const d0 = index * BLOCK_DAYS;
      offsets = new Float64Array(BLOCK_DAYS + 4);
      for (let i = 0; i < offsets.length; i++) offsets[i] = this.offsetAt((d0 - 1 + i) * DAY);
      if (this.blockOffsets.size >= MAX_CACHED_BLOCKS) this.blockOffsets.clear();
      this.blockOffsets.set(index, offsets);
    }
    return offsets;
  }

  private constructor(name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at instant `t`, in ms. */
  offsetAt(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    // format() and a pattern cost a third of formatToParts(); the parts remain the fallback should the shape ever differ
    const m = EN_US_DATE_TIME.exec(this.format.format(whole));
    if (m) return Date.UTC(+m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6]) - whole;
    const f: Record<string, number> = {};
    for (const p of this.format.formatToParts(whole)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - whole;
  }

  /**
   * The instant of local wall time `local` (ms since 1970-01-01T00:00 local):
   * in a fall-back overlap the earlier instant, in a spring-forward gap the
   * instant of the change itself.
   */
  localToInstant(local: number): number {
    const before = this.offsetAt(local - DAY);
    const after = this.offsetAt(local + DAY);
    const t1 = local - before;
    if (before === after) return t1;
    const t2 = local - after;
    const ok1 = this.offsetAt(t1) === before;
    const ok2 = this.offsetAt(t2) === after;
    if (ok1 && ok2) return Math.min(t1, t2);
    if (ok1) return t1;
    if (ok2) return t2;
    // In the gap: find the change between the two candidates, to the second.
    let lo = Math.min(t1, t2) / 1000;
    let hi = Math.max(t1, t2) / 1000;
    const loOffset = this.offsetAt(lo * 1000);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid * 1000) === loOffset) lo = mid;
      else hi = mid;
    }
    return hi * 1000;
  }
}

// ─── compiled calendar ─────────────────────────────────────────────────────

/** BLOCK_DAYS local days: their working intervals as instants, and the working time up to each interval's end. */
interface Block {
  index: number;
  /** Instant of the local midnight that opens the block, and of the one that closes it (the next block's start). */
  start: number;
  end: number;
  starts: Float64Array;
  ends: Float64Array;
  /** cumEnd[k]: working ms of this block from its start to ends[k]. */
  cumEnd: Float64Array;
  total: number;
}

class Calendar implements CompiledCalendar {
  readonly key: string;
  readonly timeZone: string;
  readonly alwaysWorking: boolean;
  private readonly zone: Zone;
  private readonly weekly: DayRule[];
  private readonly exceptions: Map<number, DayRule>;
  private readonly blocks = new Map<number, Block>();
  /** An offset of the zone, to guess which block holds an instant (the guess is then checked). */
  private hint: number;

  constructor(p: Parsed) {
    this.key = p.key;
    this.timeZone = p.timeZone;
    this.alwaysWorking = p.alwaysWorking;
    this.zone = p.zone;
    this.weekly = p.weekly;
    this.exceptions = p.exceptions;
    this.hint = p.zone.offsetAt(Date.now());
  }

  block(index: number): Block {
    let b = this.blocks.get(index);
    if (!b) {
      if (index < MIN_BLOCK || index > MAX_BLOCK) throw new RangeError(`calendar ${this.key}: outside the supported years 1900 to 9999`);
      if (this.blocks.size >= MAX_CACHED_BLOCKS) this.blocks.clear();
      b = this.build(index);
      this.blocks.set(index, b);
    }
    return b;
  }

  blockAt(t: number): Block {
    let index = Math.floor(Math.floor((t + this.hint) / DAY) / BLOCK_DAYS);
    let b = this.block(index);
    while (t < b.start) b = this.block(--index);
    while (t >= b.end) b = this.block(++index);
    return b;
  }

  private build(index: number): Block {
    const d0 = index * BLOCK_DAYS;
    // offsets[i]: the zone's offset at UTC midnight of day d0 - 1 + i. Where the four around a day agree,
    // no offset change can touch that day's local times (they lie within ±14 h of its UTC midnight).
    const offsets = this.zone.offsetsAround(index);
    this.hint = offsets[1];
    const instant = (day: number, msOfDay: number) => {
      const i = day - d0 + 1;
      const o = offsets[i];
      const local = day * DAY + msOfDay;
      return offsets[i - 1] === o && offsets[i + 1] === o && offsets[i + 2] === o ? local - o : this.zone.localToInstant(local);
    };

    const starts: number[] = [];
    const ends: number[] = [];
    for (let day = d0; day < d0 + BLOCK_DAYS; day++) {
      const rule = this.exceptions.get(day) ?? this.weekly[isoWeekdayOfDay(day)];
      for (let k = 0; k < rule.length; k += 2) {
        const s = instant(day, rule[k]);
        const e = instant(day, rule[k + 1]);
        const n = ends.length;
        if (n && s <= ends[n - 1])
          ends[n - 1] = Math.max(ends[n - 1], e); // touching across midnight, or squeezed by an offset change
        else if (e > s) {
          starts.push(s);
          ends.push(e);
        }
      }
    }
    const cumEnd = new Float64Array(ends.length);
    let total = 0;
    for (let k = 0; k < ends.length; k++) cumEnd[k] = total += ends[k] - starts[k];
    return {
      index,
      start: instant(d0, 0),
      end: instant(d0 + BLOCK_DAYS, 0),
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cumEnd,
      total,
    };
  }
}

/** Index of the first interval of `b` that ends after `t` (b.ends.length when none does). */
function firstEndingAfter(b: Block, t: number): number {
  let lo = 0;
  let hi = b.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.ends[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Working ms of block `b` before instant `t` (t within the block). */
function positionIn(b: Block, t: number): number {
  const k = firstEndingAfter(b, t);
  if (k === b.ends.length) return b.total;
  const before = k ? b.cumEnd[k - 1] : 0;
  return before + Math.max(0, t - b.starts[k]);
}

function calendarOf(cal: CompiledCalendar): Calendar {
  if (!(cal instanceof Calendar)) throw new TypeError('not a compiled calendar: pass what compileCalendar returned');
  return cal;
}

function msOf(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

function dateOf(t: number): Date {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError('the result lies beyond the dates JavaScript can represent');
  return d;
}

// ─── API ───────────────────────────────────────────────────────────────────

/** Validates a definition (throws CalendarDefinitionError naming every problem) and prepares it for fast queries. */
export function compileCalendar(def: CalendarDefinition): CompiledCalendar {
  return new Calendar(parseDefinition(def));
}

/**
 * The instant at which `ms` of working time has passed since `start`. Counting
 * begins at the next working instant when `start` is outside working time.
 * The result is the end of the consumed working time: for `ms > 0` the
 * millisecond before it is always working time (the result itself may be the
 * end of an interval, e.g. 18:00). `ms = 0` returns `start`'s instant as it
 * is, working or not. `ms` is a whole number of milliseconds, not negative.
 */
export function addWorkingTime(cal: CompiledCalendar, start: Date, ms: number): Date {
  const c = calendarOf(cal);
  const t = msOf(start, 'start');
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`working time must be a whole number of ms, not negative (got ${ms})`);
  if (ms === 0) return new Date(t);
  if (c.alwaysWorking) return dateOf(t + ms);
  let b = c.blockAt(t);
  let target = positionIn(b, t) + ms;
  while (target > b.total) {
    target -= b.total;
    b = c.block(b.index + 1);
  }
  // the first interval whose running total reaches the target
  let lo = 0;
  let hi = b.cumEnd.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.cumEnd[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return new Date(b.starts[lo] + target - (lo ? b.cumEnd[lo - 1] : 0));
}

/** Working ms in [a, b); 0 when b ≤ a. */
export function workingTimeBetween(cal: CompiledCalendar, a: Date, b: Date): number {
  const c = calendarOf(cal);
  const ta = msOf(a, 'a');
  const tb = msOf(b, 'b');
  if (tb <= ta) return 0;
  if (c.alwaysWorking) return tb - ta;
  const first = c.blockAt(ta);
  const last = c.blockAt(tb);
  if (first === last) return positionIn(last, tb) - positionIn(first, ta);
  let sum = first.total - positionIn(first, ta);
  for (let i = first.index + 1; i < last.index; i++) sum += c.block(i).total;
  return sum + positionIn(last, tb);
}

/** Whether `t` lies inside a working interval (start included, end excluded). */
export function isWorkingInstant(cal: CompiledCalendar, t: Date): boolean {
  const c = calendarOf(cal);
  const ms = msOf(t, 't');
  if (c.alwaysWorking) return true;
  const b = c.blockAt(ms);
  const k = firstEndingAfter(b, ms);
  return k < b.ends.length && b.starts[k] <= ms;
}

/** `t` itself when it is working time, otherwise the start of the next working interval. */
export function nextWorkingInstant(cal: CompiledCalendar, t: Date): Date {
  const c = calendarOf(cal);
  let ms = msOf(t, 't');
  if (c.alwaysWorking) return new Date(ms);
  for (let b = c.blockAt(ms); ; b = c.block(b.index + 1), ms = b.start) {
    const k = firstEndingAfter(b, ms);
    if (k < b.ends.length) return new Date(Math.max(ms, b.starts[k]));
  }
}
