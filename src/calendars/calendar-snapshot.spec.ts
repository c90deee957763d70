import { chinaDate } from '../common/time/china-days';
import { CALENDAR_24X7, CALENDAR_WORKDAY, twentyFourSevenDefinition, workdayDefinition } from './builtin-calendars';
import type { ChinaDay } from './calendar-definition';
import {
  compileOrReject,
  effectiveDays,
  firstDifference,
  isCalendarDate,
  readIntervals,
  readWeekly,
  standardDayMs,
} from './calendar-definition';
import type { SnapshotRows } from './calendar-snapshot';
import { CalendarSnapshot } from './calendar-snapshot';
import type { CalendarProblem } from './working-time';
import { addWorkingTime, isWorkingInstant } from './working-time';
import { chinaHolidayExceptions } from './china-holidays';

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const china2026: ChinaDay[] = chinaHolidayExceptions(2026).map((d) => ({ ...d, source: 'package' }));
const office = {
  key: 'gz-office',
  timeZone: 'Asia/Shanghai',
  weekly: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '08:30', end: '12:00' },
        { start: '14:00', end: '17:30' },
      ],
    ]),
  ),
  followsChinaHolidays: true,
};
const rows = (over: Partial<SnapshotRows> = {}): SnapshotRows => ({
  generation: 1,
  calendars: [
    { ...twentyFourSevenDefinition(), timeZone: 'Asia/Shanghai', followsChinaHolidays: false },
    { ...workdayDefinition([]), timeZone: 'Asia/Shanghai', followsChinaHolidays: true },
    office,
  ],
  ownDays: [],
  chinaDays: china2026,
  years: [2026],
  ...over,
});

describe('the days that apply to a calendar', () => {
  it('merges China’s table under the calendar’s own days, its own winning on the same date', () => {
    const own = [{ date: '2026-10-05', type: 'workday' as const, name: '值班', intervals: [{ start: '09:00', end: '12:00' }] }];
    const days = effectiveDays(own, china2026);
    expect(days.find((d) => d.date === '2026-10-05')).toEqual({ ...own[0], source: 'calendar' });
    expect(days.find((d) => d.date === '2026-10-10')).toEqual({
      date: '2026-10-10',
      type: 'workday',
      name: '国庆节',
      intervals: null,
      source: 'package',
    });
    expect(days.map((d) => d.date)).toEqual([...days.map((d) => d.date)].sort());
    expect(days).toHaveLength(china2026.length);
  });

  it('leaves China’s table out of a calendar that does not follow it', () => {
    expect(effectiveDays([], null)).toEqual([]);
  });
});

