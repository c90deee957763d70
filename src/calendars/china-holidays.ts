/**
 * China's statutory holidays and make-up working days (调休), from the npm
 * package `chinese-days`, which follows the State Council's yearly notice.
 * Read from the package's published data file rather than its per-date
 * functions: those answer "working day?" for any date, including years the
 * State Council has not announced yet, where the data file simply has no
 * entry and so tells which years are known.
 */
import rawData from 'chinese-days/dist/chinese-days.json';
import packageJson from 'chinese-days/package.json';
import type { CalendarException } from './working-time';

/** The package's data file: date → "English name,中文名,statutory days"; `inLieuDays` (days off in lieu) are also in `holidays`. */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** Which data the exceptions come from, for provenance (e.g. `chinese-days@1.5.7`). */
export const CHINA_HOLIDAYS_SOURCE = `chinese-days@${packageJson.version}`;

/** The Chinese name: the next-to-last field, so that a comma in the English name cannot shift it. */
function chineseName(value: string): string {
  const fields = value.split(',');
  return (fields.length >= 3 ? fields[fields.length - 2] : fields[fields.length - 1]).trim();
}

/** Exceptions per year, sorted by date, built once. */
const byYear = (() => {
  const data = rawData as ChineseDaysData;
  const all: CalendarException[] = [
    ...Object.entries(data.holidays).map(([date, v]) => ({ date, type: 'holiday' as const, name: chineseName(v) })),
    ...Object.entries(data.workdays).map(([date, v]) => ({ date, type: 'workday' as const, name: chineseName(v) })),
  ].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  const out = new Map<number, CalendarException[]>();
  for (const e of all) {
    const year = Number(e.date.slice(0, 4));
    out.set(year, [...(out.get(year) ?? []), e]);
  }
  return out;
})();

/** Years the package has holidays for, ascending. A year without any is not announced yet (e.g. 2027 in 1.5.7). */
export function yearsCovered(): number[] {
  return [...byYear.entries()]
    .filter(([, days]) => days.some((d) => d.type === 'holiday'))
    .map(([year]) => year)
    .sort((a, b) => a - b);
}

export function isYearCovered(year: number): boolean {
  return yearsCovered().includes(year);
}

/**
 * The holidays and make-up working days dated in years `fromYear`…`toYear`
 * (inclusive), sorted by date, as calendar exceptions named in Chinese
 * (`{ date: '2026-10-10', type: 'workday', name: '国庆节' }`). Holidays that
 * fall on a weekend are included: the day is off either way, and the entry
 * names it. A year the package does not cover contributes nothing; check
 * `yearsCovered()`.
 */
export function chinaHolidayExceptions(fromYear: number, toYear: number = fromYear): CalendarException[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new RangeError(`a range of years is two whole numbers, the first not after the second (got ${fromYear}…${toYear})`);
  }
  const out: CalendarException[] = [];
  for (let y = fromYear; y <= toYear; y++) for (const e of byYear.get(y) ?? []) out.push({ ...e });
  return out;
}
