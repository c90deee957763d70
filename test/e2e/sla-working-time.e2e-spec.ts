import { randomUUID } from 'node:crypto';
import { CalendarsService } from '../../src/calendars/calendars.service';
import { addWorkingTime } from '../../src/calendars/working-time';
import { PostCommit } from '../../src/common/post-commit';
import { SlaClocksService } from '../../src/sla/sla-clocks.service';
import { customerBody, faultBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

const H = 3_600_000;
const shanghai = (local: string) => new Date(`${local}+08:00`);

/**
 * Issue 12, points 3–5: SLA clocks count working time on the calendar their
 * policy names, on the real PostgreSQL and Redis. Fixed instants go through
 * the engine with an explicit `at` (the Friday-evening fault, a pause over
 * National Day); the breach that must really fire uses a calendar made for
 * the test whose "evening" and "next morning" are a minute apart.
 */
describe('SLA in working time', () => {
  let t: TestApp;
  let sla: SlaClocksService;
  let calendars: CalendarsService;
  let agent: StaffLogin;
  let director: StaffLogin;

  const api = async (who: StaffLogin, method: 'get' | 'post' | 'put' | 'patch', path: string, body?: unknown, expected = 200) => {
    let req = t.http()[method](`/api/v1${path}`).set(bearer(who));
    if (method === 'post') req = req.set('Idempotency-Key', randomUUID());
    const res = await req.send(body as object);
    if (res.status !== expected) throw new Error(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const clocksOf = (caseId: string) =>
    t.dataSource.query<
      {
        clock: string;
        calendar_key: string;
        target_seconds: number;
        worked_ms: string;
        due_at: Date;
        warn_at: Date | null;
        state: string;
      }[]
    >(`SELECT clock, calendar_key, target_seconds, worked_ms, due_at, warn_at, state FROM sla_clocks WHERE case_id = $1 ORDER BY clock`, [
      caseId,
    ]);
  /** Opens a case's clocks through the engine at a chosen instant, as an intake would. */
  const openAt = async (policyKey: string, at: Date, around24x7 = false) => {
    const caseId = randomUUID();
    await t.dataSource.transaction((em) => sla.openMany(em, new PostCommit(), [{ kind: 'fault', caseId, policyKey, around24x7 }], at));
    return caseId;
  };
  const change = (caseId: string, changes: Parameters<SlaClocksService['apply']>[4], at: Date) =>
    t.dataSource.transaction((em) => sla.apply(em, new PostCommit(), 'fault', caseId, changes, at));

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    sla = t.app.get(SlaClocksService);
    calendars = t.app.get(CalendarsService);
    [agent, director] = await Promise.all([t.staff(['agent'], ['440000']), t.staff(['director'], ['440000'])]);
    // fault:P3 — a standard customer's minor fault — within 8 working hours on `workday`.
    await api(t.admin, 'put', '/sla/policies/fault:P3', { responseSeconds: 3600, resolutionSeconds: 8 * 3600 });
  });
  afterAll(() => t?.close());

  it('names a calendar in every policy: 24x7 for P1 tickets and P2 faults and complaints, workday for the rest', async () => {
    const policies: { key: string; responseCalendar: string; resolutionCalendar: string; resolutionSeconds: number }[] = await api(
      t.admin,
      'get',
      '/sla/policies',
    );
    const on = (key: string) => policies.find((p) => p.key === key)!;
    for (const key of ['fault:P1', 'fault:P2', 'complaint:P1', 'complaint:P2', 'support:P1']) {
      expect([key, on(key).responseCalendar, on(key).resolutionCalendar]).toEqual([key, '24x7', '24x7']);
    }
    for (const key of [
      'fault:P3',
      'fault:P4',
      'complaint:P3',
      'support:P2',
      'support:P4',
      'inquiry:P1',
      'inquiry:P4',
      'order:P1',
      'order:P4',
    ]) {
      expect([key, on(key).responseCalendar, on(key).resolutionCalendar]).toEqual([key, 'workday', 'workday']);
    }
    // whole days became working days of 9 h: an order's 7 days are 7 working days
    expect(on('order:P2').resolutionSeconds).toBe(7 * 9 * 3600);
  });

  it('puts a P3 fault opened on Friday at 17:30 under 8 working hours due on Monday at 16:30', async () => {
    const caseId = await openAt('fault:P3', shanghai('2026-12-04T17:30:00'));
    const [resolution, response] = await clocksOf(caseId);
    expect(resolution).toMatchObject({ calendar_key: 'workday', target_seconds: 8 * 3600, state: 'running' });
    // 30 minutes on Friday, 7 h 30 min on Monday from 09:00
    expect(resolution.due_at).toEqual(shanghai('2026-12-07T16:30:00'));
    // the warning at 75 % (6 h) is a point in working time too: Monday 14:30
    expect(resolution.warn_at).toEqual(shanghai('2026-12-07T14:30:00'));
    // the 1-hour response: 30 minutes on Friday, 30 on Monday
    expect(response.due_at).toEqual(shanghai('2026-12-07T09:30:00'));
  });

  it('lays out across National Day and its make-up Saturday, and a paused clock consumes nothing over the holiday', async () => {
    // Wednesday 30 September 2026, 16:00: two working hours left that day; 1–7 October off; Saturday 10 October works.
    const caseId = await openAt('fault:P3', shanghai('2026-09-30T16:00:00'));
    expect((await clocksOf(caseId))[0].due_at).toEqual(shanghai('2026-10-08T15:00:00'));
    // Paused at 17:00 (one working hour consumed), resumed on Friday 9 October at 17:00: 7 hours left, 1 that day,
    // then the make-up Saturday (10 October) from 09:00: due at 15:00 on the Saturday.
    await change(caseId, ['pause_resolution'], shanghai('2026-09-30T17:00:00'));
    let [resolution] = await clocksOf(caseId);
    expect(resolution).toMatchObject({ state: 'paused', worked_ms: String(H) });
    await change(caseId, ['resume_resolution'], shanghai('2026-10-09T17:00:00'));
    [resolution] = await clocksOf(caseId);
    expect(resolution.state).toBe('running');
    expect(resolution.due_at).toEqual(shanghai('2026-10-10T15:00:00'));
    // The view's remaining working time is the target less what was consumed.
    const [reading] = await sla.forCase('fault', caseId);
    expect(reading.workingMsRemaining).toBeLessThanOrEqual(7 * H);
  });

  it('re-targets from the working time consumed, onto 24x7 for a green-channel grant', async () => {
    const caseId = await openAt('fault:P3', shanghai('2026-12-04T17:00:00'));
    // Monday 10:00: two working hours consumed (17:00–18:00 on Friday, 09:00–10:00 on Monday)
    await t.dataSource.transaction((em) =>
      sla.retarget(
        em,
        new PostCommit(),
        'fault',
        caseId,
        { priority: 2, greenChannel: true, contract24x7: false },
        shanghai('2026-12-07T10:00:00'),
      ),
    );
    const [resolution] = await clocksOf(caseId);
    expect(resolution.calendar_key).toBe('24x7');
    expect(Number(resolution.worked_ms)).toBe(2 * H);
    // fault:P2 resolves in 8 h on 24x7: 6 h left from Monday 10:00
    expect(resolution.due_at).toEqual(shanghai('2026-12-07T16:00:00'));
  });

  it('opens every clock of a customer with a 24×7 contract on 24x7, and shows due time and working time left on the case', async () => {
    const customer = await api(director, 'post', '/customers', customerBody({ tier: 'standard', contract24x7: true }), 201);
    expect(customer.contract24x7).toBe(true);
    // an account manager may not grant it
    const am = await t.staff(['account_manager'], ['440000']);
    const refused = await t
      .http()
      .post('/api/v1/customers')
      .set(bearer(am))
      .set('Idempotency-Key', randomUUID())
      .send(customerBody({ contract24x7: true }));
    expect(refused.status).toBe(403);

    const fault = await api(agent, 'post', '/faults', faultBody(customer.id, { severity: 'major' }), 201); // standard tier: P3
    expect(fault.priority).toBe('P3');
    expect(fault.sla).toMatchObject({ responseCalendar: '24x7', resolutionCalendar: '24x7' });
    const read = await api(agent, 'get', `/faults/${fault.id}`);
    expect(read.sla.resolutionWorkingSecondsRemaining).toBeGreaterThan(8 * 3600 - 60);
    expect(read.sla.resolutionWorkingSecondsRemaining).toBeLessThanOrEqual(8 * 3600);
    expect(new Date(read.sla.resolutionDueAt).getTime() - new Date(fault.createdAt).getTime()).toBeCloseTo(8 * H, -4);
  });

  it('moves a running clock when its calendar changes under it (a holiday entered by hand)', async () => {
    const key = unique('cal-').toLowerCase().slice(0, 30);
    await api(
      t.admin,
      'post',
      '/calendars',
      {
        key,
        name: 'Relayout test',
        timeZone: 'Asia/Shanghai',
        weekly: {
          1: [{ start: '09:00', end: '18:00' }],
          2: [{ start: '09:00', end: '18:00' }],
          3: [{ start: '09:00', end: '18:00' }],
          4: [{ start: '09:00', end: '18:00' }],
          5: [{ start: '09:00', end: '18:00' }],
        },
        followsChinaHolidays: false,
      },
      201,
    );
    await api(t.admin, 'put', '/sla/policies/fault:P4', {
      responseCalendar: key,
      resolutionCalendar: key,
      responseSeconds: 3600,
      resolutionSeconds: 18 * 3600,
    });
    // 2027-03-01 is a Monday: 18 working hours from Monday 09:00 end on Tuesday at 18:00
    const caseId = await openAt('fault:P4', shanghai('2027-03-01T09:00:00'));
    expect((await clocksOf(caseId))[0].due_at).toEqual(shanghai('2027-03-02T18:00:00'));
    const cal = await api(t.admin, 'get', `/calendars/${key}`);
    await api(t.admin, 'put', `/calendars/${key}/days/2027-03-02`, { type: 'holiday', name: '测试假日', expectedVersion: cal.version });
    // Tuesday off: Monday, then Wednesday
    await waitFor(
      async () => (await clocksOf(caseId))[0].due_at.getTime() === shanghai('2027-03-03T18:00:00').getTime(),
      15_000,
      'the clock laid out again on the changed calendar',
    );
    expect(addWorkingTime(calendars.compiled(key), shanghai('2027-03-01T09:00:00'), 18 * H)).toEqual(shanghai('2027-03-03T18:00:00'));
  });

  it('raises the breach when the next working period has used up the target, not before (a calendar whose night is a minute long)', async () => {
    // Working until the end of the next whole minute at least 10 s away, a minute off, then working again:
    // the fault opens near the "end of the day" and is due early in the "next working day".
    let now = Date.now();
    const minute = 60_000;
    let close = Math.ceil((now + 10_000) / minute) * minute;
    const local = (ms: number) => new Date(ms + 8 * H).toISOString().slice(11, 16); // Beijing wall clock
    // The boundaries must fall on one Beijing day, after its first minutes; near midnight, wait for the next day.
    if (local(close) < '00:03' || local(close + 2 * minute) < local(close)) {
      await new Promise((r) => setTimeout(r, close + 3 * minute - now));
      now = Date.now();
      close = Math.ceil((now + 10_000) / minute) * minute;
    }
    const hours = [
      { start: '00:00', end: local(close) },
      { start: local(close + minute), end: local(close + 2 * minute) },
    ];
    const key = unique('night-').toLowerCase().slice(0, 30);
    await api(
      t.admin,
      'post',
      '/calendars',
      {
        key,
        name: 'A one-minute night',
        timeZone: 'Asia/Shanghai',
        weekly: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, hours])),
        followsChinaHolidays: false,
      },
      201,
    );
    const left = Math.floor((close - Date.now()) / 1000);
    // The target: what is left of "today" plus 5 s of "tomorrow"
    await api(t.admin, 'put', '/sla/policies/fault:P4', {
      responseCalendar: key,
      resolutionCalendar: key,
      responseSeconds: left + 5,
      resolutionSeconds: 3600,
    });
    const customer = await api(director, 'post', '/customers', customerBody({ tier: 'standard' }), 201);
    const fault = await api(agent, 'post', '/faults', faultBody(customer.id, { severity: 'minor' }), 201); // standard + minor: P4
    expect(fault.priority).toBe('P4');
    const due = new Date(fault.sla.responseDueAt).getTime();
    // due in the next working period, about 5 s after it opens
    expect(due).toBeGreaterThan(close + minute);
    expect(due).toBeLessThan(close + 2 * minute);
    const alert = await waitFor(
      async () =>
        (
          await t.dataSource.query<{ due_at: Date; raised_at: Date }[]>(
            `SELECT due_at, raised_at FROM alerts WHERE case_id = $1 AND clock = 'response' AND level = 'breached'`,
            [fault.id],
          )
        )[0],
      due - Date.now() + 20_000,
      'the breach alert',
    );
    expect(alert.due_at.getTime()).toBe(due);
    expect(alert.raised_at.getTime()).toBeGreaterThanOrEqual(due);
  }, 300_000);
});
