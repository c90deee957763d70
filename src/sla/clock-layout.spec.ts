import fc from 'fast-check';
import { compileCalendar, twentyFourSevenDefinition, workdayDefinition, workingTimeBetween } from '../calendars/calendars.port';
import { consumedMs, layOut, remainingMs, workingInstantBefore } from './clock-layout';

const H = 3_600_000;
const workday = compileCalendar(workdayDefinition());
const allDay = compileCalendar(twentyFourSevenDefinition());
const bj = (local: string) => new Date(`${local}+08:00`);

describe('clock layout in working time', () => {
  it('puts every level at its share of the target, in working time, from the running stretch', () => {
    // Friday 17:30, 8 working hours (30 min on Friday, 9 h on Monday): 75 % = 6 h → Monday 14:30; 100 % → 16:30;
    // 150 % (12 h) → Tuesday 11:30; 200 % (16 h) → Tuesday 15:30
    const levels = layOut(workday, bj('2026-12-04T17:30:00'), 0, 8 * 3600, 75);
    expect(levels).toEqual({
      warning: bj('2026-12-07T14:30:00'),
      breached: bj('2026-12-07T16:30:00'),
      escalated_2: bj('2026-12-08T11:30:00'),
      escalated_3: bj('2026-12-08T15:30:00'),
    });
  });

  it('lays out only what is left after the working time already consumed', () => {
    // 2 h consumed before a resume on Monday 09:00: the 8 h target ends at 15:00
    expect(layOut(workday, bj('2026-12-07T09:00:00'), 2 * H, 8 * 3600, 75).breached).toEqual(bj('2026-12-07T15:00:00'));
  });

  it('places a share already consumed before the start of the stretch, counted back on the calendar', () => {
    // 10 h consumed against a new 8 h target, re-targeted on Monday 10:00: the breach was 2 working hours earlier,
    // i.e. Friday 17:00 (09:00–10:00 Monday, then 17:00–18:00 Friday)
    const levels = layOut(workday, bj('2026-12-07T10:00:00'), 10 * H, 8 * 3600, 75);
    expect(levels.breached).toEqual(bj('2026-12-04T17:00:00'));
    expect(levels.warning).toEqual(bj('2026-12-04T15:00:00'));
    // on 24x7 it is plain subtraction
    expect(layOut(allDay, bj('2026-12-07T10:00:00'), 10 * H, 8 * 3600, 75).breached).toEqual(bj('2026-12-07T08:00:00'));
  });

  it('counts what a running clock has consumed and what is left, frozen while it stands still', () => {
    const running = { targetSeconds: 8 * 3600, warnAtPercent: 75, workedMs: H, resumedAt: bj('2026-12-04T17:30:00') };
    const monday = bj('2026-12-07T10:00:00');
    expect(consumedMs(workday, running, monday)).toBe(H + 30 * 60_000 + H);
    expect(remainingMs(workday, running, monday)).toBe(8 * H - 2.5 * H);
    const paused = { ...running, resumedAt: null };
    expect(remainingMs(workday, paused, monday)).toBe(7 * H);
    expect(remainingMs(workday, paused, bj('2026-12-31T10:00:00'))).toBe(7 * H);
  });

  it('finds the latest instant that far back in working time (property: measuring forward gives the amount back)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 10), max: Date.UTC(2026, 11, 31) }),
        fc.integer({ min: 1, max: 20 * 9 * H }),
        (t, ms) => {
          const end = new Date(t);
          const x = workingInstantBefore(workday, end, ms);
          expect(workingTimeBetween(workday, x, end)).toBe(ms);
          // the latest such instant: a millisecond later there is less
          expect(workingTimeBetween(workday, new Date(x.getTime() + 1), end)).toBe(ms - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
