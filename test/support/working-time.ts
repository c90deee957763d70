import { CalendarsService } from '../../src/calendars/calendars.service';
import { addWorkingTime, workingTimeBetween } from '../../src/calendars/working-time';
import type { TestApp } from './test-app';

const H = 3_600_000;
/** A working day of the `workday` calendar (09:00–18:00). */
export const WORKDAY_MS = 9 * H;

/** When `ms` of working time on calendar `key` (as the app holds it) has passed since `at`. */
export function workingDue(t: TestApp, key: string, at: number | Date, ms: number): number {
  return addWorkingTime(t.app.get(CalendarsService).compiled(key), new Date(at), ms).getTime();
}

/** Working time on calendar `key` between two instants. */
export function workingBetween(t: TestApp, key: string, a: number | Date, b: number | Date): number {
  return workingTimeBetween(t.app.get(CalendarsService).compiled(key), new Date(a), new Date(b));
}
