/** The two calendars every installation has (issue 12): `24x7`, and `workday` on China's working days. */
import { chinaHolidayExceptions, yearsCovered } from './china-holidays';
import type { CalendarDefinition, CalendarException, IsoWeekday, WorkingInterval } from './working-time';
import { DEFAULT_TIME_ZONE } from './working-time';

export const CALENDAR_24X7 = '24x7';
export const CALENDAR_WORKDAY = 'workday';

const every = (days: IsoWeekday[], intervals: WorkingInterval[]) =>
  Object.fromEntries(days.map((d) => [d, intervals.map((iv) => ({ ...iv }))])) as Partial<Record<IsoWeekday, WorkingInterval[]>>;

/** Every instant is working time (compiles to the plain-addition fast path). */
export function twentyFourSevenDefinition(): CalendarDefinition {
  return {
    key: CALENDAR_24X7,
    timeZone: DEFAULT_TIME_ZONE,
    weekly: every([1, 2, 3, 4, 5, 6, 7], [{ start: '00:00', end: '24:00' }]),
    exceptions: [],
  };
}

/** 09:00–18:00 Monday to Friday, Beijing time. */
export const WORKDAY_HOURS: WorkingInterval[] = [{ start: '09:00', end: '18:00' }];

/**
 * `workday`: WORKDAY_HOURS on China's working days. `exceptions` defaults to
 * every year `chinese-days` covers; the calendars module passes its own table
 * (the package's years plus those entered by hand).
 */
export function workdayDefinition(exceptions?: CalendarException[]): CalendarDefinition {
  const years = yearsCovered();
  return {
    key: CALENDAR_WORKDAY,
    timeZone: DEFAULT_TIME_ZONE,
    weekly: every([1, 2, 3, 4, 5], WORKDAY_HOURS),
    exceptions: exceptions ?? chinaHolidayExceptions(years[0], years[years.length - 1]),
  };
}
