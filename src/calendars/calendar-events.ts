/**
 * Payloads of the events the calendars module publishes, one builder each
 * (pinned in test/e2e/event-payloads.e2e-spec.ts: add fields, never rename).
 */

/** What changed: a calendar (created, its row edited, one of its days set or removed) or China's shared table. */
export const CALENDAR_CHANGES = ['created', 'updated', 'day_set', 'day_removed', 'china_days'] as const;
export type CalendarChange = (typeof CALENDAR_CHANGES)[number];

export interface CalendarChangedData {
  /** Every calendar whose working time may have moved (a change to China's table names each calendar that follows it). */
  keys: string[];
  /** The calendar changed; null for a change to China's table. */
  calendarKey: string | null;
  /** The year of China's table changed; null for a calendar's own change. */
  year: number | null;
  /** The new version of what changed: the calendar's, or the year's (0 when the year no longer has data). */
  version: number;
  change: CalendarChange;
  /** For `updated`: the fields that changed (`name`, `timeZone`, `weekly`, `followsChinaHolidays`); otherwise empty. */
  fields: string[];
  /** The first China date whose working time may have moved; null when every date may have (weekly hours, time zone). */
  changedFrom: string | null;
}

export function calendarChangedEvent(d: CalendarChangedData): Record<string, unknown> {
  return {
    keys: [...d.keys].sort(),
    calendarKey: d.calendarKey,
    year: d.year,
    version: d.version,
    change: d.change,
    fields: d.fields,
    changedFrom: d.changedFrom,
  };
}

/** From 1 December, when next year's statutory days are known neither from the package nor by hand. */
export function calendarYearMissingEvent(year: number, asOf: string): Record<string, unknown> {
  return { year, asOf };
}
