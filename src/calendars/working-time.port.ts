/**
 * What other modules use of the calendar arithmetic (working-time.ts): the
 * SLA engine lays out its clocks with it, over calendars it gets compiled
 * from CalendarsService.
 */
export type { CompiledCalendar } from './working-time';
export { addWorkingTime, workingTimeBetween, isWorkingInstant, nextWorkingInstant } from './working-time';
export { CALENDAR_24X7, CALENDAR_WORKDAY } from './builtin-calendars';
