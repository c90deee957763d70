import { chinaIsoWeek, chinaMonthOf, thresholdsOf, WARNING_SIGNALS } from './warning-signals';

describe('chinaIsoWeek', () => {
  it.each([
    // Monday 2026-11-30 00:30 China is Sunday 16:30 UTC: already week 49 in China
    ['2026-11-29T16:30:00Z', '2026-W49'],
    // Sunday 2026-11-29 23:59 China: still week 48
    ['2026-11-29T15:59:00Z', '2026-W48'],
    ['2026-11-30T06:00:00+08:00', '2026-W49'],
    // ISO years: 2027-01-01 (a Friday) is in 2026's week 53; 2026-01-01 (a Thursday) is week 1 of 2026
    ['2027-01-01T12:00:00+08:00', '2026-W53'],
    ['2026-01-01T00:00:00+08:00', '2026-W01'],
    ['2025-12-29T00:00:00+08:00', '2026-W01'],
    ['2025-12-28T23:59:59+08:00', '2025-W52'],
    ['2024-12-30T10:00:00+08:00', '2025-W01'],
  ])('%s is in %s', (at, week) => {
    expect(chinaIsoWeek(new Date(at))).toBe(week);
  });
});

describe('chinaMonthOf', () => {
  it('reads the month in China time', () => {
    expect(chinaMonthOf(new Date('2026-10-31T16:00:00Z'))).toBe('2026-11');
    expect(chinaMonthOf(new Date('2026-10-31T15:59:59Z'))).toBe('2026-10');
  });
});

describe('thresholdsOf', () => {
  it('names the thresholds of every signal', () => {
    const t = { faultsMin: 3, faultFactor: 3, complaintsMin: 2, breachesMin: 1, billDropPercent: 50, callbackScoreMax: 2 };
    for (const s of WARNING_SIGNALS) expect(Object.keys(thresholdsOf(s, t)).length).toBeGreaterThan(0);
    expect(thresholdsOf('fault_spike', t)).toEqual({ faultsMin: 3, faultFactor: 3, windowDays: 7, baselineDays: 90 });
  });
});
