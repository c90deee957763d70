import { getDayDetail } from 'chinese-days';
import { CALENDAR_WORKDAY, workdayDefinition } from './builtin-calendars';
import { CHINA_HOLIDAYS_SOURCE, chinaHolidayExceptions, isYearCovered, yearsCovered } from './china-holidays';
import { compileCalendar, isWorkingInstant } from './working-time';

describe('China holidays from chinese-days', () => {
  it('covers 2004 to 2026 and says that 2027 is not announced yet', () => {
    // chinese-days 1.5.x has no 2027: when an update brings it, this expectation is the one to move
    expect(yearsCovered()).toEqual(Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i));
    expect(isYearCovered(2026)).toBe(true);
    expect(isYearCovered(2027)).toBe(false);
    expect(chinaHolidayExceptions(2027)).toEqual([]);
    expect(CHINA_HOLIDAYS_SOURCE).toMatch(/^chinese-days@1\.5\.\d+$/);
  });

  it('has the 2026 National Day holiday, 1–7 October, and its make-up working days, 20 September and 10 October', () => {
    const days = chinaHolidayExceptions(2026).filter((e) => e.date >= '2026-09-20' && e.date <= '2026-10-10');
    expect(days).toEqual([
      { date: '2026-09-20', type: 'workday', name: '国庆节' },
      { date: '2026-09-25', type: 'holiday', name: '中秋' },
      { date: '2026-09-26', type: 'holiday', name: '中秋' },
      { date: '2026-09-27', type: 'holiday', name: '中秋' },
      ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({ date: `2026-10-0${d}`, type: 'holiday', name: '国庆节' })),
      { date: '2026-10-10', type: 'workday', name: '国庆节' },
    ]);
  });

  it('lists each date once, in order, within the years asked for', () => {
    const all = chinaHolidayExceptions(2004, 2030);
    const dates = all.map((e) => e.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    expect(chinaHolidayExceptions(2025, 2026).every((e) => e.date >= '2025-01-01' && e.date <= '2026-12-31')).toBe(true);
    expect(chinaHolidayExceptions(2025, 2026)).toHaveLength(chinaHolidayExceptions(2025).length + chinaHolidayExceptions(2026).length);
    expect(all.every((e) => e.name && !/[,A-Za-z]/.test(e.name))).toBe(true); // the Chinese name, not the English one
  });

  it('hands out copies, so a caller cannot change what the next caller gets', () => {
    chinaHolidayExceptions(2026)[0].type = 'workday';
    expect(chinaHolidayExceptions(2026)[0]).toEqual({ date: '2026-01-01', type: 'holiday', name: '元旦' });
  });

  it('refuses a range that is not one', () => {
    expect(() => chinaHolidayExceptions(2027, 2026)).toThrow(RangeError);
    expect(() => chinaHolidayExceptions(2026.5)).toThrow(RangeError);
  });

  it('makes the workday calendar agree with the package on every day it covers, 2004 to 2026', () => {
    const workday = compileCalendar(workdayDefinition());
    expect(workday.key).toBe(CALENDAR_WORKDAY);
    const disagreements: string[] = [];
    for (let t = Date.UTC(2004, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      const working = isWorkingInstant(workday, new Date(`${date}T10:00:00+08:00`));
      if (working !== getDayDetail(date).work) disagreements.push(date);
    }
    expect(disagreements).toEqual([]);
  });
});
