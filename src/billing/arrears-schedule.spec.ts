import { arrearsSchedule } from './arrears-schedule';

describe('arrearsSchedule', () => {
  it('runs once a day at the given time of day, read in China time', () => {
    expect(arrearsSchedule('09:00')).toEqual({ pattern: '0 9 * * *', tz: 'Asia/Shanghai' });
    expect(arrearsSchedule('23:05')).toEqual({ pattern: '5 23 * * *', tz: 'Asia/Shanghai' });
    expect(arrearsSchedule('00:00')).toEqual({ pattern: '0 0 * * *', tz: 'Asia/Shanghai' });
  });
});
