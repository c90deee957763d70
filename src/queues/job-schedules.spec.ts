import { dailyAtChinaTime } from './job-schedules';

describe('dailyAtChinaTime', () => {
  it('turns HH:MM China time into a daily cron pattern read in Asia/Shanghai', () => {
    expect(dailyAtChinaTime('09:00')).toEqual({ pattern: '0 9 * * *', tz: 'Asia/Shanghai' });
    expect(dailyAtChinaTime('23:05')).toEqual({ pattern: '5 23 * * *', tz: 'Asia/Shanghai' });
    expect(dailyAtChinaTime('00:00')).toEqual({ pattern: '0 0 * * *', tz: 'Asia/Shanghai' });
  });
});