describe('reading what an admin sends', () => {
  it('keeps start and end of each interval, drops empty days, and names any other field', () => {
    const problems: CalendarProblem[] = [];
    const weekly = readWeekly(
      { 2: [{ start: '09:00', end: '12:00', note: 'x' }], 1: [{ start: '09:00', end: '18:00' }], 6: [] },
      'weekly',
      problems,
    );
    expect(weekly).toEqual({ 1: [{ start: '09:00', end: '18:00' }], 2: [{ start: '09:00', end: '12:00' }] });
    expect(Object.keys(weekly)).toEqual(['1', '2']);
    expect(problems).toEqual([{ field: 'weekly.2[0].note', message: 'is not a field of a working interval (start, end)' }]);
    expect(readIntervals(undefined, 'intervals', problems)).toBeNull();
    expect(readIntervals([{ start: '09:00', end: '10:00', x: 1 }], 'intervals', problems)).toEqual([{ start: '09:00', end: '10:00' }]);
    expect(problems[1].field).toBe('intervals[0].x');
  });

  it('turns the arithmetic’s problems into a 400 naming the request’s fields', () => {
    const bad = { key: 'x', weekly: { 1: [{ start: '18:00', end: '09:00' }], 8: [] } };
    expect(() => compileOrReject(bad)).toThrow(expect.objectContaining({ kind: 'bad_request', code: 'VALIDATION_FAILED' }));
    try {
      compileOrReject(
        { key: 'd', weekly: { 1: [{ start: '00:00', end: '24:00' }] }, exceptions: [{ date: '2026-02-30', type: 'holiday', name: 'x' }] },
        [],
        (f) => f.replace(/^exceptions\[0\]\.?/, ''),
      );
      throw new Error('accepted');
    } catch (err) {
      expect((err as { errors: unknown }).errors).toEqual([{ field: 'date', message: expect.stringMatching(/valid date/) }]);
    }
    expect(() => compileOrReject({ key: 'x', weekly: { 1: [{ start: '09:00', end: '10:00' }] } })).not.toThrow();
    expect(() =>
      compileOrReject({ key: 'x', weekly: { 1: [{ start: '09:00', end: '10:00' }] } }, [{ field: 'f', message: 'm' }]),
    ).toThrow();
  });

  it('tells real dates, China’s date at an instant, and the first day two tables differ', () => {
    expect(['2026-02-28', '2024-02-29', '9999-12-31'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '1899-12-31', '2026-1-1', 20260101].some(isCalendarDate)).toBe(false);
    expect(chinaDate(at('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(chinaDate(at('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    const a = [
      { date: '2026-01-01', type: 'holiday', name: '元旦' },
      { date: '2026-10-07', type: 'holiday', name: '国庆节' },
    ];
    expect(firstDifference(a, [...a].reverse())).toBeNull();
    expect(firstDifference(a, a.slice(0, 1))).toBe('2026-10-07');
    expect(firstDifference(a.slice(1), a)).toBe('2026-01-01');
    expect(firstDifference(a, [a[0], { ...a[1], name: '国庆' }])).toBe('2026-10-07');
  });

  it('measures a standard working day: the first weekday with hours', () => {
    expect(standardDayMs(twentyFourSevenDefinition().weekly)).toBe(24 * H);
    expect(standardDayMs(workdayDefinition([]).weekly)).toBe(9 * H);
    expect(standardDayMs(office.weekly)).toBe(7 * H);
    expect(standardDayMs({ 3: [{ start: '10:00', end: '10:30' }] })).toBe(H / 2);
  });
});

describe('the snapshot of compiled calendars', () => {
  it('compiles every calendar, China’s days merged into those that follow them', () => {
    const { snapshot } = CalendarSnapshot.build(rows());
    expect([...snapshot.entries.keys()]).toEqual([CALENDAR_24X7, CALENDAR_WORKDAY, 'gz-office']);
    const workday = snapshot.entries.get(CALENDAR_WORKDAY)!;
    expect(workday.workingDayMs).toBe(9 * H);
    expect(isWorkingInstant(workday.compiled, at('2026-10-05T10:00:00+08:00'))).toBe(false);
    expect(isWorkingInstant(workday.compiled, at('2026-10-10T10:00:00+08:00'))).toBe(true);
    expect(snapshot.entries.get(CALENDAR_24X7)!.compiled.alwaysWorking).toBe(true);
    // the lunch break, and the make-up Saturday with the office's own hours
    const gz = snapshot.entries.get('gz-office')!.compiled;
    expect(addWorkingTime(gz, at('2026-10-09T11:00:00+08:00'), 2 * H).toISOString()).toBe(at('2026-10-09T15:00:00+08:00').toISOString());
    expect(isWorkingInstant(gz, at('2026-10-10T08:45:00+08:00'))).toBe(true);
    expect(snapshot.years.has(2026)).toBe(true);
  });

  it('keeps what did not change, and names every calendar whose working time may have moved', () => {
    const first = CalendarSnapshot.build(rows()).snapshot;
    const renamed = CalendarSnapshot.build(rows({ generation: 2 }), first);
    expect(renamed.changed).toEqual([]);
    expect(renamed.snapshot.entries.get('gz-office')!.compiled).toBe(first.entries.get('gz-office')!.compiled);

    const ownDay = { calendarKey: 'gz-office', date: '2026-10-05', type: 'workday' as const, name: '值班', intervals: null };
    const withDay = CalendarSnapshot.build(rows({ generation: 3, ownDays: [ownDay] }), first);
    expect(withDay.changed).toEqual(['gz-office']);
    expect(isWorkingInstant(withDay.snapshot.entries.get('gz-office')!.compiled, at('2026-10-05T10:00:00+08:00'))).toBe(true);
    expect(withDay.snapshot.entries.get(CALENDAR_WORKDAY)!.compiled).toBe(first.entries.get(CALENDAR_WORKDAY)!.compiled);

    const withoutOct7 = china2026.filter((d) => d.date !== '2026-10-07').map((d) => ({ ...d, source: 'manual' as const }));
    const chinaMoved = CalendarSnapshot.build(rows({ generation: 4, chinaDays: withoutOct7 }), first);
    expect(chinaMoved.changed).toEqual(['gz-office', CALENDAR_WORKDAY]);
    expect(isWorkingInstant(chinaMoved.snapshot.entries.get(CALENDAR_WORKDAY)!.compiled, at('2026-10-07T10:00:00+08:00'))).toBe(true);
  });

  it('keeps the previous version of a calendar that no longer compiles, and reports it', () => {
    const first = CalendarSnapshot.build(rows()).snapshot;
    const errors: string[] = [];
    const broken = rows({ generation: 2, calendars: [{ ...office, weekly: { 1: [{ start: '18:00', end: '09:00' }] } }] });
    const next = CalendarSnapshot.build(broken, first, (key) => errors.push(key));
    expect(errors).toEqual(['gz-office']);
    expect(next.snapshot.entries.get('gz-office')).toBe(first.entries.get('gz-office'));
    // the calendars gone from the rows are named as changed
    expect(next.changed).toEqual([CALENDAR_24X7, CALENDAR_WORKDAY]);
  });
});
