import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../src/config/app-config';
import { CustomerWarningsService, DAILY_JOB, evaluationJobId } from '../../src/customer-warnings/customer-warnings.service';
import { QueueName } from '../../src/queues/queue-names';
import { chinaDateOf, chinaIsoWeek, chinaMonthOf } from '../../src/customer-warnings/warning-signals';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

/*
 * Abnormal-customer warnings (issue 14, point 5; docs/REPORTS.md "Customer
 * warnings"). Histories are written straight into the tables the signals
 * read (case_index, sla_clocks and alerts, bills and bill runs), on both
 * sides of every threshold and window edge, for one customer per case; an
 * evaluation runs through the API (the job the 06:00 scheduler runs) and the
 * warnings are read back per customer. Then: once per customer, signal and
 * China week (two evaluations at once), China-time weeks and days,
 * acknowledgement, roles and region scope, the 360° overview.
 */

const MIN = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The China date `days` before `date`. */
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);
/** The month `k` months before 'YYYY-MM'. */
function monthsBefore(month: string, k: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) - k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

describe('customer warnings (异常客户预警)', () => {
  let t: TestApp;
  let director: StaffLogin; // Guangdong
  let bjDirector: StaffLogin; // Beijing
  let am: StaffLogin; // the account manager of every Foshan customer here
  let otherAm: StaffLogin;
  let agent: StaffLogin; // Guangdong hotline
  let engineer: StaffLogin;
  let seq = 0;

  const customer = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const res = await t
      .http()
      .post('/api/v1/customers')
      .set(bearer(director))
      .send(customerBody({ accountManagerId: am.id, ...overrides }));
    if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };

  /** A case in the index (what the signals read), opened at `openedAt`. */
  const ticket = async (customerId: string, kind: 'fault' | 'complaint' | 'support', openedAt: number, state = 'closed') => {
    const id = randomUUID();
    await t.dataSource.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
       VALUES ($1, $2, $3, $4, '440605', '预警测试', $5, 3, false, false, $6, $6)`,
      [kind, id, `W-${kind}-${seq++}-${id.slice(0, 8)}`, customerId, state, iso(openedAt)],
    );
    return id;
  };
  const tickets = async (customerId: string, kind: 'fault' | 'complaint', times: number[], state = 'closed') => {
    for (const at of times) await ticket(customerId, kind, at, state);
  };

  /** An alert of `level` raised at `raisedAt` on a support case of the customer (so no fault or complaint is counted with it). */
  const alert = async (customerId: string, raisedAt: number, level = 'breached') => {
    const caseId = await ticket(customerId, 'support', raisedAt - 2 * 3_600_000);
    const clockId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, due_at, state, stopped_at, worked_ms)
       VALUES ($1, 'support', $2, 'resolution', 'support:P3', 1, '24x7', 3600, 75, $3, $4, 'stopped', $5, 7200000)`,
      [clockId, caseId, iso(raisedAt - 2 * 3_600_000), iso(raisedAt), iso(raisedAt + 3_600_000)],
    );
    await t.dataSource.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, raised_at, customer_id, region)
       VALUES ('support', $1, 'W-ALERT', $2, 'resolution', $3, $4, $4, $5, '440605')`,
      [caseId, clockId, level, iso(raisedAt), customerId],
    );
  };

  const bill = async (customerId: string, period: string, totalFen: number, dueDate: string, paid: boolean) => {
    await t.dataSource.query(`INSERT INTO billing_accounts (customer_id) VALUES ($1) ON CONFLICT DO NOTHING`, [customerId]);
    await t.dataSource.query(
      `INSERT INTO bills (id, bill_no, customer_id, period, total_fen, paid_fen, state, charge_count, issue_date, due_date, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8::date - 30, $8::date, now())`,
      [randomUUID(), `W-BL-${seq++}`, customerId, period, totalFen, paid ? totalFen : 0, paid ? 'paid' : 'issued', dueDate],
    );
  };

  /** Every warning of a customer, as an admin reads them. */
  const warningsOf = async (customerId: string) =>
    (await t.http().get(`/api/v1/customer-warnings?customerId=${customerId}&limit=200`).set(bearer(t.admin)).expect(200)).body.items as {
      id: string;
      signal: string;
      week: string;
      state: string;
      figures: Record<string, unknown>;
      thresholds: Record<string, number>;
      version: number;
      note: string | null;
    }[];
  const signalsOf = async (customerId: string) => (await warningsOf(customerId)).map((w) => w.signal).sort();
  const eventsOf = async (customerId: string, signal: string) =>
    (
      await t.dataSource.query(
        `SELECT data FROM outbox_events WHERE type = 'customer.warning' AND data->>'customerId' = $1 AND data->>'signal' = $2`,
        [customerId, signal],
      )
    ).map((r: { data: Record<string, unknown> }) => r.data);

  /** POST /evaluate, then its progress until done. */
  const evaluate = async () => {
    const res = await t
      .http()
      .post('/api/v1/customer-warnings/evaluate')
      .set(bearer(t.admin))
      .set('Idempotency-Key', unique('ev-'))
      .send({});
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('queued');
    return waitFor(
      async () => {
        const e = (await t.http().get(`/api/v1/customer-warnings/evaluations/${res.body.id}`).set(bearer(t.admin)).expect(200)).body;
        if (e.state === 'failed') throw new Error(`evaluation failed: ${e.error}`);
        return e.state === 'done' && e;
      },
      60_000,
      'the evaluation',
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    [director, bjDirector, am, otherAm, agent, engineer] = await Promise.all([
      t.staff(['director'], ['440000']),
      t.staff(['director'], ['110000']),
      t.staff(['account_manager'], ['440600']),
      t.staff(['account_manager'], ['440600']),
      t.staff(['agent'], ['440000']),
      t.staff(['engineer'], ['440600']),
    ]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('signals on generated histories, evaluated through the API', () => {
    const c: Record<string, string> = {};
    let now: number;
    let evaluation: { result: { raised: Record<string, number>; skipped: Record<string, string> }; week: string; windowEnd: string };

    beforeAll(async () => {
      now = Date.now();
      const names = [
        'spikeEdge',
        'spikeFactorMiss',
        'spikeTooFew',
        'spikeInside',
        'spikeOutside',
        'spikeRejected',
        'spikeOldBaseline',
        'spikeExact',
        'spikeExactMiss',
        'complaintsYes',
        'complaintsNo',
        'breachYes',
        'breachNo',
        'arrears61',
        'arrears60',
        'arrears67',
        'arrears68',
        'arrears91',
        'arrearsPaid',
        'dropYes',
        'dropEdge',
        'dropNoBill',
        'dropNew',
        'quiet',
        'archived',
      ];
      for (const n of names) c[n] = await customer();
      const recent = [now - DAY, now - 2 * DAY, now - 3 * DAY];
      const older = (k: number) => Array.from({ length: k }, (_, i) => now - (10 + i * 7) * DAY); // within 90 days

      // fault_spike: 3 in 7 days and 3 × (n90 × 7 / 90): with 3 recent, n90 ≤ 12 fires, 13 does not
      await tickets(c.spikeEdge, 'fault', [...recent, ...older(9)]);
      await tickets(c.spikeFactorMiss, 'fault', [...recent, ...older(10)]);
      await tickets(c.spikeTooFew, 'fault', recent.slice(0, 2));
      await tickets(c.spikeInside, 'fault', [now - DAY, now - 2 * DAY, now - 7 * DAY + 10 * MIN]);
      await tickets(c.spikeOutside, 'fault', [now - DAY, now - 2 * DAY, now - 7 * DAY - 10 * MIN]);
      await tickets(c.spikeRejected, 'fault', recent.slice(0, 2));
      await tickets(c.spikeRejected, 'fault', [now - 3 * DAY], 'rejected');
      // exactly 3×: 7 in 7 days of 30 in 90 days (7 × 90 = 3 × 30 × 7) fires; 31 does not
      const seven = Array.from({ length: 7 }, (_, i) => now - (i + 1) * 0.5 * DAY);
      const spread = (k: number) => Array.from({ length: k }, (_, i) => now - (8 + i * 3) * DAY);
      await tickets(c.spikeExact, 'fault', [...seven, ...spread(23)]);
      await tickets(c.spikeExactMiss, 'fault', [...seven, ...spread(24)]);
      await tickets(c.spikeOldBaseline, 'fault', [...recent, ...Array.from({ length: 12 }, (_, i) => now - (91 + i) * DAY)]);

      // an archived customer (gone, kept for the record) is not warned about, whatever its history
      await tickets(c.archived, 'complaint', [now - DAY, now - 2 * DAY]);
      await t.dataSource.query(`UPDATE customers SET archived_at = now(), archive_reason = '已销户' WHERE id = $1`, [c.archived]);

      // repeated_complaints: 2 in 30 days (complaints are not faults, and faults not complaints)
      await tickets(c.complaintsYes, 'complaint', [now - DAY, now - 30 * DAY + 10 * MIN]);
      await tickets(c.complaintsNo, 'complaint', [now - DAY, now - 30 * DAY - 10 * MIN]);
      await tickets(c.complaintsNo, 'fault', [now - DAY, now - 2 * DAY, now - 3 * DAY], 'rejected');

      // sla_breaches: one breached alert in 7 days; a warning or an older breach is not one
      await alert(c.breachYes, now - 7 * DAY + 10 * MIN);
      await alert(c.breachNo, now - 7 * DAY - 10 * MIN);
      await alert(c.breachNo, now - DAY, 'warning');
      await alert(c.breachNo, now - DAY, 'escalated_2');

      // arrears: the oldest unpaid bill 61–67 days past due (entered 61–90 this last week), or 91–97 (90+)
      const today = chinaDateOf(new Date(now));
      await bill(c.arrears61, '2020-01', 50_000, daysBefore(today, 61), false);
      await bill(c.arrears60, '2020-01', 50_000, daysBefore(today, 60), false);
      await bill(c.arrears67, '2020-01', 50_000, daysBefore(today, 67), false);
      await bill(c.arrears68, '2020-01', 50_000, daysBefore(today, 68), false);
      await bill(c.arrears91, '2020-01', 70_000, daysBefore(today, 91), false);
      await bill(c.arrears91, '2020-02', 10_000, daysBefore(today, 40), false);
      await bill(c.arrearsPaid, '2020-01', 50_000, daysBefore(today, 61), true);

      // bill_drop: the latest period with a completed run against the mean of the three before (paid bills: no arrears)
      const month = chinaMonthOf(new Date(now));
      const [cur, p1, p2, p3] = [1, 2, 3, 4].map((k) => monthsBefore(month, k));
      for (const p of [cur, p1, p2, p3])
        await t.dataSource.query(
          `INSERT INTO bill_runs (id, period, state, customers_total, completed_at) VALUES ($1, $2, 'completed', 0, now())`,
          [randomUUID(), p],
        );
      // a run still going for this month does not count
      await t.dataSource.query(`INSERT INTO bill_runs (id, period, state, customers_total) VALUES ($1, $2, 'running', 0)`, [
        randomUUID(),
        month,
      ]);
      const due = daysBefore(today, 5);
      for (const p of [p1, p2, p3]) {
        await bill(c.dropYes, p, 10_000, due, true);
        await bill(c.dropEdge, p, 10_000, due, true);
        await bill(c.dropNoBill, p, 10_000, due, true);
      }
      await bill(c.dropYes, cur, 4_999, due, true); // 4,999 < 50 % of 10,000
      await bill(c.dropEdge, cur, 5_000, due, true); // exactly 50 %: not below
      await bill(c.dropNew, cur, 1_000, due, true); // nothing before: not judged
      await bill(c.dropYes, month, 99_999, due, true); // this month's run is not complete: not the latest period

      evaluation = await evaluate();
    }, 120_000);

    it('fault_spike: at least 3 faults in 7 days and at least 3× the 90-day weekly average, at the edges', async () => {
      expect(await signalsOf(c.spikeEdge)).toEqual(['fault_spike']);
      expect(await signalsOf(c.spikeFactorMiss)).toEqual([]);
      expect(await signalsOf(c.spikeTooFew)).toEqual([]);
      expect(await signalsOf(c.spikeInside)).toEqual(['fault_spike']);
      expect(await signalsOf(c.spikeOutside)).toEqual([]);
      expect(await signalsOf(c.spikeRejected)).toEqual([]);
      expect(await signalsOf(c.spikeOldBaseline)).toEqual(['fault_spike']);
      expect(await signalsOf(c.spikeExact)).toEqual(['fault_spike']);
      expect(await signalsOf(c.spikeExactMiss)).toEqual([]);
      const [w] = await warningsOf(c.spikeEdge);
      expect(w.figures).toEqual({ faults7d: 3, faults90d: 12, weeklyAverage90d: 0.93 });
      expect(w.thresholds).toEqual({ faultsMin: 3, faultFactor: 3, windowDays: 7, baselineDays: 90 });
    });

    it('repeated_complaints: 2 complaints in 30 days', async () => {
      expect(await signalsOf(c.complaintsYes)).toEqual(['repeated_complaints']);
      expect(await signalsOf(c.complaintsNo)).toEqual([]);
      expect((await warningsOf(c.complaintsYes))[0].figures).toEqual({ complaints30d: 2 });
    });

    it('sla_breaches: a breach on the customer’s cases in 7 days', async () => {
      expect(await signalsOf(c.breachYes)).toEqual(['sla_breaches']);
      expect(await signalsOf(c.breachNo)).toEqual([]);
      expect((await warningsOf(c.breachYes))[0].figures).toEqual({ breaches7d: 1, casesBreached7d: 1 });
    });

    it('arrears: entering 61–90 or 90+ (the oldest unpaid bill, in China days), not before, not long after', async () => {
      expect(await signalsOf(c.arrears61)).toEqual(['arrears']);
      expect(await signalsOf(c.arrears60)).toEqual([]);
      expect(await signalsOf(c.arrears67)).toEqual(['arrears']);
      expect(await signalsOf(c.arrears68)).toEqual([]);
      expect(await signalsOf(c.arrearsPaid)).toEqual([]);
      const today = chinaDateOf(new Date(now));
      expect((await warningsOf(c.arrears61))[0].figures).toEqual({
        bucket: '61-90',
        daysOverdue: 61,
        oldestDueDate: daysBefore(today, 61),
        overdueFen: 50_000,
      });
      expect((await warningsOf(c.arrears91))[0].figures).toEqual({
        bucket: '90+',
        daysOverdue: 91,
        oldestDueDate: daysBefore(today, 91),
        overdueFen: 80_000,
      });
    });

    it('bill_drop: the latest billed period below 50 % of the three before', async () => {
      expect(await signalsOf(c.dropYes)).toEqual(['bill_drop']);
      expect(await signalsOf(c.dropEdge)).toEqual([]);
      expect(await signalsOf(c.dropNoBill)).toEqual(['bill_drop']);
      expect(await signalsOf(c.dropNew)).toEqual([]);
      const month = chinaMonthOf(new Date(now));
      expect((await warningsOf(c.dropYes))[0].figures).toEqual({
        period: monthsBefore(month, 1),
        billedFen: 4_999,
        previousAverageFen: 10_000,
        previousPeriods: [2, 3, 4].map((k) => monthsBefore(month, k)),
      });
      expect((await warningsOf(c.dropNoBill))[0].figures).toMatchObject({ billedFen: 0 });
    });

    it('a customer with nothing wrong, or archived, has no warning; the evaluation reports what it raised and what it skipped', async () => {
      expect(await signalsOf(c.quiet)).toEqual([]);
      expect(await signalsOf(c.archived)).toEqual([]);
      expect(evaluation.week).toBe(chinaIsoWeek(new Date(evaluation.windowEnd)));
      expect(Date.parse(evaluation.windowEnd)).toBeGreaterThanOrEqual(now);
      for (const s of ['fault_spike', 'repeated_complaints', 'sla_breaches', 'arrears', 'bill_drop'])
        expect(evaluation.result.raised[s]).toBeGreaterThanOrEqual(1);
      expect(evaluation.result.skipped).toEqual({});
    });

    it('one customer.warning event per warning raised, with the customer named; audited as raised', async () => {
      const [w] = await warningsOf(c.spikeEdge);
      expect(await eventsOf(c.spikeEdge, 'fault_spike')).toEqual([
        expect.objectContaining({
          warningId: w.id,
          customerId: c.spikeEdge,
          signal: 'fault_spike',
          week: w.week,
          regionName: '广东省佛山市南海区',
        }),
      ]);
      const audit = await t.dataSource.query(
        `SELECT action, actor_username FROM audit_log WHERE entity = 'customer_warning' AND entity_id = $1`,
        [w.id],
      );
      expect(audit).toEqual([{ action: 'customer_warning.raised', actor_username: 'system' }]);
    });

    it('evaluating again in the same week raises nothing new: no second warning, no second event', async () => {
      const again = await evaluate();
      if (again.week === evaluation.week) {
        expect(again.result.raised).toEqual({});
        expect(again.result.refreshed.fault_spike).toBeGreaterThanOrEqual(3);
        expect(await warningsOf(c.spikeEdge)).toHaveLength(1);
        expect(await eventsOf(c.spikeEdge, 'fault_spike')).toHaveLength(1);
      }
      // an arrears bucket or a bill period warns once, whatever the week
      expect(again.result.raised.arrears).toBeUndefined();
      expect(again.result.raised.bill_drop).toBeUndefined();
    }, 90_000);

    it('low_callback_score: a call-back scored 2 or less in 7 days (the call-backs table, src/callbacks)', async () => {
      const [low, ok, old, open] = [await customer(), await customer(), await customer(), await customer()];
      /** A call-back as the call-back queue leaves it: done with a score, or still pending. */
      const cb = async (customerId: string, score: number | null, finishedAt: number | null) => {
        const id = randomUUID();
        await t.dataSource.query(
          `INSERT INTO callbacks (id, callback_no, case_kind, case_id, case_number, customer_id, region, priority, green_channel, selected_by,
                                  state, score, due_at, finished_at)
           VALUES ($1, $2, 'fault', $3, $4, $5, '440605', 3, false, 'tier', $6, $7, now() + interval '1 day', $8)`,
          [
            id,
            `CB-W-${seq++}`,
            randomUUID(),
            `FLT-W-${seq++}`,
            customerId,
            score === null ? 'pending' : 'done',
            score,
            finishedAt && iso(finishedAt),
          ],
        );
      };
      await cb(low, 2, Date.now() - DAY);
      await cb(low, 5, Date.now() - DAY);
      await cb(ok, 3, Date.now() - DAY);
      await cb(open, null, null);
      await cb(old, 1, Date.now() - 7 * DAY - 10 * MIN);
      const e = await evaluate();
      expect(e.result.skipped).toEqual({});
      expect(await signalsOf(low)).toEqual(['low_callback_score']);
      expect((await warningsOf(low))[0].figures).toEqual({ lowScores7d: 1, lowestScore: 2 });
      expect(await signalsOf(ok)).toEqual([]);
      expect(await signalsOf(open)).toEqual([]);
      expect(await signalsOf(old)).toEqual([]);
    }, 90_000);

    describe('acknowledging', () => {
      it('the account manager acknowledges with a note: versioned, audited; again changes nothing; gone from the overview', async () => {
        const [w] = await warningsOf(c.complaintsYes);
        const overview = async () =>
          (await t.http().get(`/api/v1/customers/${c.complaintsYes}/overview`).set(bearer(agent)).expect(200)).body;
        const before = await overview();
        expect(before.openWarnings.map((x: { id: string }) => x.id)).toEqual([w.id]);
        expect(before.openWarningsTotal).toBe(1);

        const ack = await t
          .http()
          .post(`/api/v1/customer-warnings/${w.id}/ack`)
          .set(bearer(am))
          .send({ note: '已上门拜访，安排专人跟进', expectedVersion: w.version })
          .expect(200);
        expect(ack.body).toMatchObject({
          state: 'acknowledged',
          note: '已上门拜访，安排专人跟进',
          acknowledgedBy: am.id,
          version: w.version + 1,
        });
        const again = await t
          .http()
          .post(`/api/v1/customer-warnings/${w.id}/ack`)
          .set(bearer(director))
          .send({ note: '另一条' })
          .expect(200);
        expect(again.body).toEqual(ack.body);
        const audit = await t.dataSource.query(
          `SELECT actor_id, changes FROM audit_log WHERE entity = 'customer_warning' AND entity_id = $1 AND action = 'customer_warning.acknowledged'`,
          [w.id],
        );
        expect(audit).toEqual([{ actor_id: am.id, changes: expect.objectContaining({ note: '已上门拜访，安排专人跟进' }) }]);
        const after = await overview();
        expect(after.openWarnings).toEqual([]);
        expect(after.openWarningsTotal).toBe(0);
        // an evaluation of the same week leaves an acknowledged warning acknowledged, and says nothing again
        await evaluate();
        expect((await warningsOf(c.complaintsYes)).map((x) => x.state)).toContain('acknowledged');
        expect(await eventsOf(c.complaintsYes, 'repeated_complaints')).toHaveLength(1);
      }, 90_000);

      it('a stale expectedVersion on an open warning is 409; a missing note is 400; an unknown id 404', async () => {
        const [w] = await warningsOf(c.breachYes);
        const stale = await t
          .http()
          .post(`/api/v1/customer-warnings/${w.id}/ack`)
          .set(bearer(am))
          .send({ note: '处理中', expectedVersion: w.version + 1 });
        expect(stale.status).toBe(409);
        expect(stale.headers['content-type']).toContain('application/problem+json');
        await t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(am)).send({}).expect(400);
        await t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(am)).send({ note: '   ' }).expect(400);
        await t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(am)).send({ note: 'x', extra: 1 }).expect(400);
        await t.http().post(`/api/v1/customer-warnings/${randomUUID()}/ack`).set(bearer(am)).send({ note: 'x' }).expect(404);
        await t.http().post(`/api/v1/customer-warnings/not-a-uuid/ack`).set(bearer(am)).send({ note: 'x' }).expect(400);
        expect((await warningsOf(c.breachYes))[0]).toMatchObject({ state: 'open', version: w.version });
      });

      it('two acknowledgements at once: one wins, one audit row, the other answers the same acknowledged warning', async () => {
        const [w] = await warningsOf(c.arrears67);
        const [a, b] = await Promise.all([
          t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(am)).send({ note: '客户经理已跟进' }),
          t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(director)).send({ note: '主任已跟进' }),
        ]);
        expect([a.status, b.status]).toEqual([200, 200]);
        expect(a.body).toEqual(b.body);
        expect(a.body.version).toBe(w.version + 1);
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'customer_warning.acknowledged'`,
          [w.id],
        );
        expect(n).toBe(1);
      });
    });

    describe('roles and region scope', () => {
      it('account managers see their own customers’ warnings only; another region’s warning is 404', async () => {
        const [w] = await warningsOf(c.spikeInside);
        await t.http().get(`/api/v1/customer-warnings/${w.id}`).set(bearer(am)).expect(200);
        await t.http().get(`/api/v1/customer-warnings/${w.id}`).set(bearer(director)).expect(200);
        await t.http().get(`/api/v1/customer-warnings/${w.id}`).set(bearer(agent)).expect(200);
        for (const who of [otherAm, bjDirector]) {
          const res = await t.http().get(`/api/v1/customer-warnings/${w.id}`).set(bearer(who));
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('CUSTOMER_WARNING_NOT_FOUND');
          await t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(who)).send({ note: '越权' }).expect(404);
        }
        const listed = async (who: StaffLogin, query = '') =>
          (await t.http().get(`/api/v1/customer-warnings?limit=200${query}`).set(bearer(who)).expect(200)).body;
        expect((await listed(am)).items.map((x: { id: string }) => x.id)).toContain(w.id);
        expect((await listed(otherAm)).total).toBe(0);
        expect((await listed(bjDirector)).total).toBe(0);
        expect((await listed(bjDirector, '&region=440600')).total).toBe(0);
        const gd = await listed(director, '&region=440600&signal=fault_spike&state=open');
        expect(gd.items.map((x: { customerId: string }) => x.customerId).sort()).toEqual(
          [c.spikeEdge, c.spikeInside, c.spikeOldBaseline, c.spikeExact].sort(),
        );
        expect((await listed(director, '&region=110000')).total).toBe(0);
      });

      it('agents read but may not acknowledge (403); engineers see nothing (403); only admins evaluate', async () => {
        const [w] = await warningsOf(c.spikeOldBaseline);
        const ack = await t.http().post(`/api/v1/customer-warnings/${w.id}/ack`).set(bearer(agent)).send({ note: '已知悉' });
        expect(ack.status).toBe(403);
        await t.http().get('/api/v1/customer-warnings').set(bearer(engineer)).expect(403);
        await t.http().get(`/api/v1/customer-warnings/${w.id}`).set(bearer(engineer)).expect(403);
        for (const who of [director, am, agent])
          await t.http().post('/api/v1/customer-warnings/evaluate').set(bearer(who)).send({}).expect(403);
        await t.http().get(`/api/v1/customer-warnings/evaluations/${randomUUID()}`).set(bearer(director)).expect(403);
        await t.http().get(`/api/v1/customer-warnings/evaluations/${randomUUID()}`).set(bearer(t.admin)).expect(404);
        await t.http().get('/api/v1/customer-warnings').expect(401);
        await t.http().get('/api/v1/customer-warnings?signal=churn').set(bearer(t.admin)).expect(400);
        await t.http().get('/api/v1/customer-warnings?state=closed').set(bearer(t.admin)).expect(400);
        await t.http().get('/api/v1/customer-warnings?region=44x').set(bearer(t.admin)).expect(400);
      });

      it('POST /evaluate honours Idempotency-Key: the same key answers the same evaluation; it is audited', async () => {
        const key = unique('ev-');
        const first = await t.http().post('/api/v1/customer-warnings/evaluate').set(bearer(t.admin)).set('Idempotency-Key', key).send({});
        const replay = await t.http().post('/api/v1/customer-warnings/evaluate').set(bearer(t.admin)).set('Idempotency-Key', key).send({});
        expect(first.status).toBe(202);
        expect(replay.status).toBe(202);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body.id).toBe(first.body.id);
        const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [first.body.id]);
        expect(audit).toEqual([{ action: 'customer_warnings.evaluation_requested' }]);
        await waitFor(
          async () =>
            (await t.http().get(`/api/v1/customer-warnings/evaluations/${first.body.id}`).set(bearer(t.admin)).expect(200)).body.state ===
            'done',
          60_000,
          'the evaluation',
        );
      }, 90_000);
    });
  });

  describe('the daily job', () => {
    it('is scheduled at 06:00 China time in Redis; CUSTOMER_WARNINGS_AT and the thresholds are validated', async () => {
      const queue = t.app.get<Queue>(getQueueToken(QueueName.customerWarnings));
      const scheduler = await waitFor(async () => (await queue.getJobScheduler(DAILY_JOB)) ?? null, 10_000, 'the scheduler');
      expect(scheduler).toMatchObject({ pattern: '0 6 * * *', tz: 'Asia/Shanghai' });
      // the next run is at 22:00 UTC (06:00 in Beijing), within a day
      const next = new Date(scheduler.next!);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([22, 0]);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect(AppConfig.load({ CUSTOMER_WARNINGS_AT: '05:30', CUSTOMER_WARNING_FAULT_FACTOR: '2.5' }).customerWarnings).toMatchObject({
        runAt: '05:30',
        faultFactor: 2.5,
        faultsMin: 3,
        billDropPercent: 50,
      });
      for (const bad of ['6:00', '24:00', 'six'])
        expect(() => AppConfig.load({ CUSTOMER_WARNINGS_AT: bad })).toThrow(/CUSTOMER_WARNINGS_AT/);
      expect(() => AppConfig.load({ CUSTOMER_WARNING_BILL_DROP_PERCENT: '100' })).toThrow(/CUSTOMER_WARNING_BILL_DROP_PERCENT/);
      expect(() => AppConfig.load({ CUSTOMER_WARNING_CALLBACK_SCORE_MAX: '0' })).toThrow(/CUSTOMER_WARNING_CALLBACK_SCORE_MAX/);
    });

    it('an evaluation whose job was lost with Redis is queued again by the sweep and runs', async () => {
      // what a 202 leaves when Redis loses the job: the row, queued, and no job (a minute old, so the sweep takes it)
      const id = randomUUID();
      await t.dataSource.query(
        `INSERT INTO customer_warning_evaluations (id, trigger, requested_by, state, created_at)
         VALUES ($1, 'request', $2, 'queued', now() - interval '2 minutes')`,
        [id, t.admin.id],
      );
      const queue = t.app.get<Queue>(getQueueToken(QueueName.customerWarnings));
      expect(await queue.getJob(evaluationJobId(id))).toBeUndefined();
      expect(await t.app.get(CustomerWarningsService).sweep()).toBeGreaterThanOrEqual(1);
      await waitFor(
        async () =>
          (await t.http().get(`/api/v1/customer-warnings/evaluations/${id}`).set(bearer(t.admin)).expect(200)).body.state === 'done',
        60_000,
        'the evaluation done',
      );
    }, 90_000);
  });

  describe('once per customer, signal and China week', () => {
    it('two evaluations at once raise one warning and one event', async () => {
      const x = await customer();
      const at = Date.parse('2031-03-05T06:00:00+08:00');
      await tickets(x, 'complaint', [at - DAY, at - 2 * DAY]);
      const svc = t.app.get(CustomerWarningsService);
      const [a, b] = await Promise.all([svc.daily(new Date(at)), svc.daily(new Date(at))]);
      expect([a.state, b.state]).toEqual(['done', 'done']);
      expect((a.result?.raised.repeated_complaints ?? 0) + (b.result?.raised.repeated_complaints ?? 0)).toBe(1);
      expect(await warningsOf(x)).toEqual([expect.objectContaining({ signal: 'repeated_complaints', week: '2031-W10' })]);
      expect(await eventsOf(x, 'repeated_complaints')).toHaveLength(1);
    }, 60_000);

    it('the week turns at Monday 00:00 China time, not UTC; a rolling signal warns again in the next week', async () => {
      const x = await customer();
      const sunday = Date.parse('2031-03-09T23:30:00+08:00'); // Sunday 15:30 UTC
      const monday = Date.parse('2031-03-10T00:30:00+08:00'); // still Sunday (16:30) in UTC
      await tickets(x, 'complaint', [sunday - DAY, sunday - 2 * DAY]);
      const svc = t.app.get(CustomerWarningsService);
      await svc.daily(new Date(sunday));
      await svc.daily(new Date(sunday + 10 * MIN));
      expect((await warningsOf(x)).map((w) => w.week)).toEqual(['2031-W10']);
      await svc.daily(new Date(monday));
      expect((await warningsOf(x)).map((w) => w.week).sort()).toEqual(['2031-W10', '2031-W11']);
      expect(await eventsOf(x, 'repeated_complaints')).toHaveLength(2);
    }, 60_000);

    it('arrears days are China days: at 00:30 China time the bill is a day older than by the UTC date; a bucket entered warns once', async () => {
      const x = await customer();
      // 2031-05-03 00:30 China is 2031-05-02 16:30 UTC: 61 days after 2031-03-03 in China, 60 by the UTC date
      await bill(x, '2031-01', 30_000, '2031-03-03', false);
      const svc = t.app.get(CustomerWarningsService);
      await svc.daily(new Date('2031-05-02T23:30:00+08:00'));
      expect(await signalsOf(x)).toEqual([]);
      await svc.daily(new Date('2031-05-03T00:30:00+08:00'));
      expect(await warningsOf(x)).toEqual([
        expect.objectContaining({
          signal: 'arrears',
          week: '2031-W18',
          figures: expect.objectContaining({ bucket: '61-90', daysOverdue: 61 }),
        }),
      ]);
      // the next week (Monday 2031-05-05), still within 7 days of entering: the same bucket entered is not warned again
      await svc.daily(new Date('2031-05-05T06:00:00+08:00'));
      expect(await warningsOf(x)).toHaveLength(1);
      expect(await eventsOf(x, 'arrears')).toHaveLength(1);
    }, 60_000);
  });
});
