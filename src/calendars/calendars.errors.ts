import { errorClass } from '../common/errors/domain-error';

export enum CalendarErrorCode {
  CALENDAR_NOT_FOUND = 'CALENDAR_NOT_FOUND',
  CALENDAR_KEY_TAKEN = 'CALENDAR_KEY_TAKEN',
  /** `24x7` is every instant by definition: its hours and days cannot change. */
  CALENDAR_READ_ONLY = 'CALENDAR_READ_ONLY',
  CALENDAR_DAY_NOT_FOUND = 'CALENDAR_DAY_NOT_FOUND',
  CALENDAR_YEAR_NOT_FOUND = 'CALENDAR_YEAR_NOT_FOUND',
  /** Giving a year back to the package is only for a year entered by hand. */
  CALENDAR_YEAR_NOT_MANUAL = 'CALENDAR_YEAR_NOT_MANUAL',
}

export const CalendarError = errorClass<CalendarErrorCode>('CalendarError', {
  CALENDAR_NOT_FOUND: 'not_found',
  CALENDAR_KEY_TAKEN: 'conflict',
  CALENDAR_READ_ONLY: 'conflict',
  CALENDAR_DAY_NOT_FOUND: 'not_found',
  CALENDAR_YEAR_NOT_FOUND: 'not_found',
  CALENDAR_YEAR_NOT_MANUAL: 'conflict',
});
