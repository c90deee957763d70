import fc from 'fast-check';
import { twentyFourSevenDefinition, workdayDefinition } from './builtin-calendars';
import { chinaHolidayExceptions } from './china-holidays';
import type { CalendarDefinition, CompiledCalendar } from './working-time';
import {
  CalendarDefinitionError,
  addWorkingTime,
  compileCalendar,
  isWorkingInstant,
  nextWorkingInstant,
  workingTimeBetween,
} from './working-time';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

const workday = compileCalendar(workdayDefinition());
const always = compileCalendar(twentyFourSevenDefinition());
/** Two intervals a day (a lunch break), China's holidays of 2025–2026. */
const lunchDef: CalendarDefinition = {
  key: 'office',
  weekly: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '18:00' },
      ],
    ]),
  ),
  exceptions: chinaHolidayExceptions(2025, 2026),
};
const lunch = compileCalendar(lunchDef);
/** A zone with daylight saving: 01:00–04:00 every day, so the change at 02:00 falls inside working time. */
const newYork = compileCalendar({
  key: 'ny-night',
  timeZone: 'America/New_York',
  weekly: Object.fromEntries(
    [1, 2, 3, 4, 5, 6, 7].map((d) => [
      d,
      [
        { start: '01:00', end: '04:00' },
        { start: '09:00', end: '17:00' },
      ],
    ]),
  ),
});

