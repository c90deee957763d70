import { dueLevels, levelAt } from './sla-levels.port';

const at = (iso: string) => new Date(`2026-11-27T${iso}Z`);
const times = { warnAt: at('00:45:00'), dueAt: at('01:00:00'), escalate2At: at('01:30:00'), escalate3At: at('02:00:00') };

describe('SLA levels', () => {
  it('reads each level’s stored instant', () => {
    expect(levelAt(times, 'warning')).toEqual(at('00:45:00'));
    expect(levelAt(times, 'breached')).toEqual(at('01:00:00'));
    expect(levelAt(times, 'escalated_2')).toEqual(at('01:30:00'));
    expect(levelAt(times, 'escalated_3')).toEqual(at('02:00:00'));
  });

  it('lists the levels due now, in order, from the next unraised one', () => {
    expect(dueLevels(times, 'warning', at('00:44:59'))).toEqual([]);
    expect(dueLevels(times, 'warning', at('00:45:00'))).toEqual(['warning']);
    expect(dueLevels(times, 'warning', at('01:40:00'))).toEqual(['warning', 'breached', 'escalated_2']);
    expect(dueLevels(times, 'breached', at('03:00:00'))).toEqual(['breached', 'escalated_2', 'escalated_3']);
    expect(dueLevels(times, null, at('09:00:00'))).toEqual([]);
  });

  it('stops at a level that has no instant (a clock not running)', () => {
    expect(dueLevels({ ...times, escalate2At: null }, 'warning', at('03:00:00'))).toEqual(['warning', 'breached']);
  });
});
