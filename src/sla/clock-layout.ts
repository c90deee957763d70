/**
 * Where a clock's thresholds fall in working time (docs/ARCHITECTURE.md,
 * "SLA in working time"). Pure: the calendar comes in compiled.
 *
 * A clock consumes working time only while it runs. It keeps what it has
 * consumed before its current running stretch (`workedMs`) and when that
 * stretch began (`resumedAt`); a level is due when its share of the target
 * has been consumed, i.e. at `resumedAt` plus the rest of that share, laid
 * out on the calendar. A pause adds the stretch to `workedMs`; a resume lays
 * out the rest again from that instant; a re-target measures the stretch on
 * the old calendar and lays out the new target on the new one.
 */
import type { CompiledCalendar } from '../calendars/calendars.port';
import { addWorkingTime, workingTimeBetween } from '../calendars/calendars.port';
import type { AlertLevel } from './sla-levels.port';
import { ALERT_LEVELS, levelPercent } from './sla-levels.port';

/** The instant each level falls due. */
export type LevelTimes = Record<AlertLevel, Date>;

/** What a clock has consumed and of what target. */
export interface ClockPosition {
  targetSeconds: number;
  warnAtPercent: number;
  /** Working ms consumed before `resumedAt` (all of it while paused or stopped). */
  workedMs: number;
  /** The start of the running stretch; null while paused or stopped. */
  resumedAt: Date | null;
}

/** The working ms a level's share of the target stands for. */
export const levelShareMs = (targetSeconds: number, warnAtPercent: number, level: AlertLevel) =>
  Math.round((targetSeconds * 1000 * levelPercent(level, warnAtPercent)) / 100);

/**
 * Every level's instant for a clock running from `from` having consumed
 * `workedMs`. A level whose share is already consumed (a re-target to a
 * shorter target) lies before `from`: the instant it was consumed, counted
 * back on the calendar as if the clock had run throughout.
 */
export function layOut(cal: CompiledCalendar, from: Date, workedMs: number, targetSeconds: number, warnAtPercent: number): LevelTimes {
  const out = {} as LevelTimes;
  for (const level of ALERT_LEVELS) {
    const rest = levelShareMs(targetSeconds, warnAtPercent, level) - workedMs;
    out[level] = rest >= 0 ? addWorkingTime(cal, from, rest) : workingInstantBefore(cal, from, -rest);
  }
  return out;
}

/** Working ms consumed by `now`. */
export function consumedMs(cal: CompiledCalendar, p: ClockPosition, now: Date): number {
  return p.workedMs + (p.resumedAt ? workingTimeBetween(cal, p.resumedAt, now) : 0);
}

/** Working ms left of the target at `now`; negative once it is overrun. */
export function remainingMs(cal: CompiledCalendar, p: ClockPosition, now: Date): number {
  return p.targetSeconds * 1000 - consumedMs(cal, p, now);
}

/**
 * The latest instant `x` with `ms` of working time between `x` and `t`.
 * Searched, not walked: the window doubles until it holds `ms`, then halves
 * down to the millisecond (about 60 measurements, only on re-targets).
 */
export function workingInstantBefore(cal: CompiledCalendar, t: Date, ms: number): Date {
  const end = t.getTime();
  if (ms <= 0) return new Date(end);
  if (cal.alwaysWorking) return new Date(end - ms);
  const holds = (x: number) => workingTimeBetween(cal, new Date(x), t) >= ms;
  let step = ms;
  // A year of working time lies within a few years of instants on any real calendar; stop at a century.
  while (!holds(end - step)) {
    if (step > 100 * 366 * 86_400_000) return new Date(end - ms);
    step *= 2;
  }
  let lo = end - step; // holds
  let hi = end - Math.floor(step / 2); // may not hold
  if (holds(hi)) return new Date(hi);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return new Date(lo);
}