describe('working time on the built-in workday calendar (09:00–18:00 Mon–Fri, Beijing, China holidays)', () => {
  it('takes 8 working hours from Friday 17:30 to 16:30 on the next working day, across the weekend', () => {
    expect(iso(addWorkingTime(workday, at('2026-11-20T17:30:00+08:00'), 8 * H))).toBe(iso(at('2026-11-23T16:30:00+08:00')));
  });

  it('skips the 2026 National Day holiday (1–7 October) and works its make-up Saturday, 10 October', () => {
    expect(iso(addWorkingTime(workday, at('2026-09-30T17:00:00+08:00'), 2 * H))).toBe(iso(at('2026-10-08T10:00:00+08:00')));
    expect(iso(addWorkingTime(workday, at('2026-10-09T17:00:00+08:00'), 2 * H))).toBe(iso(at('2026-10-10T10:00:00+08:00')));
    // and the make-up Sunday before it, 20 September
    expect(iso(addWorkingTime(workday, at('2026-09-18T17:00:00+08:00'), 2 * H))).toBe(iso(at('2026-09-20T10:00:00+08:00')));
    // 30 Sep, 8, 9 and 10 Oct: four days of nine hours
    expect(workingTimeBetween(workday, at('2026-09-30T00:00:00+08:00'), at('2026-10-11T00:00:00+08:00'))).toBe(36 * H);
    expect(isWorkingInstant(workday, at('2026-10-01T10:00:00+08:00'))).toBe(false);
    expect(isWorkingInstant(workday, at('2026-10-10T10:00:00+08:00'))).toBe(true);
  });

  it('crosses the year boundary into the New Year holiday and its make-up Sunday (2026-01-04)', () => {
    expect(iso(addWorkingTime(workday, at('2025-12-31T17:00:00+08:00'), 2 * H))).toBe(iso(at('2026-01-04T10:00:00+08:00')));
    expect(workingTimeBetween(workday, at('2025-12-31T17:00:00+08:00'), at('2026-01-04T10:00:00+08:00'))).toBe(2 * H);
  });

  it('crosses into a year the package lacks only as the calendar says: a hand-entered 1 January 2027 holiday is kept', () => {
    const without = compileCalendar(workdayDefinition(chinaHolidayExceptions(2026)));
    const withHand = compileCalendar(
      workdayDefinition([...chinaHolidayExceptions(2026), { date: '2027-01-01', type: 'holiday', name: '元旦' }]),
    );
    expect(iso(addWorkingTime(without, at('2026-12-31T17:00:00+08:00'), 2 * H))).toBe(iso(at('2027-01-01T10:00:00+08:00')));
    expect(iso(addWorkingTime(withHand, at('2026-12-31T17:00:00+08:00'), 2 * H))).toBe(iso(at('2027-01-04T10:00:00+08:00')));
  });

  it('ends exactly at 18:00 when the amount uses up the day, not at the next morning', () => {
    expect(iso(addWorkingTime(workday, at('2026-09-30T09:00:00+08:00'), 9 * H))).toBe(iso(at('2026-09-30T18:00:00+08:00')));
    expect(iso(addWorkingTime(workday, at('2026-09-30T09:00:00+08:00'), 9 * H + 1))).toBe(iso(at('2026-10-08T09:00:00.001+08:00')));
  });

  it('starts counting at the next working instant when opened outside working time', () => {
    expect(iso(addWorkingTime(workday, at('2026-11-21T10:00:00+08:00'), H))).toBe(iso(at('2026-11-23T10:00:00+08:00')));
    expect(iso(addWorkingTime(workday, at('2026-11-23T07:00:00+08:00'), H))).toBe(iso(at('2026-11-23T10:00:00+08:00')));
    expect(workingTimeBetween(workday, at('2026-11-21T00:00:00+08:00'), at('2026-11-23T09:30:00+08:00'))).toBe(30 * M);
  });

  it('returns the start unchanged for a zero amount, even outside working time', () => {
    const saturday = at('2026-11-21T10:00:00+08:00');
    const r = addWorkingTime(workday, saturday, 0);
    expect(r.getTime()).toBe(saturday.getTime());
    expect(r).not.toBe(saturday); // a copy: the caller's Date is never shared
  });

  it('tells instants inside and outside working time, start included and end excluded', () => {
    expect(isWorkingInstant(workday, at('2026-11-23T09:00:00+08:00'))).toBe(true);
    expect(isWorkingInstant(workday, at('2026-11-23T08:59:59.999+08:00'))).toBe(false);
    expect(isWorkingInstant(workday, at('2026-11-23T17:59:59.999+08:00'))).toBe(true);
    expect(isWorkingInstant(workday, at('2026-11-23T18:00:00+08:00'))).toBe(false);
    expect(isWorkingInstant(workday, at('2026-11-22T12:00:00+08:00'))).toBe(false); // Sunday
  });

  it('finds the next working instant', () => {
    expect(iso(nextWorkingInstant(workday, at('2026-11-20T18:00:00+08:00')))).toBe(iso(at('2026-11-23T09:00:00+08:00')));
    expect(iso(nextWorkingInstant(workday, at('2026-09-30T18:00:00+08:00')))).toBe(iso(at('2026-10-08T09:00:00+08:00')));
    expect(iso(nextWorkingInstant(workday, at('2026-11-23T11:11:00+08:00')))).toBe(iso(at('2026-11-23T11:11:00+08:00')));
  });

  it('measures 0 between an instant and an earlier one', () => {
    expect(workingTimeBetween(workday, at('2026-11-23T12:00:00+08:00'), at('2026-11-23T10:00:00+08:00'))).toBe(0);
    expect(workingTimeBetween(workday, at('2026-11-23T12:00:00+08:00'), at('2026-11-23T12:00:00+08:00'))).toBe(0);
  });

  it('counts 5 and 10 working days across weekends and holidays', () => {
    // Monday 28 Sep 2026 10:00 + 5 days of 9 h: 28, 29, 30 Sep, then 8, 9 Oct, ending at 10:00 on Saturday 10 Oct (make-up day)
    expect(iso(addWorkingTime(workday, at('2026-09-28T10:00:00+08:00'), 5 * 9 * H))).toBe(iso(at('2026-10-10T10:00:00+08:00')));
    expect(iso(addWorkingTime(workday, at('2026-11-02T09:00:00+08:00'), 10 * 9 * H))).toBe(iso(at('2026-11-13T18:00:00+08:00')));
  });
});

