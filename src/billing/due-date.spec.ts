import { dueDateOf } from './bill-issuer';
import { isFuturePeriod } from './money';

describe('dueDateOf', () => {
  it('is the period’s last day + BILL_DUE_DAYS when that is on or after the issue date', () => {
    expect(dueDateOf('2026-10', '2026-11-01', 30)).toEqual({ dueDate: '2026-11-30', dueDateAdjusted: false });
    expect(dueDateOf('2026-10', '2026-11-30', 30)).toEqual({ dueDate: '2026-11-30', dueDateAdjusted: false });
  });

  it('is the issue date + BILL_DUE_DAYS for a period billed so late that its due date is already past', () => {
    expect(dueDateOf('2026-10', '2026-12-01', 30)).toEqual({ dueDate: '2026-12-31', dueDateAdjusted: true });
    expect(dueDateOf('2026-02', '2026-11-30', 30)).toEqual({ dueDate: '2026-12-30', dueDateAdjusted: true });
    expect(dueDateOf('2026-10', '2026-11-05', 0)).toEqual({ dueDate: '2026-11-05', dueDateAdjusted: true });
  });
});

describe('isFuturePeriod', () => {
  it('compares with the current month in China (UTC+8)', () => {
    // 16:30 UTC on 30 November is 00:30 on 1 December in Beijing
    const now = new Date('2026-11-30T16:30:00Z');
    expect(isFuturePeriod('2026-12', now)).toBe(false);
    expect(isFuturePeriod('2027-01', now)).toBe(true);
    expect(isFuturePeriod('2026-12', new Date('2026-11-30T15:59:00Z'))).toBe(true);
    expect(isFuturePeriod('2020-01', now)).toBe(false);
  });
});
