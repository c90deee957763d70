/** China calendar days and months (Asia/Shanghai, UTC+8 all year) for reports. */

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3_600_000;

/** The China date of an instant. */
export const chinaDate = (at: Date): string => new Date(at.getTime() + CHINA_MS).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** The instant a China day starts, as UTC ISO. */
export const chinaDayStart = (date: string): string => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
export const monthStart = (month: string): string => `${month}-01`;
export const monthEnd = (month: string): string => addDays(addMonths(`${month}-01`, 1), -1);
/** The first day of the month `months` after the month of `date`. */
export function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number);
  const i = y * 12 + (m - 1) + months;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
}

/** A period of whole China days, from and to inclusive; start and end are its instants (end exclusive). */
export interface ReportWindow {
  from: string;
  to: string;
  start: string;
  end: string;
}

export function windowOf(from: string, to: string): ReportWindow {
  return { from, to, start: chinaDayStart(from), end: chinaDayStart(addDays(to, 1)) };
}

/** Which slice of the figures: regions (LIKE patterns of GB/T 2260 prefixes) and the optional cuts. */
export interface ReportCut {
  patterns: string[];
  kind?: string;
  priority?: number;
  greenChannel?: boolean;
  accountManagerId?: string;
}