describe('a calendar with a lunch break (09:00–12:00, 13:30–18:00)', () => {
  it('skips the lunch break', () => {
    expect(iso(addWorkingTime(lunch, at('2026-11-23T11:00:00+08:00'), 2 * H))).toBe(iso(at('2026-11-23T14:30:00+08:00')));
    expect(iso(addWorkingTime(lunch, at('2026-11-23T12:30:00+08:00'), H))).toBe(iso(at('2026-11-23T14:30:00+08:00')));
    expect(iso(addWorkingTime(lunch, at('2026-11-23T09:00:00+08:00'), 3 * H))).toBe(iso(at('2026-11-23T12:00:00+08:00')));
    expect(workingTimeBetween(lunch, at('2026-11-23T00:00:00+08:00'), at('2026-11-24T00:00:00+08:00'))).toBe(7.5 * H);
    expect(isWorkingInstant(lunch, at('2026-11-23T12:30:00+08:00'))).toBe(false);
    expect(iso(nextWorkingInstant(lunch, at('2026-11-23T12:30:00+08:00')))).toBe(iso(at('2026-11-23T13:30:00+08:00')));
  });

  it("works a make-up Saturday with Monday's two intervals, or with the exception's own", () => {
    expect(workingTimeBetween(lunch, at('2026-10-10T00:00:00+08:00'), at('2026-10-11T00:00:00+08:00'))).toBe(7.5 * H);
    expect(isWorkingInstant(lunch, at('2026-10-10T12:30:00+08:00'))).toBe(false);
    const halfDay = compileCalendar({
      ...lunchDef,
      exceptions: [{ date: '2026-10-10', type: 'workday', name: '国庆节', intervals: [{ start: '09:00', end: '12:00' }] }],
    });
    expect(workingTimeBetween(halfDay, at('2026-10-10T00:00:00+08:00'), at('2026-10-11T00:00:00+08:00'))).toBe(3 * H);
  });
});

