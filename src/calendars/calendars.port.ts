/**
 * What other modules (the SLA engine) may use of the calendars module besides
 * CalendarsService: the built-in keys, the pure working-time arithmetic on a
 * CompiledCalendar (CalendarsService.compiled), and the module's error.
 */
export { CALENDAR_24X7, CALENDAR_WORKDAY } from './builtin-calendars';
export { addWorkingTime, isWorkingInstant, nextWorkingInstant, workingTimeBetween } from './working-time';
export type { CompiledCalendar } from './working-time';
export { CalendarError, CalendarErrorCode } from './calendars.errors';
export type { CalendarChange } from './calendars.service';
