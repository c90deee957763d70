import {
  addDays,
  addMonths,
  chinaDate,
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
});