describe('time zones with daylight saving (America/New_York, 2026)', () => {
  it('counts real elapsed time when the clock springs forward inside working hours (01:00–04:00 on 8 March is 2 h)', () => {
    expect(workingTimeBetween(newYork, at('2026-03-08T00:00:00-05:00'), at('2026-03-08T05:00:00-04:00'))).toBe(2 * H);
    expect(workingTimeBetween(newYork, at('2026-03-07T00:00:00-05:00'), at('2026-03-07T05:00:00-05:00'))).toBe(3 * H);
  });

  it('and when it falls back (01:00–04:00 on 1 November is 4 h)', () => {
    expect(workingTimeBetween(newYork, at('2026-11-01T00:00:00-04:00'), at('2026-11-01T05:00:00-05:00'))).toBe(4 * H);
    expect(iso(addWorkingTime(newYork, at('2026-11-01T00:00:00-04:00'), 4 * H))).toBe(iso(at('2026-11-01T04:00:00-05:00')));
  });

  it('starts an interval whose start the clock skips at the change itself (02:30–05:00 on 8 March works 03:00–05:00)', () => {
    const cal = compileCalendar({ key: 'ny-sunday', timeZone: 'America/New_York', weekly: { 7: [{ start: '02:30', end: '05:00' }] } });
    expect(workingTimeBetween(cal, at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).toBe(2 * H);
    expect(iso(nextWorkingInstant(cal, at('2026-03-08T00:00:00-05:00')))).toBe(iso(at('2026-03-08T03:00:00-04:00')));
    expect(workingTimeBetween(cal, at('2026-03-15T00:00:00-04:00'), at('2026-03-15T12:00:00-04:00'))).toBe(2.5 * H);
  });

  it('keeps the local hours on both sides of the change', () => {
    expect(iso(nextWorkingInstant(newYork, at('2026-03-06T17:00:00-05:00')))).toBe(iso(at('2026-03-07T01:00:00-05:00')));
    expect(iso(nextWorkingInstant(newYork, at('2026-03-09T05:00:00-04:00')))).toBe(iso(at('2026-03-09T09:00:00-04:00')));
    expect(iso(addWorkingTime(newYork, at('2026-03-08T16:00:00-04:00'), 2 * H))).toBe(iso(at('2026-03-09T02:00:00-04:00')));
  });
});

describe('the 24x7 calendar', () => {
  it('compiles to the plain-arithmetic fast path', () => {
    expect(always.alwaysWorking).toBe(true);
    expect(workday.alwaysWorking).toBe(false);
    expect(
      compileCalendar({ ...twentyFourSevenDefinition(), exceptions: [{ date: '2026-10-01', type: 'holiday', name: 'x' }] }).alwaysWorking,
    ).toBe(false);
  });
});

describe('compileCalendar validation', () => {
  const base: CalendarDefinition = { key: 'k', weekly: { 1: [{ start: '09:00', end: '18:00' }] } };
  const problemsOf = (def: unknown) => {
    try {
      compileCalendar(def as CalendarDefinition);
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarDefinitionError);
      return (e as CalendarDefinitionError).problems;
    }
    throw new Error('compiled');
  };

  it.each([
    [
      'intervals out of order',
      {
        weekly: {
          1: [
            { start: '13:00', end: '18:00' },
            { start: '09:00', end: '12:00' },
          ],
        },
      },
      'weekly.1[1]',
    ],
    [
      'overlapping intervals',
      {
        weekly: {
          2: [
            { start: '09:00', end: '12:30' },
            { start: '12:00', end: '18:00' },
          ],
        },
      },
      'weekly.2[1]',
    ],
    ['start not before end', { weekly: { 3: [{ start: '18:00', end: '09:00' }] } }, 'weekly.3[0]'],
    ['an empty interval', { weekly: { 3: [{ start: '09:00', end: '09:00' }] } }, 'weekly.3[0]'],
    ['a time that does not exist', { weekly: { 1: [{ start: '09:00', end: '25:00' }] } }, 'weekly.1[0].end'],
    ['24:00 as a start', { weekly: { 1: [{ start: '24:00', end: '24:00' }] } }, 'weekly.1[0].start'],
    ['a time without its leading zero', { weekly: { 1: [{ start: '9:00', end: '18:00' }] } }, 'weekly.1[0].start'],
    ['weekday 0', { weekly: { 0: [{ start: '09:00', end: '18:00' }] } }, 'weekly.0'],
    ['weekday 8', { weekly: { 1: [{ start: '09:00', end: '18:00' }], 8: [] } }, 'weekly.8'],
    ['no working time in the week', { weekly: { 6: [] } }, 'weekly'],
    ['an unknown time zone', { timeZone: 'Asia/Beijing' }, 'timeZone'],
    ['an empty key', { key: '' }, 'key'],
    ['30 February', { exceptions: [{ date: '2026-02-30', type: 'holiday', name: 'x' }] }, 'exceptions[0].date'],
    ['a date in another format', { exceptions: [{ date: '2026/10/01', type: 'holiday', name: 'x' }] }, 'exceptions[0].date'],
    ['an unknown type', { exceptions: [{ date: '2026-10-01', type: 'vacation', name: 'x' }] }, 'exceptions[0].type'],
    ['no name', { exceptions: [{ date: '2026-10-01', type: 'holiday', name: ' ' }] }, 'exceptions[0].name'],
    [
      'a date twice',
      {
        exceptions: [
          { date: '2026-10-01', type: 'holiday', name: 'x' },
          { date: '2026-10-01', type: 'workday', name: 'y' },
        ],
      },
      'exceptions[1].date',
    ],
    [
      'a holiday with hours',
      { exceptions: [{ date: '2026-10-01', type: 'holiday', name: 'x', intervals: [{ start: '09:00', end: '12:00' }] }] },
      'exceptions[0].intervals',
    ],
    [
      'a workday with no hours',
      { exceptions: [{ date: '2026-10-10', type: 'workday', name: 'x', intervals: [] }] },
      'exceptions[0].intervals',
    ],
  ])('rejects %s, naming the field', (_what, change, field) => {
    const problems = problemsOf({ ...base, ...change });
    expect(problems.map((p) => p.field)).toContain(field);
  });

  it('lists every problem in one error, with a readable message', () => {
    try {
      compileCalendar({ key: 'k', timeZone: 'Mars/Olympus', weekly: { 1: [{ start: '18:00', end: '09:00' }] } });
      throw new Error('compiled');
    } catch (e) {
      expect((e as Error).message).toBe(
        'Invalid calendar definition: timeZone: unknown time zone "Mars/Olympus"; weekly.1[0]: start 18:00 must be before end 09:00',
      );
    }
  });

  it('accepts touching intervals, 24:00, and the JSON shape of a database row', () => {
    const row = JSON.parse(
      JSON.stringify({
        key: 'k',
        weekly: {
          '1': [
            { start: '00:00', end: '12:00' },
            { start: '12:00', end: '24:00' },
          ],
        },
      }),
    );
    const cal = compileCalendar(row);
    expect(workingTimeBetween(cal, at('2026-11-23T00:00:00+08:00'), at('2026-11-24T00:00:00+08:00'))).toBe(24 * H);
  });

  it('refuses instants outside the years 1900 to 9999 with a RangeError', () => {
    expect(() => isWorkingInstant(workday, at('1899-06-01T10:00:00+08:00'))).toThrow(RangeError);
    expect(() => addWorkingTime(workday, at('9999-12-01T10:00:00+08:00'), 1000 * H)).toThrow(RangeError);
    expect(() => addWorkingTime(always, new Date(8.64e15 - 1), 2)).toThrow(RangeError);
  });

  it('refuses what compileCalendar did not make, and amounts that are not whole non-negative ms', () => {
    expect(() => addWorkingTime({ key: 'x', timeZone: 'UTC', alwaysWorking: true }, new Date(), 1)).toThrow(TypeError);
    expect(() => addWorkingTime(workday, new Date(), -1)).toThrow(RangeError);
    expect(() => addWorkingTime(workday, new Date(), 0.5)).toThrow(RangeError);
    expect(() => addWorkingTime(workday, new Date(NaN), 1)).toThrow(RangeError);
  });
});

