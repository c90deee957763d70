import { MoneyOverflowError, addDays, chinaToday, fen, periodEnd } from './money';

describe('fen', () => {
  it('converts bigint columns and numeric sums exactly', () => {
    expect(fen('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(fen('-12345')).toBe(-12345);
    expect(fen(10n ** 15n)).toBe(1e15);
    expect(fen(null)).toBe(0);
  });

  it('refuses what a JSON number cannot carry exactly, instead of rounding', () => {
    expect(() => fen('9007199254740993')).toThrow(MoneyOverflowError);
    expect(() => fen(-(2n ** 60n))).toThrow(MoneyOverflowError);
  });
});

describe('dates', () => {
  it.each([
    ['2026-02', '2026-02-28'],
    ['2028-02', '2028-02-29'],
    ['2026-12', '2026-12-31'],
    ['2026-06', '2026-06-30'],
  ])('the period %s ends on %s', (period, end) => expect(periodEnd(period)).toBe(end));

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 30)).toBe('2027-01-30');
    expect(addDays('2026-06-30', 30)).toBe('2026-07-30');
    expect(addDays('2026-07-01', -90)).toBe('2026-04-02');
  });

  it('counts the day in China (UTC+8)', () => {
    expect(chinaToday(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(chinaToday(new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
  });
});
