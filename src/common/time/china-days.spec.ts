import {
  addDays,
  addMonths,
  chinaDate,
  chinaToday,
  chinaDayStart,
  chinaMinuteOfDay,
  chinaMonth,
  chinaWallClock,
  daysBetween,
  monthEnd,
} from './china-days';

describe('China days', () => {
  it('turns an instant into the China date, month and wall clock (UTC+8 all year)', () => {
    expect(chinaDate(new Date('2026-11-30T15:59:59.999Z'))).toBe('2026-11-30');
    expect(chinaDate(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(chinaMonth(new Date('2026-10-31T16:00:00Z'))).toBe('2026-11');
    expect(chinaMonth(new Date('2026-10-31T15:59:59Z'))).toBe('2026-10');
    expect(chinaWallClock('2026-12-01T09:30:00Z')).toBe('2026-12-01T17:30:00.000');
    expect(chinaDayStart('2026-12-01')).toBe('2026-11-30T16:00:00.000Z');
    expect(chinaMinuteOfDay(new Date('2026-11-30T15:59:00Z'))).toBe(23 * 60 + 59);
    expect(chinaMinuteOfDay(new Date('2026-11-30T16:00:00Z'))).toBe(0);
  });

  it('counts dates and months across month, year and leap-day ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-01', '2027-01-01')).toBe(31);
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-01');
    expect(addMonths('2026-01-31', -1)).toBe('2025-12-01');
    expect(monthEnd('2028-02')).toBe('2028-02-29');
  });

  it.each([
    ['2026-02', '2026-02-28'],
    ['2028-02', '2028-02-29'],
    ['2026-12', '2026-12-31'],
    ['2026-06', '2026-06-30'],
  ])('ends the month (a billing period) %s on %s', (month, end) => expect(monthEnd(month)).toBe(end));

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 30)).toBe('2027-01-30');
    expect(addDays('2026-06-30', 30)).toBe('2026-07-30');
    expect(addDays('2026-07-01', -90)).toBe('2026-04-02');
  });

  it('says today in China (UTC+8), from an instant', () => {
    expect(chinaToday(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(chinaToday(new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
  });
});
