import { inQuietHours, quietHoursEnd, smsHeldForQuietHours } from './quiet-hours';

const NIGHT = { fromMinute: 22 * 60, toMinute: 8 * 60 };

describe('quiet hours on China time', () => {
  it('wraps midnight: 22:00 and 07:59 China time are quiet, 08:00 and 21:59 are not', () => {
    expect(inQuietHours(new Date('2026-12-01T14:00:00Z'), NIGHT)).toBe(true); // 22:00 +08:00
    expect(inQuietHours(new Date('2026-12-01T23:59:00Z'), NIGHT)).toBe(true); // 07:59 +08:00
    expect(inQuietHours(new Date('2026-12-02T00:00:00Z'), NIGHT)).toBe(false); // 08:00 +08:00
    expect(inQuietHours(new Date('2026-12-01T13:59:00Z'), NIGHT)).toBe(false); // 21:59 +08:00
  });

  it('reads a range within one day as it is, and none as never quiet', () => {
    const lunch = { fromMinute: 12 * 60, toMinute: 13 * 60 };
    expect(inQuietHours(new Date('2026-12-01T04:30:00Z'), lunch)).toBe(true);
    expect(inQuietHours(new Date('2026-12-01T05:00:00Z'), lunch)).toBe(false);
    expect(inQuietHours(new Date('2026-12-01T16:00:00Z'), null)).toBe(false);
  });

  it('holds back SMS of P2-P4 at night, never P1 or the green channel', () => {
    const night = new Date('2026-12-01T16:00:00Z');
    expect(smsHeldForQuietHours(night, NIGHT, { priority: 2 }, false)).toBe(true);
    expect(smsHeldForQuietHours(night, NIGHT, { priority: 1 }, false)).toBe(false);
    expect(smsHeldForQuietHours(night, NIGHT, { priority: 3 }, true)).toBe(false);
    expect(smsHeldForQuietHours(new Date('2026-12-01T04:00:00Z'), NIGHT, { priority: 4 }, false)).toBe(false);
  });

  it('names when the quiet hours end: 08:00 China time the next morning, or the same morning after midnight', () => {
    expect(quietHoursEnd(new Date('2026-12-01T14:30:20Z'), NIGHT).toISOString()).toBe('2026-12-02T00:00:00.000Z'); // 22:30 → 08:00
    expect(quietHoursEnd(new Date('2026-12-01T19:05:00Z'), NIGHT).toISOString()).toBe('2026-12-02T00:00:00.000Z'); // 03:05 → 08:00
    const day = new Date('2026-12-01T04:00:00Z');
    expect(quietHoursEnd(day, NIGHT)).toBe(day);
    expect(quietHoursEnd(day, null)).toBe(day);
  });
});
