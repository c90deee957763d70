/*
 * Days and months as China counts them (docs/ARCHITECTURE.md, "Times"):
 * Asia/Shanghai is UTC+8 all year (no daylight saving), so a China date is
 * the UTC date eight hours later, and date arithmetic is plain UTC arithmetic
 * on `YYYY-MM-DD` strings. One copy for every module that counts days.
 */

/** The IANA zone of the same days, for what takes a zone name (cron patterns, calendars, templates). */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

const CHINA_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** China's wall clock at an instant, `YYYY-MM-DDTHH:mm:ss.sss` (no offset: it is +08:00). */
export const chinaWallClock = (at: Date | string): string => new Date(new Date(at).getTime() + CHINA_MS).toISOString().slice(0, 23);

/** The minute of the China day at an instant, 0–1439. */
export const chinaMinuteOfDay = (at: Date): number => (at.getUTCHours() * 60 + at.getUTCMinutes() + CHINA_MS / 60_000) % 1440;

/** The China date of an instant, `YYYY-MM-DD`. */
export const chinaDate = (at: Date): string => chinaWallClock(at).slice(0, 10);

/** Today's China date (bills, due dates and aging are counted in China days); `now` for a test or a recorded instant. */
export const chinaToday = (now: Date = new Date()): string => chinaDate(now);

/** The China month of an instant, `YYYY-MM`. */
export const chinaMonth = (at: Date): string => chinaWallClock(at).slice(0, 7);

/** The instant a China day starts, as UTC ISO (`2026-12-01` → `2026-11-30T16:00:00.000Z`). */
export const chinaDayStart = (date: string): string => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();

/** The date `days` after `date` (negative: before). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` to `to` (dates), `to` excluded. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The first day of the month `months` after the month of `date`. */
export function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number);
  const i = y * 12 + (m - 1) + months;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
}

/** The first and the last date of a month `YYYY-MM`. */
export const monthStart = (month: string): string => `${month}-01`;
export const monthEnd = (month: string): string => addDays(addMonths(`${month}-01`, 1), -1);
