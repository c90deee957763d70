import { chinaMinuteOfDay } from '../../common/time/china-days';
import type { CaseMessageFacts } from '../notifications.port';

/** Minutes of the China day, [fromMinute, toMinute), wrapping midnight when from > to (22:00-08:00). */
export interface QuietHours {
  fromMinute: number;
  toMinute: number;
}

/** Whether `at` falls in the quiet hours, read on China's clock (UTC+8 all year). */
export function inQuietHours(at: Date, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const minute = chinaMinuteOfDay(at);
  return quiet.fromMinute < quiet.toMinute
    ? minute >= quiet.fromMinute && minute < quiet.toMinute
    : minute >= quiet.fromMinute || minute < quiet.toMinute;
}

/** During quiet hours only P1 and green-channel alerts go by SMS (issue 13); other channels are not held back. */
export function smsHeldForQuietHours(
  at: Date,
  quiet: QuietHours | null,
  facts: Pick<CaseMessageFacts, 'priority'>,
  green: boolean,
): boolean {
  return inQuietHours(at, quiet) && facts.priority !== 1 && !green;
}

/**
 * When the quiet hours that hold `at` end: the next China-time minute
 * `toMinute` (a customer notice held for the night goes then). `at` itself
 * when it is not in them.
 */
export function quietHoursEnd(at: Date, quiet: QuietHours | null): Date {
  if (!quiet || !inQuietHours(at, quiet)) return at;
  const minute = chinaMinuteOfDay(at);
  const minutesLeft = (quiet.toMinute - minute + 1440) % 1440;
  return new Date(at.getTime() - (at.getTime() % 60_000) + minutesLeft * 60_000);
}
