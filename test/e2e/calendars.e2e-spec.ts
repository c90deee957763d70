import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../src/app.module';
import { CalendarClock } from '../../src/calendars/calendar-clock';
import { CalendarsService } from '../../src/calendars/calendars.service';
import { ChinaDaysLoader } from '../../src/calendars/china-days-loader';
import { CHINA_HOLIDAYS_SOURCE, chinaHolidayExceptions } from '../../src/calendars/china-holidays';
import { addWorkingTime, isWorkingInstant } from '../../src/calendars/working-time';
import { YearCheckService } from '../../src/calendars/year-check.service';
import { AppConfig } from '../../src/config/app-config';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const C = '/api/v1/calendars';

/** The time the year check reads, moved by the tests (CalendarClock stands in for the real one). */
const clock = { at: at('2026-11-30T10:00:00+08:00'), now: () => clock.at };

/** Two intervals a day (a lunch break), Monday to Friday. */
const OFFICE_WEEK = Object.fromEntries(
  [1, 2, 3, 4, 5].map((d) => [
    String(d),
    [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
  ]),
);

/**
 * Another process on the same database and Redis (an API or worker process
 * of src/main.ts or src/worker.ts): the whole module tree without HTTP.
 */
async function anotherProcess(t: TestApp, env: Record<string, string>): Promise<TestingModule> {
  const config = AppConfig.load({
    NODE_ENV: 'test',
    DATABASE_URL: t.config.database.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: t.config.redis.url,
    QUEUE_PREFIX: t.config.redis.queuePrefix,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot({ config, api: false, worker: false })] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('calendars (issue 12, points 1 and 2)', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  let calendars: CalendarsService;
  const heard: string[][] = [];

  beforeAll(async () => {
    // No poll within a test: a change reaches this process after commit, another one through Redis.
    t = await startTestApp({ CALENDAR_REFRESH_SECONDS: '3600' }, { override: (b) => b.overrideProvider(CalendarClock).useValue(clock) });
    [agent, director] = await Promise.all([t.staff(['agent'], ['440000']), t.staff(['director'], ['CN'])]);
    calendars = t.app.get(CalendarsService);
    calendars.onChange((change) => heard.push(change.keys));
  });
  afterAll(() => t?.close());

  const api = () => t.http();
  const events = async (type: string) =>
    (await t.dataSource.query(`SELECT data FROM outbox_events WHERE type = $1 ORDER BY seq`, [type])).map((r: { data: unknown }) => r.data);
  const fieldsOf = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  describe('the built-in calendars', () => {
    it('lists 24x7 and workday to every role, with the length of a working day', async () => {
      const res = await api().get(C).set(bearer(agent)).expect(200);
      expect(res.body.map((c: { key: string }) => c.key)).toEqual(expect.arrayContaining(['24x7', 'workday']));
      const byKey = Object.fromEntries(res.body.map((c: { key: string }) => [c.key, c]));
      expect(byKey['24x7']).toMatchObject({
        builtin: true,
        followsChinaHolidays: false,
        timeZone: 'Asia/Shanghai',
        workingDayMinutes: 1440,
      });
      expect(byKey.workday).toMatchObject({
        builtin: true,
        followsChinaHolidays: true,
        workingDayMinutes: 540,
        weekly: { 1: [{ start: '09:00', end: '18:00' }], 5: [{ start: '09:00', end: '18:00' }] },
      });
      expect(byKey.workday.weekly['6']).toBeUndefined();
      expect(calendars.workingDayMs('workday')).toBe(9 * H);
      expect(calendars.workingDayMs('24x7')).toBe(24 * H);
      expect(calendars.has('workday') && calendars.has('24x7') && !calendars.has('nope')).toBe(true);
      expect(() => calendars.compiled('nope')).toThrow(expect.objectContaining({ code: 'CALENDAR_NOT_FOUND', kind: 'not_found' }));
    });

    it('computes with China’s 2026 National Day holiday and its make-up Saturday', () => {
      const workday = calendars.compiled('workday');
      expect(isWorkingInstant(workday, at('2026-10-05T10:00:00+08:00'))).toBe(false);
      expect(isWorkingInstant(workday, at('2026-10-10T10:00:00+08:00'))).toBe(true);
      expect(addWorkingTime(calendars.compiled('24x7'), at('2026-10-01T00:00:00Z'), 5 * H).toISOString()).toBe('2026-10-01T05:00:00.000Z');
    });

    it('shows one calendar with its own days, and with a window every day in effect there', async () => {
      const plain = await api().get(`${C}/workday`).set(bearer(agent)).expect(200);
      expect(plain.body).toMatchObject({ key: 'workday', days: [], version: expect.any(Number) });
      expect(plain.body.effectiveDays).toBeUndefined();
      const res = await api().get(`${C}/workday?from=2026-09-15&to=2026-10-15`).set(bearer(agent)).expect(200);
      const days = res.body.effectiveDays as { date: string; type: string; source: string }[];
      expect(days.filter((d) => d.date >= '2026-10-01' && d.date <= '2026-10-07').map((d) => [d.type, d.source])).toEqual(
        Array(7).fill(['holiday', 'package']),
      );
      expect(days.find((d) => d.date === '2026-10-10')).toMatchObject({
        type: 'workday',
        name: '国庆节',
        source: 'package',
        intervals: null,
      });
      expect(days.every((d) => d.date >= '2026-09-15' && d.date <= '2026-10-15')).toBe(true);
      await api()
        .get(`${C}/24x7?from=2026-09-15&to=2026-10-15`)
        .set(bearer(agent))
        .expect(200, /"effectiveDays":\[\]/);
      await api()
        .get(`${C}/nope`)
        .set(bearer(agent))
        .expect(404, /CALENDAR_NOT_FOUND/);
    });

    it('refuses a bad window, naming the field', async () => {
      for (const [query, field] of [
        ['from=2026-09-15', 'to'],
        ['to=2026-09-15', 'from'],
        ['from=2026-02-30&to=2026-03-01', 'from'],
        ['from=2026-10-01&to=2026-09-01', 'to'],
        ['from=2020-01-01&to=2026-01-01', 'to'],
        ['from=20260101&to=2026-01-02', 'from'],
      ]) {
        const res = await api().get(`${C}/workday?${query}`).set(bearer(agent)).expect(400);
        expect(fieldsOf(res)).toEqual([field]);
      }
    });
  });

  describe('China’s statutory days from the package', () => {
    it('holds 2026 from chinese-days: 1–7 October off, Saturday 10 October a working day', async () => {
      const rows = await t.dataSource.query(
        `SELECT to_char(date, 'YYYY-MM-DD') AS date, type, name, source, loaded_from FROM china_statutory_days WHERE date BETWEEN '2026-10-01' AND '2026-10-10' ORDER BY date`,
      );
      expect(rows).toEqual([
        ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({
          date: `2026-10-0${d}`,
          type: 'holiday',
          name: '国庆节',
          source: 'package',
          loaded_from: CHINA_HOLIDAYS_SOURCE,
        })),
        { date: '2026-10-10', type: 'workday', name: '国庆节', source: 'package', loaded_from: CHINA_HOLIDAYS_SOURCE },
      ]);
      const year = await api().get(`${C}/holidays/2026`).set(bearer(agent)).expect(200);
      expect(year.body).toMatchObject({ year: 2026, source: 'package', loadedFrom: CHINA_HOLIDAYS_SOURCE, version: 1 });
      expect(year.body.days).toHaveLength(chinaHolidayExceptions(2026).length);
      expect(await api().get(`${C}/holidays/2027`).set(bearer(agent)).expect(200)).toMatchObject({
        body: { year: 2027, source: null, loadedFrom: null, version: 0, days: [] },
      });
      for (const bad of ['26', 'abcd', '1899', '20270'])
        expect(fieldsOf(await api().get(`${C}/holidays/${bad}`).set(bearer(agent)).expect(400))).toEqual(['year']);
    });

    it('loads at start what the database lacks, once (idempotent), with one calendar.changed naming the calendars that follow it', async () => {
      const loader = t.app.get(ChinaDaysLoader);
      expect(await loader.load()).toEqual([]);
      await t.dataSource.query(`DELETE FROM china_statutory_days WHERE year = 2025`);
      await t.dataSource.query(`DELETE FROM china_statutory_years WHERE year = 2025`);
      const before = (await events('calendar.changed')).length;
      expect(await loader.load()).toEqual([2025]);
      expect(await loader.load()).toEqual([]);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM china_statutory_days WHERE year = 2025 AND source = 'package' AND loaded_from = $1`,
        [CHINA_HOLIDAYS_SOURCE],
      );
      expect(n).toBe(chinaHolidayExceptions(2025).length);
      const loaded = (await events('calendar.changed')).slice(before);
      expect(loaded).toEqual([
        {
          keys: expect.arrayContaining(['workday']),
          calendarKey: null,
          year: 2025,
          version: 1,
          change: 'china_days',
          fields: [],
          changedFrom: '2025-01-01',
        },
      ]);
      expect(loaded[0].keys).not.toContain('24x7');
    });
  });

  describe('creating a calendar', () => {
    const body = { key: 'gz-office', name: '广州政务中心 (午休)', weekly: OFFICE_WEEK };

    it('is for admins (403 for others)', async () => {
      await api()
        .post(C)
        .set(bearer(director))
        .send(body)
        .expect(403, /FORBIDDEN/);
      await api().post(C).set(bearer(agent)).send(body).expect(403);
    });

    it('refuses a bad key, name, zone or hours, naming each field', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{ ...body, key: 'GZ office' }, ['key']],
        [{ ...body, key: 'x'.repeat(41) }, ['key']],
        [{ ...body, key: 'holidays' }, ['key']],
        [{ ...body, name: '' }, ['name']],
        [{ ...body, timeZone: 'Mars/Olympus' }, ['timeZone']],
        [{ ...body, weekly: 'weekdays' }, ['weekly']],
        [{ ...body, weekly: { 1: [{ start: '18:00', end: '09:00' }] } }, ['weekly.1[0]']],
        [{ ...body, weekly: { 1: [{ start: '9:00', end: '25:00' }] } }, ['weekly.1[0].start', 'weekly.1[0].end']],
        [{ ...body, weekly: { 8: [{ start: '09:00', end: '10:00' }] } }, ['weekly.8']],
        [
          {
            ...body,
            weekly: {
              1: [
                { start: '09:00', end: '12:00' },
                { start: '11:00', end: '13:00' },
              ],
            },
          },
          ['weekly.1[1]'],
        ],
        [{ ...body, weekly: { 1: [{ start: '09:00', end: '12:00', lunch: true }] } }, ['weekly.1[0].lunch']],
        [{ ...body, weekly: {} }, ['weekly']],
        [{ ...body, extra: 1 }, ['extra']],
      ];
      for (const [sent, fields] of cases) {
        const res = await api().post(C).set(bearer(t.admin)).send(sent);
        expect({ sent, status: res.status, fields: fieldsOf(res) }).toEqual({ sent, status: 400, fields });
      }
    });

    it('creates it (201), following China’s table by default, usable at once in this process', async () => {
      const res = await api().post(C).set(bearer(t.admin)).set('Idempotency-Key', 'create-gz-office').send(body).expect(201);
      expect(res.body).toMatchObject({
        key: 'gz-office',
        timeZone: 'Asia/Shanghai',
        followsChinaHolidays: true,
        builtin: false,
        workingDayMinutes: 420,
        version: 1,
        updatedBy: t.admin.id,
        days: [],
      });
      const gz = calendars.compiled('gz-office');
      // Friday 11:00 + 2 working hours: one before the lunch break, one after it
      expect(addWorkingTime(gz, at('2026-11-27T11:00:00+08:00'), 2 * H).toISOString()).toBe(at('2026-11-27T15:00:00+08:00').toISOString());
      expect(isWorkingInstant(gz, at('2026-10-05T10:00:00+08:00'))).toBe(false); // National Day, from China's table
      expect(calendars.workingDayMs('gz-office')).toBe(7 * H);
      expect(heard.at(-1)).toEqual(['gz-office']);
      expect((await events('calendar.changed')).at(-1)).toEqual({
        keys: ['gz-office'],
        calendarKey: 'gz-office',
        year: null,
        version: 1,
        change: 'created',
        fields: [],
        changedFrom: null,
      });
      const audit = await api().get('/api/v1/audit?entity=calendar&entityId=gz-office').set(bearer(t.admin)).expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['calendar.created']);
    });

    it('replays the same Idempotency-Key, refuses it with another body (422) and a taken key (409)', async () => {
      const again = await api().post(C).set(bearer(t.admin)).set('Idempotency-Key', 'create-gz-office').send(body).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.key).toBe('gz-office');
      await api()
        .post(C)
        .set(bearer(t.admin))
        .set('Idempotency-Key', 'create-gz-office')
        .send({ ...body, name: '别的' })
        .expect(422, /IDEMPOTENCY_KEY_REUSED/);
      await api()
        .post(C)
        .set(bearer(t.admin))
        .send(body)
        .expect(409, /CALENDAR_KEY_TAKEN/);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'calendar.changed' AND data->>'change' = 'created'`,
      );
      expect(n).toBe(1);
    });

    it('takes another zone and no China holidays when asked', async () => {
      const res = await api()
        .post(C)
        .set(bearer(t.admin))
        .send({
          key: 'london_noc',
          name: 'London NOC',
          timeZone: 'Europe/London',
          followsChinaHolidays: false,
          weekly: { 1: [{ start: '09:00', end: '17:00' }] },
        })
        .expect(201);
      expect(res.body).toMatchObject({ timeZone: 'Europe/London', followsChinaHolidays: false });
      const london = calendars.compiled('london_noc');
      // Monday 5 October 2026 09:00 London (BST, +01:00) works: China's holiday does not apply
      expect(isWorkingInstant(london, at('2026-10-05T08:00:00Z'))).toBe(true);
      expect(isWorkingInstant(london, at('2026-10-05T07:59:59Z'))).toBe(false);
    });
  });

  describe('changing a calendar', () => {
    const version = async (key: string) => (await api().get(`${C}/${key}`).set(bearer(agent)).expect(200)).body.version as number;

    it('is for admins, version-checked, and not for 24x7', async () => {
      const v = await version('workday');
      await api().put(`${C}/workday`).set(bearer(director)).send({ name: 'x', expectedVersion: v }).expect(403);
      await api()
        .put(`${C}/nope`)
        .set(bearer(t.admin))
        .send({ name: 'x', expectedVersion: 1 })
        .expect(404, /CALENDAR_NOT_FOUND/);
      const readOnly = await api().put(`${C}/24x7`).set(bearer(t.admin)).send({ name: 'x', expectedVersion: 1 }).expect(409);
      expect(readOnly.body.code).toBe('CALENDAR_READ_ONLY');
      const stale = await api()
        .put(`${C}/workday`)
        .set(bearer(t.admin))
        .send({ name: 'x', expectedVersion: v + 5 })
        .expect(409);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: v });
      expect(fieldsOf(await api().put(`${C}/workday`).set(bearer(t.admin)).send({ expectedVersion: v }).expect(400))).toEqual(['name']);
      expect(fieldsOf(await api().put(`${C}/workday`).set(bearer(t.admin)).send({ name: 'x' }).expect(400))).toEqual(['expectedVersion']);
      const bad = await api()
        .put(`${C}/workday`)
        .set(bearer(t.admin))
        .send({ weekly: { 1: [{ start: '09:00', end: '24:30' }] }, expectedVersion: v })
        .expect(400);
      expect(fieldsOf(bad)).toEqual(['weekly.1[0].end']);
    });

    it('edits workday’s hours: compiled() computes with them as soon as the answer is back', async () => {
      const v = await version('workday');
      const monday0845 = at('2026-11-23T08:45:00+08:00');
      expect(isWorkingInstant(calendars.compiled('workday'), monday0845)).toBe(false);
      const weekly = Object.fromEntries([1, 2, 3, 4, 5].map((d) => [String(d), [{ start: '08:30', end: '17:30' }]]));
      const res = await api().put(`${C}/workday`).set(bearer(t.admin)).send({ weekly, expectedVersion: v }).expect(200);
      expect(res.body).toMatchObject({ version: v + 1, weekly, builtin: true });
      expect(isWorkingInstant(calendars.compiled('workday'), monday0845)).toBe(true);
      expect(heard.at(-1)).toEqual(['workday']);
      expect((await events('calendar.changed')).at(-1)).toMatchObject({
        keys: ['workday'],
        change: 'updated',
        fields: ['weekly'],
        version: v + 1,
      });
      // and back
      const back = Object.fromEntries([1, 2, 3, 4, 5].map((d) => [String(d), [{ start: '09:00', end: '18:00' }]]));
      await api()
        .put(`${C}/workday`)
        .set(bearer(t.admin))
        .send({ weekly: back, expectedVersion: v + 1 })
        .expect(200);
      expect(isWorkingInstant(calendars.compiled('workday'), monday0845)).toBe(false);
    });

    it('renames without moving anyone’s working time (calendar.changed names no calendar)', async () => {
      const heardBefore = heard.length;
      const v = await version('gz-office');
      await api().put(`${C}/gz-office`).set(bearer(t.admin)).send({ name: '广州政务服务中心', expectedVersion: v }).expect(200);
      expect((await events('calendar.changed')).at(-1)).toMatchObject({
        keys: [],
        calendarKey: 'gz-office',
        fields: ['name'],
        change: 'updated',
      });
      expect(heard.length).toBe(heardBefore);
      const audit = await api()
        .get('/api/v1/audit?entity=calendar&entityId=gz-office&action=calendar.updated')
        .set(bearer(t.admin))
        .expect(200);
      expect(audit.body.items[0].changes).toEqual({ name: { from: '广州政务中心 (午休)', to: '广州政务服务中心' } });
    });
  });

  describe('a calendar’s own days', () => {
    const version = async (key: string) => (await api().get(`${C}/${key}`).set(bearer(agent)).expect(200)).body.version as number;

    it('refuses a bad date, type, name or hours, naming the field', async () => {
      const v = await version('gz-office');
      const cases: [string, Record<string, unknown>, string[]][] = [
        ['2026-02-30', { type: 'holiday', name: 'x' }, ['date']],
        ['20261008', { type: 'holiday', name: 'x' }, ['date']],
        ['2026-10-08', { type: 'closed', name: 'x' }, ['type']],
        ['2026-10-08', { type: 'holiday', name: '' }, ['name']],
        ['2026-10-08', { type: 'holiday', name: 'x', intervals: [{ start: '09:00', end: '12:00' }] }, ['intervals']],
        ['2026-10-08', { type: 'workday', name: 'x', intervals: [{ start: '09:00', end: '08:00' }] }, ['intervals[0]']],
        ['2026-10-08', { type: 'workday', name: 'x', intervals: [{ start: '09:00', end: '12:00', x: 1 }] }, ['intervals[0].x']],
        ['2026-10-08', { type: 'workday', name: 'x', intervals: [] }, ['intervals']],
      ];
      for (const [date, sent, fields] of cases) {
        const res = await api()
          .put(`${C}/gz-office/days/${date}`)
          .set(bearer(t.admin))
          .send({ ...sent, expectedVersion: v });
        expect({ date, sent, status: res.status, fields: fieldsOf(res) }).toEqual({ date, sent, status: 400, fields });
      }
    });

    it('is for admins, version-checked, and not for 24x7', async () => {
      const v = await version('gz-office');
      const day = { type: 'holiday', name: '年会', expectedVersion: v };
      await api().put(`${C}/gz-office/days/2026-10-09`).set(bearer(agent)).send(day).expect(403);
      await api().delete(`${C}/gz-office/days/2026-10-09?expectedVersion=${v}`).set(bearer(director)).expect(403);
      await api().put(`${C}/nope/days/2026-10-09`).set(bearer(t.admin)).send(day).expect(404);
      await api()
        .put(`${C}/24x7/days/2026-10-09`)
        .set(bearer(t.admin))
        .send(day)
        .expect(409, /CALENDAR_READ_ONLY/);
      await api()
        .put(`${C}/gz-office/days/2026-10-09`)
        .set(bearer(t.admin))
        .send({ ...day, expectedVersion: v - 1 })
        .expect(409, /STALE_VERSION/);
    });

    it('sets a holiday and a working day of its own, which win over China’s table, at once', async () => {
      let v = await version('gz-office');
      const friday = at('2026-10-09T10:00:00+08:00');
      expect(isWorkingInstant(calendars.compiled('gz-office'), friday)).toBe(true);
      let res = await api()
        .put(`${C}/gz-office/days/2026-10-09`)
        .set(bearer(t.admin))
        .send({ type: 'holiday', name: '年会', expectedVersion: v })
        .expect(200);
      expect(res.body).toMatchObject({ version: v + 1, days: [{ date: '2026-10-09', type: 'holiday', name: '年会', intervals: null }] });
      expect(isWorkingInstant(calendars.compiled('gz-office'), friday)).toBe(false);
      expect(heard.at(-1)).toEqual(['gz-office']);
      expect((await events('calendar.changed')).at(-1)).toEqual({
        keys: ['gz-office'],
        calendarKey: 'gz-office',
        year: null,
        version: v + 1,
        change: 'day_set',
        fields: [],
        changedFrom: '2026-10-09',
      });
      v += 1;
      // National Day (a holiday in China's table), worked in the morning at this office
      res = await api()
        .put(`${C}/gz-office/days/2026-10-05`)
        .set(bearer(t.admin))
        .send({ type: 'workday', name: '值班', intervals: [{ start: '09:00', end: '12:00' }], expectedVersion: v })
        .expect(200);
      expect(res.body.days.find((d: { date: string }) => d.date === '2026-10-05')).toEqual({
        date: '2026-10-05',
        type: 'workday',
        name: '值班',
        intervals: [{ start: '09:00', end: '12:00' }],
      });
      v += 1;
      const gz = calendars.compiled('gz-office');
      expect(isWorkingInstant(gz, at('2026-10-05T11:00:00+08:00'))).toBe(true);
      expect(isWorkingInstant(gz, at('2026-10-05T14:30:00+08:00'))).toBe(false);
      expect(isWorkingInstant(calendars.compiled('workday'), at('2026-10-05T11:00:00+08:00'))).toBe(false);
      const window = await api().get(`${C}/gz-office?from=2026-10-01&to=2026-10-10`).set(bearer(agent)).expect(200);
      expect(window.body.effectiveDays.map((d: { date: string; source: string }) => `${d.date}:${d.source}`)).toEqual([
        '2026-10-01:package',
        '2026-10-02:package',
        '2026-10-03:package',
        '2026-10-04:package',
        '2026-10-05:calendar',
        '2026-10-06:package',
        '2026-10-07:package',
        '2026-10-09:calendar',
        '2026-10-10:package',
      ]);

      // removed again: China's table applies that day once more
      await api()
        .delete(`${C}/gz-office/days/2026-10-05`)
        .set(bearer(t.admin))
        .expect(400, /expectedVersion/);
      await api()
        .delete(`${C}/gz-office/days/2026-10-05?expectedVersion=${v - 1}`)
        .set(bearer(t.admin))
        .expect(409, /STALE_VERSION/);
      await api()
        .delete(`${C}/gz-office/days/2026-10-06?expectedVersion=${v}`)
        .set(bearer(t.admin))
        .expect(404, /CALENDAR_DAY_NOT_FOUND/);
      await api()
        .delete(`${C}/gz-office/days/2026-13-06?expectedVersion=${v}`)
        .set(bearer(t.admin))
        .expect(400, /"date"/);
      res = await api().delete(`${C}/gz-office/days/2026-10-05?expectedVersion=${v}`).set(bearer(t.admin)).expect(200);
      expect(res.body).toMatchObject({ version: v + 1, days: [{ date: '2026-10-09' }] });
      expect(isWorkingInstant(calendars.compiled('gz-office'), at('2026-10-05T11:00:00+08:00'))).toBe(false);
      expect((await events('calendar.changed')).at(-1)).toMatchObject({ change: 'day_removed', changedFrom: '2026-10-05', version: v + 1 });
      const audit = await api().get('/api/v1/audit?entity=calendar&entityId=gz-office').set(bearer(t.admin)).expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining(['calendar.day_set', 'calendar.day_removed', 'calendar.created']),
      );
    });

    it('lets one of two concurrent edits with the same version through, the other gets 409', async () => {
      const v = await version('gz-office');
      const results = await Promise.all(
        ['2026-12-24', '2026-12-25'].map((date) =>
          api().put(`${C}/gz-office/days/${date}`).set(bearer(t.admin)).send({ type: 'holiday', name: '圣诞', expectedVersion: v }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await version('gz-office')).toBe(v + 1);
      const days = (await api().get(`${C}/gz-office`).set(bearer(agent)).expect(200)).body.days.map((d: { date: string }) => d.date);
      expect(days.filter((d: string) => d >= '2026-12-24')).toHaveLength(1);
    });
  });

  describe('the year check (next year’s statutory days)', () => {
    const ready = async () => (await api().get('/health/ready').expect(200)).body;

    it('is quiet in November, whatever is missing', async () => {
      clock.at = at('2026-11-30T23:59:00+08:00');
      expect(calendars.nextYearMissing()).toBeNull();
      const body = await ready();
      expect(body).toMatchObject({ status: 'ok', details: { calendars: { status: 'up', nextYearMissing: null } } });
      expect(await t.app.get(YearCheckService).check(clock.at)).toEqual({ asOf: '2026-11-30', year: 2027, missing: true, notified: false });
      expect(await events('calendar.year_missing')).toEqual([]);
    });

    it('from 1 December reports the missing year on /health/ready without failing it, and raises calendar.year_missing once a day', async () => {
      clock.at = at('2026-12-01T00:00:00+08:00');
      expect(await ready()).toMatchObject({ status: 'ok', info: { calendars: { status: 'up', nextYearMissing: 2027 } } });
      const check = t.app.get(YearCheckService);
      expect(await check.check(clock.at)).toEqual({ asOf: '2026-12-01', year: 2027, missing: true, notified: true });
      expect(await check.check(at('2026-12-01T23:00:00+08:00'))).toMatchObject({ missing: true, notified: false });
      expect(await events('calendar.year_missing')).toEqual([{ year: 2027, asOf: '2026-12-01' }]);
      // an admin runs it now (the clock says the next day): one more, for that day
      await api().post(`${C}/holidays/check`).set(bearer(director)).expect(403);
      clock.at = at('2026-12-02T08:00:00+08:00');
      const run = await api().post(`${C}/holidays/check`).set(bearer(t.admin)).expect(200);
      expect(run.body).toEqual({ asOf: '2026-12-02', year: 2027, missing: true, notified: true });
      expect(await events('calendar.year_missing')).toEqual([
        { year: 2027, asOf: '2026-12-01' },
        { year: 2027, asOf: '2026-12-02' },
      ]);
      const audit = await api().get('/api/v1/audit?entity=china_statutory_year&entityId=2027').set(bearer(t.admin)).expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining(['calendar.year_check_run', 'calendar.year_missing']),
      );
    });
  });

  describe('entering a year by hand', () => {
    const y2027 = [
      { date: '2027-01-01', type: 'holiday', name: '元旦' },
      { date: '2027-02-06', type: 'holiday', name: '春节' },
      { date: '2027-02-07', type: 'holiday', name: '春节' },
      { date: '2027-02-20', type: 'workday', name: '春节' },
    ];

    it('refuses dates outside the year, duplicates and bad days, naming the field', async () => {
      const cases: [unknown[], string[]][] = [
        [[y2027[0], { date: '2026-12-31', type: 'holiday', name: '元旦' }], ['days[1].date']],
        [[y2027[0], y2027[1], { ...y2027[0], name: '又一个' }], ['days[2].date']],
        [[{ date: '2027-02-29', type: 'holiday', name: 'x' }], ['days[0].date']],
        [[{ date: '2027-1-1', type: 'holiday', name: 'x' }], ['days[0].date']],
        [[{ date: '2027-01-01', type: 'off', name: 'x' }], ['days[0].type']],
        [[{ date: '2027-01-01', type: 'holiday', name: '' }], ['days[0].name']],
        [[{ date: '2027-01-01', type: 'holiday', name: 'x', intervals: [] }], ['days[0].intervals']],
      ];
      for (const [days, fields] of cases) {
        const res = await api().put(`${C}/holidays/2027`).set(bearer(t.admin)).send({ days });
        expect({ days, status: res.status, fields: fieldsOf(res) }).toEqual({ days, status: 400, fields });
      }
      expect(fieldsOf(await api().put(`${C}/holidays/27`).set(bearer(t.admin)).send({ days: y2027 }).expect(400))).toEqual(['year']);
      await api().put(`${C}/holidays/2027`).set(bearer(director)).send({ days: y2027 }).expect(403);
      await api()
        .put(`${C}/holidays/2027`)
        .set(bearer(t.admin))
        .send({ days: y2027, expectedVersion: 1 })
        .expect(409, /STALE_VERSION/);
    });

    it('takes the list, and every calendar that follows China’s table computes with it at once', async () => {
      const newYear = at('2027-01-01T10:00:00+08:00');
      expect(isWorkingInstant(calendars.compiled('workday'), newYear)).toBe(true); // not announced: a Friday like any other
      const res = await api().put(`${C}/holidays/2027`).set(bearer(t.admin)).send({ days: y2027, expectedVersion: 0 }).expect(200);
      expect(res.body).toMatchObject({ year: 2027, source: 'manual', loadedFrom: null, version: 1 });
      expect(res.body.days.map((d: { date: string; source: string }) => `${d.date}:${d.source}`)).toEqual(
        y2027.map((d) => `${d.date}:manual`),
      );
      expect(isWorkingInstant(calendars.compiled('workday'), newYear)).toBe(false);
      expect(isWorkingInstant(calendars.compiled('gz-office'), newYear)).toBe(false);
      expect(isWorkingInstant(calendars.compiled('workday'), at('2027-02-20T10:00:00+08:00'))).toBe(true); // make-up Saturday
      expect(heard.at(-1)).toEqual(['gz-office', 'workday']);
      expect((await events('calendar.changed')).at(-1)).toEqual({
        keys: ['gz-office', 'workday'],
        calendarKey: null,
        year: 2027,
        version: 1,
        change: 'china_days',
        fields: [],
        changedFrom: '2027-01-01',
      });
      // the year is known now: the check and /health/ready are satisfied
      clock.at = at('2026-12-03T08:00:00+08:00');
      expect(calendars.nextYearMissing()).toBeNull();
      expect(await t.app.get(YearCheckService).check(clock.at)).toMatchObject({ missing: false, notified: false });
      expect((await api().get('/health/ready').expect(200)).body.details.calendars).toEqual({ status: 'up', nextYearMissing: null });
    });

    it('wins over the package: 2026 entered without 7 October makes it a working day, and a start does not bring it back', async () => {
      const oct7 = at('2026-10-07T10:00:00+08:00');
      expect(isWorkingInstant(calendars.compiled('workday'), oct7)).toBe(false);
      const days = chinaHolidayExceptions(2026).filter((d) => d.date !== '2026-10-07');
      const res = await api().put(`${C}/holidays/2026`).set(bearer(t.admin)).send({ days, expectedVersion: 1 }).expect(200);
      expect(res.body).toMatchObject({ source: 'manual', version: 2 });
      expect(isWorkingInstant(calendars.compiled('workday'), oct7)).toBe(true);
      expect((await events('calendar.changed')).at(-1)).toMatchObject({ year: 2026, version: 2, changedFrom: '2026-10-07' });

      // what every start does: the package's 2026 is not loaded over the hand-entered one
      expect(await t.app.get(ChinaDaysLoader).load()).toEqual([]);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM china_statutory_days WHERE year = 2026 AND source = 'package'`,
      );
      expect(n).toBe(0);
      expect(isWorkingInstant(calendars.compiled('workday'), oct7)).toBe(true);

      // given back to the package: 7 October is a holiday again
      await api()
        .delete(`${C}/holidays/2026?expectedVersion=1`)
        .set(bearer(t.admin))
        .expect(409, /STALE_VERSION/);
      await api()
        .delete(`${C}/holidays/2025?expectedVersion=1`)
        .set(bearer(t.admin))
        .expect(409, /CALENDAR_YEAR_NOT_MANUAL/);
      await api()
        .delete(`${C}/holidays/2031?expectedVersion=1`)
        .set(bearer(t.admin))
        .expect(404, /CALENDAR_YEAR_NOT_FOUND/);
      await api().delete(`${C}/holidays/2026?expectedVersion=2`).set(bearer(agent)).expect(403);
      const back = await api().delete(`${C}/holidays/2026?expectedVersion=2`).set(bearer(t.admin)).expect(200);
      expect(back.body).toMatchObject({ source: 'package', loadedFrom: CHINA_HOLIDAYS_SOURCE, version: 3 });
      expect(isWorkingInstant(calendars.compiled('workday'), oct7)).toBe(false);
      // a year the package lacks has no data again
      const gone = await api().delete(`${C}/holidays/2027?expectedVersion=1`).set(bearer(t.admin)).expect(200);
      expect(gone.body).toMatchObject({ source: null, version: 0, days: [] });
      expect(isWorkingInstant(calendars.compiled('workday'), at('2027-01-01T10:00:00+08:00'))).toBe(true);
      const audit = await api().get('/api/v1/audit?entity=china_statutory_year&entityId=2026').set(bearer(t.admin)).expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual([
        'calendar.china_year_released',
        'calendar.china_year_entered',
      ]);
    });
  });

  describe('other processes', () => {
    let other: TestingModule | undefined;
    let polling: TestingModule | undefined;
    afterAll(async () => {
      await other?.close();
      await polling?.close();
    });

    it('hear of a change through Redis within a second (no poll in the test’s time)', async () => {
      other = await anotherProcess(t, { CALENDAR_REFRESH_SECONDS: '3600' });
      const theirs = other.get(CalendarsService);
      const heardThere: string[][] = [];
      theirs.onChange((c) => heardThere.push(c.keys));
      const sunday = at('2026-11-29T10:00:00+08:00');
      expect(isWorkingInstant(theirs.compiled('gz-office'), sunday)).toBe(false);
      const v = (await api().get(`${C}/gz-office`).set(bearer(agent)).expect(200)).body.version;
      await api()
        .put(`${C}/gz-office/days/2026-11-29`)
        .set(bearer(t.admin))
        .send({ type: 'workday', name: '加班', expectedVersion: v })
        .expect(200);
      await waitFor(() => isWorkingInstant(theirs.compiled('gz-office'), sunday), 1000, 'the other process to see the change', 10);
      expect(heardThere).toEqual([['gz-office']]);
      // a calendar created here is there too
      await api()
        .post(C)
        .set(bearer(t.admin))
        .send({ key: 'night-shift', name: '夜班', weekly: { 1: [{ start: '20:00', end: '24:00' }] } })
        .expect(201);
      await waitFor(() => theirs.has('night-shift'), 1000, 'the new calendar there', 10);
    });

    it('pick up a change whose announcement was lost at the next poll', async () => {
      polling = await anotherProcess(t, { CALENDAR_REFRESH_SECONDS: '1' });
      const theirs = polling.get(CalendarsService);
      const monday2130 = at('2026-11-23T21:30:00+08:00');
      expect(isWorkingInstant(theirs.compiled('night-shift'), monday2130)).toBe(true);
      // written behind the service's back: nothing is announced
      await t.dataSource.query(
        `UPDATE calendars SET weekly = '{"1": [{"start": "20:00", "end": "21:00"}]}', version = version + 1 WHERE key = 'night-shift'`,
      );
      await t.dataSource.query(`UPDATE calendar_generation SET generation = generation + 1`);
      await waitFor(() => !isWorkingInstant(theirs.compiled('night-shift'), monday2130), 3000, 'the poll to find the change', 20);
      // this process polls every hour: it still computes with what it had
      expect(isWorkingInstant(calendars.compiled('night-shift'), monday2130)).toBe(true);
      await calendars.refresh();
      expect(isWorkingInstant(calendars.compiled('night-shift'), monday2130)).toBe(false);
    });
  });
});
