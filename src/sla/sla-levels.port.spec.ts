import { dueAt, dueLevels, thresholdAt } from './sla-levels.port';

const clock = { startedAt: new Date('2026-11-27T00:00:00Z'), pausedMs: 0, targetSeconds: 3600, warnAtPercent: 75 };
const at = (iso: string) => new Date(`2026-11-27T${iso}Z`);

describe('SLA thresholds', () => {
  it('places warning, breach and escalations at 75/100/150/200 %', () => {
    expect(thresholdAt(clock, 'warning')).toEqual(at('00:45:00'));
    expect(thresholdAt(clock, 'breached')).toEqual(at('01:00:00'));
    expect(thresholdAt(clock, 'escalated_2')).toEqual(at('01:30:00'));
    expect(thresholdAt(clock, 'escalated_3')).toEqual(at('02:00:00'));
  });

  it('moves every threshold by the paused time', () => {
    expect(dueAt({ ...clock, pausedMs: 10 * 60_000 })).toEqual(at('01:10:00'));
  });

  it('lists the levels due now, in order, from the next unraised one', () => {
    expect(dueLevels(clock, 'warning', at('00:44:59'))).toEqual([]);
    expect(dueLevels(clock, 'warning', at('00:45:00'))).toEqual(['warning']);
    expect(dueLevels(clock, 'warning', at('01:40:00'))).toEqual(['warning', 'breached', 'escalated_2']);
    expect(dueLevels(clock, 'breached', at('03:00:00'))).toEqual(['breached', 'escalated_2', 'escalated_3']);
    expect(dueLevels(clock, null, at('09:00:00'))).toEqual([]);
  });
});