// ─── properties ──────────────────────────────────────────────────────────────

const calendars: [string, CompiledCalendar][] = [
  ['workday', workday],
  ['lunch break', lunch],
  ['New York (daylight saving)', newYork],
];
/** Instants from 2025 to 2027, whole ms. */
const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }).map((t) => new Date(t));
/** Up to 30 working days; whole minutes and hours are the amounts an SLA uses, odd ms test the edges. */
const amount = fc.oneof(
  fc.integer({ min: 0, max: 30 * 9 * H }),
  fc.integer({ min: 0, max: 30 * 9 * 60 }).map((m) => m * M),
  fc.integer({ min: 0, max: 30 * 9 }).map((h) => h * H),
);

describe.each(calendars)('properties of %s', (_name, cal) => {
  it('measuring from the start to start + x gives back x', () => {
    fc.assert(
      fc.property(instant, amount, (a, x) => {
        expect(workingTimeBetween(cal, a, addWorkingTime(cal, a, x))).toBe(x);
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic in the amount', () => {
    fc.assert(
      fc.property(instant, amount, amount, (a, x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        expect(addWorkingTime(cal, a, lo).getTime()).toBeLessThanOrEqual(addWorkingTime(cal, a, hi).getTime());
      }),
      { numRuns: 500 },
    );
  });

  // The result is the end of the consumed working time, so it is inside a working interval or exactly at
  // an interval's end (18:00, which is not itself working): precisely, the millisecond before it is working.
  it('never lands in non-working time unless the amount is 0: the millisecond before the result is working time', () => {
    fc.assert(
      fc.property(instant, amount, (a, x) => {
        fc.pre(x > 0);
        const r = addWorkingTime(cal, a, x);
        expect(r.getTime()).toBeGreaterThan(a.getTime());
        expect(isWorkingInstant(cal, new Date(r.getTime() - 1))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('adds in two steps as in one', () => {
    fc.assert(
      fc.property(instant, amount, amount, (a, x, y) => {
        expect(addWorkingTime(cal, addWorkingTime(cal, a, x), y).getTime()).toBe(addWorkingTime(cal, a, x + y).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('measures additively and agrees with isWorkingInstant millisecond by millisecond', () => {
    fc.assert(
      fc.property(instant, instant, instant, (p, q, r) => {
        const [a, b, c] = [p, q, r].sort((x, y) => x.getTime() - y.getTime());
        expect(workingTimeBetween(cal, a, c)).toBe(workingTimeBetween(cal, a, b) + workingTimeBetween(cal, b, c));
        expect(workingTimeBetween(cal, a, new Date(a.getTime() + 1))).toBe(isWorkingInstant(cal, a) ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('counts from the next working instant', () => {
    fc.assert(
      fc.property(instant, amount, (a, x) => {
        const n = nextWorkingInstant(cal, a);
        expect(isWorkingInstant(cal, n)).toBe(true);
        expect(workingTimeBetween(cal, a, n)).toBe(0);
        expect(addWorkingTime(cal, n, x).getTime()).toBe(x ? addWorkingTime(cal, a, x).getTime() : n.getTime());
      }),
      { numRuns: 300 },
    );
  });
});

describe('long amounts, skipping whole blocks of days', () => {
  it('measures back up to two years of working days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 500 * 9 * H }), (a, x) => {
        const r = addWorkingTime(workday, a, x);
        expect(workingTimeBetween(workday, a, r)).toBe(x);
        if (x) expect(isWorkingInstant(workday, new Date(r.getTime() - 1))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('counts 248 working days of 9 hours in 2026: 261 weekdays, less 19 holidays on weekdays, plus 6 make-up days', () => {
    expect(workingTimeBetween(workday, at('2026-01-01T00:00:00+08:00'), at('2027-01-01T00:00:00+08:00'))).toBe(248 * 9 * H);
  });
});

describe('properties of 24x7', () => {
  it('is plain addition and subtraction', () => {
    fc.assert(
      fc.property(instant, instant, amount, (a, b, x) => {
        expect(addWorkingTime(always, a, x).getTime()).toBe(a.getTime() + x);
        expect(workingTimeBetween(always, a, b)).toBe(Math.max(0, b.getTime() - a.getTime()));
        expect(isWorkingInstant(always, a)).toBe(true);
      }),
    );
  });

  it('agrees with the general path (a 24x7 definition that is not recognised as one)', () => {
    // a holiday in 1990 keeps the calendar off the fast path without changing anything after it
    const slow = compileCalendar({ ...twentyFourSevenDefinition(), exceptions: [{ date: '1990-01-01', type: 'holiday', name: 'x' }] });
    expect(slow.alwaysWorking).toBe(false);
    fc.assert(
      fc.property(instant, amount, (a, x) => {
        expect(addWorkingTime(slow, a, x).getTime()).toBe(a.getTime() + x);
      }),
    );
  });
});

describe('against a plain reference (Beijing has kept UTC+8 since 1991)', () => {
  /** Working ms in [a, b) computed the slow, obvious way: day by day in UTC+8. */
  function reference(def: CalendarDefinition, a: number, b: number): number {
    const exceptions = new Map((def.exceptions ?? []).map((e) => [e.date, e]));
    const toMs = (hhmm: string) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * M;
    let sum = 0;
    for (let day = Math.floor((a + 8 * H) / (24 * H)) - 1; day * 24 * H - 8 * H < b; day++) {
      const midnight = day * 24 * H - 8 * H;
      const date = new Date(day * 24 * H).toISOString().slice(0, 10);
      const weekday = ((new Date(day * 24 * H).getUTCDay() + 6) % 7) + 1;
      const ex = exceptions.get(date);
      const weekly = def.weekly as Record<number, { start: string; end: string }[]>;
      const intervals = ex
        ? ex.type === 'holiday'
          ? []
          : (ex.intervals ?? (weekly[weekday]?.length ? weekly[weekday] : weekly[1]))
        : (weekly[weekday] ?? []);
      for (const iv of intervals) {
        const s = Math.max(a, midnight + toMs(iv.start));
        const e = Math.min(b, midnight + toMs(iv.end));
        if (e > s) sum += e - s;
      }
    }
    return sum;
  }

  it.each([
    ['workday', workdayDefinition(), workday],
    ['lunch break', lunchDef, lunch],
  ])('%s: workingTimeBetween matches it', (_name, def, cal) => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 * 24 * H }), (a, span) => {
        const b = new Date(a.getTime() + span);
        expect(workingTimeBetween(cal, a, b)).toBe(reference(def, a.getTime(), b.getTime()));
      }),
      { numRuns: 300 },
    );
  });
});
