/**
 * The compiled calendars a process holds in memory (docs/ARCHITECTURE.md,
 * "Calendars"): built from one consistent read of the calendars tables, and
 * rebuilt when the generation in PostgreSQL moves. Pure: the service reads
 * the rows and installs the result.
 */
import { createHash } from 'node:crypto';
import type { CalendarShape, ChinaDay, OwnDay } from './calendar-definition';
import { definitionOf, effectiveDays, standardDayMs } from './calendar-definition';
import type { CompiledCalendar } from './working-time';
import { compileCalendar } from './working-time';

/** One read of everything a snapshot is built from. */
export interface SnapshotRows {
  generation: number;
  calendars: CalendarShape[];
  /** Every calendar's own days, with the calendar's key. */
  ownDays: (OwnDay & { calendarKey: string })[];
  /** China's shared table, by date. */
  chinaDays: ChinaDay[];
  /** Years of that table that have data (from the package or entered by hand). */
  years: number[];
}

export interface SnapshotEntry {
  readonly key: string;
  readonly compiled: CompiledCalendar;
  readonly workingDayMs: number;
  /** Changes whenever the calendar's working time may have: its zone, hours and days, and China's table if it follows it. */
  readonly stamp: string;
}

const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64url');

export class CalendarSnapshot {
  private constructor(
    readonly generation: number,
    readonly entries: ReadonlyMap<string, SnapshotEntry>,
    /** Years of China's table that have data. */
    readonly years: ReadonlySet<number>,
  ) {}

  static readonly EMPTY = new CalendarSnapshot(0, new Map(), new Set());

  /**
   * The snapshot of `rows`. A calendar whose stamp has not moved keeps its
   * compiled calendar from `previous` (and the blocks it has built); one that
   * no longer compiles (the tables were edited by hand) keeps its previous
   * version, or is left out, and is reported to `onError`. `changed` names
   * every calendar whose working time may have moved.
   */
  static build(
    rows: SnapshotRows,
    previous: CalendarSnapshot = CalendarSnapshot.EMPTY,
    onError: (key: string, err: unknown) => void = () => undefined,
  ): { snapshot: CalendarSnapshot; changed: string[] } {
    const chinaStamp = hash(rows.chinaDays);
    const own = new Map<string, OwnDay[]>();
    for (const { calendarKey, ...day } of rows.ownDays) {
      const list = own.get(calendarKey) ?? [];
      list.push(day);
      own.set(calendarKey, list);
    }
    const entries = new Map<string, SnapshotEntry>();
    const changed: string[] = [];
    for (const calendar of rows.calendars) {
      const ownDays = own.get(calendar.key) ?? [];
      // What the working time is made of, not the version: renaming a calendar moves nothing.
      const stamp = `${hash([calendar.timeZone, calendar.weekly, ownDays])}${calendar.followsChinaHolidays ? `+${chinaStamp}` : ''}`;
      const before = previous.entries.get(calendar.key);
      if (before?.stamp === stamp) {
        entries.set(calendar.key, before);
        continue;
      }
      try {
        const days = effectiveDays(ownDays, calendar.followsChinaHolidays ? rows.chinaDays : null);
        const compiled = compileCalendar(definitionOf(calendar, days));
        entries.set(calendar.key, { key: calendar.key, compiled, workingDayMs: standardDayMs(calendar.weekly), stamp });
        changed.push(calendar.key);
      } catch (err) {
        onError(calendar.key, err);
        if (before) entries.set(calendar.key, before);
      }
    }
    for (const key of previous.entries.keys()) if (!entries.has(key)) changed.push(key);
    return { snapshot: new CalendarSnapshot(rows.generation, entries, new Set(rows.years)), changed: changed.sort() };
  }
}
