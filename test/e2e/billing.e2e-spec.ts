import { BillIssuer } from '../../src/billing/bill-issuer';
import { BillingService } from '../../src/billing/billing.service';
import { ArrearsService } from '../../src/billing/arrears.service';
import { addDays, chinaToday } from '../../src/common/time/china-days';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

const FOSHAN = '440605';
const BEIJING = '110105';
const SHANGHAI = '310115';
const SHENZHEN = '440305';
/** A region bills only customers it serves: the default customer has a site in every region these tests bill from. */
const SITES = [FOSHAN, '440604', BEIJING, SHANGHAI, SHENZHEN].map((region) => ({ name: `站点${region}`, region, address: 'x' }));

describe('billing settlement', () => {
  let t: TestApp;
  let billingCN: StaffLogin;
  let billingFS: StaffLogin;
  let billingBJ: StaffLogin;
  let billingSH: StaffLogin;
  let billingSZ: StaffLogin;
  let director: StaffLogin;
  let agent: StaffLogin;
  let am: StaffLogin;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200' });
    [billingCN, billingFS, billingBJ, billingSH, billingSZ, director, agent, am] = await Promise.all([
      t.staff(['billing'], ['CN']),
      t.staff(['billing'], ['440600']),
      t.staff(['billing'], ['110000']),
      t.staff(['billing'], ['310000']),
      t.staff(['billing'], ['440300']),
      t.staff(['director'], ['CN']),
      t.staff(['agent'], ['440000']),
      t.staff(['account_manager'], ['440600']),
    ]);
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const customer = async (overrides: Record<string, unknown> = {}) => {
    const res = await t
      .http()
      .post('/api/v1/customers')
      .set(bearer(t.admin))
      .send(customerBody({ accountManagerId: am.id, sites: SITES, ...overrides }));
    if (res.status !== 201) throw new Error(`customer creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; customerNo: string };
  };
  const chargeBody = (
    customerId: string,
    serviceRegion: string,
    amountFen: number,
    period = '2026-06',
    extra: Record<string, unknown> = {},
  ) => ({
    customerId,
    serviceRegion,
    period,
    kind: 'recurring',
    amountFen,
    description: '互联网专线月租',
    sourceRef: unique('SRC-'),
    ...extra,
  });
  const charge = (who: StaffLogin, body: Record<string, unknown>) => t.http().post('/api/v1/billing/charges').set(bearer(who)).send(body);
  const batch = (who: StaffLogin, charges: unknown[]) => t.http().post('/api/v1/billing/charges:batch').set(bearer(who)).send({ charges });
  const pay = (who: StaffLogin, customerId: string, amountFen: number, collectedRegion: string) =>
    t.http().post('/api/v1/payments').set(bearer(who)).send({ customerId, amountFen, collectedRegion, method: 'bank_transfer' });
  const account = async (customerId: string, asOf?: string) =>
    (
      await t
        .http()
        .get(`/api/v1/customers/${customerId}/account${asOf ? `?asOf=${asOf}` : ''}`)
        .set(bearer(billingCN))
        .expect(200)
    ).body;
  const bills = async (customerId: string) =>
    (await t.http().get(`/api/v1/customers/${customerId}/bills`).set(bearer(billingCN)).expect(200)).body.items;
  const run = async (period: string, who: StaffLogin = billingCN) => {
    const res = await t.http().post('/api/v1/billing/bill-runs').set(bearer(who)).send({ period });
    if (res.status !== 202) throw new Error(`bill run failed ${res.status}: ${JSON.stringify(res.body)}`);
    return waitFor(
      async () => {
        const r = await t.http().get(`/api/v1/billing/bill-runs/${res.body.id}`).set(bearer(billingCN)).expect(200);
        return r.body.state === 'completed' ? r.body : null;
      },
      30_000,
      'the bill run to complete',
    );
  };
  const events = (type: string, key: string, value: string) =>
    t.dataSource.query(`SELECT data FROM outbox_events WHERE type = $1 AND data->>$2 = $3 ORDER BY seq`, [type, key, value]);

  describe('input and roles', () => {
    it('serves the batch at the literal path /billing/charges:batch', async () => {
      const c = await customer();
      const res = await batch(billingFS, [chargeBody(c.id, FOSHAN, 100), chargeBody(c.id, '440604', 250)]).expect(201);
      expect(res.body).toEqual({ total: 2, created: 2, unchanged: 0, totalFen: 350 });
      // the colon is literal: any other word after "charges" is no route
      await t.http().post('/api/v1/billing/chargesXbatch').set(bearer(billingFS)).send({ charges: [] }).expect(404);
    });

    it('refuses an amount above 2^53 fen, a fraction, a string, and a negative non-adjustment, naming the field', async () => {
      const c = await customer();
      const raw = JSON.stringify(chargeBody(c.id, FOSHAN, 1)).replace('"amountFen":1', '"amountFen":9007199254740993');
      const big = await t
        .http()
        .post('/api/v1/billing/charges')
        .set(bearer(billingFS))
        .set('content-type', 'application/json')
        .send(raw)
        .expect(400);
      expect(big.body.errors).toEqual([expect.objectContaining({ field: 'amountFen' })]);
      for (const amountFen of [1.5, '100', 0, 100_000_000_001]) {
        const res = await charge(billingFS, chargeBody(c.id, FOSHAN, amountFen as number)).expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['amountFen']);
      }
      const negative = await charge(billingFS, chargeBody(c.id, FOSHAN, -100)).expect(400);
      expect(negative.body.errors[0].field).toBe('amountFen');
      await charge(billingFS, chargeBody(c.id, FOSHAN, -100, '2026-06', { kind: 'adjustment' })).expect(201);
      const period = await charge(billingFS, chargeBody(c.id, FOSHAN, 100, '2026-13')).expect(400);
      expect(period.body.errors[0].field).toBe('period');
      const inBatch = await batch(billingFS, [chargeBody(c.id, FOSHAN, 100), chargeBody(c.id, FOSHAN, 2 ** 53 + 2)]).expect(400);
      expect(inBatch.body.errors[0].field).toBe('charges[1].amountFen');
      const unknownCustomer = await batch(billingFS, [chargeBody('00000000-0000-4000-8000-000000000000', FOSHAN, 100)]).expect(400);
      expect(unknownCustomer.body.errors[0].field).toBe('charges[0].customerId');
      const payment = await t
        .http()
        .post('/api/v1/payments')
        .set(bearer(billingFS))
        .send({ customerId: c.id, amountFen: 10.01, collectedRegion: FOSHAN, method: 'cash' })
        .expect(400);
      expect(payment.body.errors[0].field).toBe('amountFen');
      await charge(billingFS, { ...chargeBody(c.id, FOSHAN, 100), extra: 1 }).expect(400);
      await batch(billingFS, []).expect(400);
      const badPeriod = await t.http().get('/api/v1/billing/settlements?period=2026-1').set(bearer(billingCN)).expect(400);
      expect(badPeriod.body.errors[0].field).toBe('period');
      const badRun = await t.http().post('/api/v1/billing/bill-runs').set(bearer(billingCN)).send({ period: '202610' }).expect(400);
      expect(badRun.body.errors[0].field).toBe('period');
      const badReversal = await t
        .http()
        .post('/api/v1/payments/00000000-0000-4000-8000-000000000000/reverse')
        .set(bearer(director))
        .send({})
        .expect(400);
      expect(badReversal.body.errors[0].field).toBe('reason');
      await t
        .http()
        .post('/api/v1/payments/00000000-0000-4000-8000-000000000000/reverse')
        .set(bearer(director))
        .send({ reason: 'x' })
        .expect(404);
      await t.http().get(`/api/v1/customers/00000000-0000-4000-8000-000000000000/account`).set(bearer(billingCN)).expect(404);
    });

    it('keeps sums exact far beyond 2^31 and float precision', async () => {
      const c = await customer();
      // 0.1 + 0.2 style amounts: 1 fen pieces beside huge ones
      const charges = [...Array(50)].map((_, i) => chargeBody(c.id, FOSHAN, i % 2 ? 99_999_999_999 : 1));
      await batch(billingFS, charges).expect(201);
      expect((await account(c.id)).balanceFen).toBe(25 * 99_999_999_999 + 25);
    });

    it('lets only billing staff (and admins) post charges, within their region; billing data is for billing, directors and admins', async () => {
      const c = await customer();
      await charge(agent, chargeBody(c.id, FOSHAN, 100)).expect(403);
      await charge(director, chargeBody(c.id, FOSHAN, 100)).expect(403);
      const outside = await charge(billingFS, chargeBody(c.id, BEIJING, 100)).expect(403);
      expect(outside.body.code).toBe('REGION_OUT_OF_SCOPE');
      const outsideInBatch = await batch(billingFS, [chargeBody(c.id, BEIJING, 100)]).expect(400);
      expect(outsideInBatch.body.errors[0].field).toBe('charges[0].serviceRegion');
      await charge(t.admin, chargeBody(c.id, BEIJING, 100)).expect(201);
      await charge(billingFS, chargeBody('00000000-0000-4000-8000-000000000000', FOSHAN, 100)).expect(404);
      for (const path of [
        `/api/v1/customers/${c.id}/account`,
        `/api/v1/customers/${c.id}/bills`,
        '/api/v1/billing/arrears',
        '/api/v1/billing/settlements?period=2026-06',
      ]) {
        await t.http().get(path).set(bearer(agent)).expect(403);
        await t.http().get(path).set(bearer(am)).expect(403);
        await t.http().get(path).set(bearer(director)).expect(200);
      }
      await pay(agent, c.id, 100, '440000').expect(403);
      const payOutside = await pay(billingFS, c.id, 100, BEIJING).expect(403);
      expect(payOutside.body.code).toBe('REGION_OUT_OF_SCOPE');
      await t.http().post('/api/v1/billing/bill-runs').set(bearer(billingFS)).send({ period: '2026-01' }).expect(403);
      await t.http().post('/api/v1/billing/bill-runs').set(bearer(agent)).send({ period: '2026-01' }).expect(403);
    });

    it('accepts a resend with the same content unchanged, refuses other content with 409, and a batch is all or nothing', async () => {
      const c = await customer();
      const body = chargeBody(c.id, FOSHAN, 4200);
      const first = await charge(billingFS, body).expect(201);
      const again = await charge(billingFS, body).expect(200);
      expect(again.body).toEqual(first.body);
      // A resend under an Idempotency-Key replays with the status it was first answered with.
      const key = unique('resend-');
      const keyed = () => t.http().post('/api/v1/billing/charges').set(bearer(billingFS)).set('Idempotency-Key', key).send(body);
      await keyed().expect(200);
      const replay = await keyed().expect(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const other = await charge(billingFS, { ...body, amountFen: 4300 }).expect(409);
      expect(other.body.code).toBe('CHARGE_SOURCE_REF_CONFLICT');
      // the same sourceRef in another region is another charge
      await charge(billingBJ, { ...body, serviceRegion: BEIJING }).expect(201);

      const fresh = chargeBody(c.id, FOSHAN, 1000);
      const resend = await batch(billingFS, [body, fresh]).expect(201);
      expect(resend.body).toMatchObject({ created: 1, unchanged: 1 });
      const before = (await account(c.id)).balanceFen;
      const bad = await batch(billingFS, [chargeBody(c.id, FOSHAN, 7), { ...fresh, description: '改过的' }]).expect(409);
      expect(bad.body.sourceRefs).toEqual([fresh.sourceRef]);
      expect((await account(c.id)).balanceFen).toBe(before); // the new charge of that batch was not kept
      // the same sourceRef twice in one batch with other content is a conflict too
      const dup = chargeBody(c.id, FOSHAN, 5);
      await batch(billingFS, [dup, { ...dup, amountFen: 6 }]).expect(409);
      expect((await account(c.id)).balanceFen).toBe(before);
    });

    it('takes 10,000 charges in one batch and refuses 10,001', async () => {
      const c = await customer();
      const many = [...Array(10_000)].map((_, i) => chargeBody(c.id, FOSHAN, i + 1, '2026-05'));
      const res = await batch(billingFS, many).expect(201);
      expect(res.body).toEqual({ total: 10_000, created: 10_000, unchanged: 0, totalFen: (10_000 * 10_001) / 2 });
      const tooMany = await batch(billingFS, [...many, chargeBody(c.id, FOSHAN, 1)]).expect(400);
      expect(tooMany.body.errors[0].field).toBe('charges');
    });
  });

  describe('bills, payments, settlement', () => {
    it('bills, pays anywhere, settles between regions and reverses exactly', async () => {
      const c = await customer();
      // charges in three regions, by each region's own system
      await charge(billingFS, chargeBody(c.id, FOSHAN, 100_000)).expect(201);
      await charge(billingFS, chargeBody(c.id, FOSHAN, 23_456, '2026-06', { kind: 'usage' })).expect(201);
      await charge(billingBJ, chargeBody(c.id, BEIJING, 50_000)).expect(201);
      await charge(billingSH, chargeBody(c.id, SHANGHAI, 30_000)).expect(201);
      await charge(billingSH, chargeBody(c.id, SHANGHAI, -5_000, '2026-06', { kind: 'adjustment' })).expect(201);

      const r1 = await run('2026-06');
      expect(r1.outcomes.billed).toBeGreaterThanOrEqual(1);
      let list = await bills(c.id);
      expect(list).toHaveLength(1);
      const june = list[0];
      // June billed in a later month: its period's due date (2026-07-30) is past, so it falls due BILL_DUE_DAYS after today
      const due = addDays(chinaToday(), 30);
      expect(june).toMatchObject({
        period: '2026-06',
        state: 'issued',
        totalFen: 198_456,
        paidFen: 0,
        dueDate: due,
        dueDateAdjusted: true,
        overdue: false,
      });
      expect(june.lines.map((l: { servingRegion: string; amountFen: number }) => [l.servingRegion, l.amountFen])).toEqual([
        [BEIJING, 50_000],
        [SHANGHAI, 25_000],
        [FOSHAN, 123_456],
      ]);
      expect((await t.http().get(`/api/v1/bills/${june.id}`).set(bearer(billingSZ)).expect(200)).body).toEqual(june);
      expect(await events('bill.issued', 'billId', june.id)).toHaveLength(1);

      // again: no second bill; a late June charge goes to the next bill
      await run('2026-06');
      expect(await bills(c.id)).toHaveLength(1);
      await charge(billingFS, chargeBody(c.id, FOSHAN, 7_000, '2026-06', { kind: 'one_off' })).expect(201);
      await charge(billingBJ, chargeBody(c.id, BEIJING, 11_000, '2026-07')).expect(201);
      await run('2026-06');
      expect(await bills(c.id)).toHaveLength(1);
      await run('2026-07');
      list = await bills(c.id);
      expect(list.map((b: { period: string; totalFen: number }) => [b.period, b.totalFen])).toEqual([
        ['2026-07', 18_000],
        ['2026-06', 198_456],
      ]);
      const july = list[0];

      const before = await account(c.id);
      // both fall due BILL_DUE_DAYS after today (their periods' due dates were past when they were issued): not overdue today
      expect(before).toMatchObject({
        balanceFen: 216_456,
        creditFen: 0,
        outstandingFen: 216_456,
        unbilledFen: 0,
        overdueFen: 0,
        oldestOverdueDate: null,
      });
      expect(await account(c.id, addDays(due, 1))).toMatchObject({ overdueFen: 216_456, oldestOverdueDate: due });

      // a payment in a fourth region: the oldest bill first, line by line, the rest credit
      const payment = await pay(billingSZ, c.id, 300_000, SHENZHEN).expect(201);
      expect(payment.body).toMatchObject({ amountFen: 300_000, allocatedFen: 216_456, creditFen: 83_544, collectedRegion: SHENZHEN });
      expect(
        payment.body.allocations.map((a: { billNo: string; servingRegion: string; amountFen: number }) => [
          a.billNo,
          a.servingRegion,
          a.amountFen,
        ]),
      ).toEqual([
        [june.billNo, BEIJING, 50_000],
        [june.billNo, SHANGHAI, 25_000],
        [june.billNo, FOSHAN, 123_456],
        [july.billNo, BEIJING, 11_000],
        [july.billNo, FOSHAN, 7_000],
      ]);
      expect(await account(c.id)).toMatchObject({
        balanceFen: -83_544,
        creditFen: 83_544,
        outstandingFen: 0,
        overdueFen: 0,
        oldestOverdueDate: null,
      });
      expect((await bills(c.id)).map((b: { state: string }) => b.state)).toEqual(['paid', 'paid']);
      expect(await events('payment.received', 'paymentId', payment.body.id)).toHaveLength(1);

      // the credit pays the next bill as soon as it is issued
      await charge(billingFS, chargeBody(c.id, FOSHAN, 100_000, '2026-08')).expect(201);
      await run('2026-08');
      const august = (await bills(c.id))[0];
      expect(august).toMatchObject({
        period: '2026-08',
        state: 'partially_paid',
        totalFen: 100_000,
        paidFen: 83_544,
        outstandingFen: 16_456,
      });
      expect(await account(c.id)).toMatchObject({ balanceFen: 16_456, creditFen: 0, outstandingFen: 16_456 });

      // settlement for the month the money came in: Shenzhen owes each serving region its lines
      const period = chinaToday().slice(0, 7);
      const s = (await t.http().get(`/api/v1/billing/settlements?period=${period}`).set(bearer(billingCN)).expect(200)).body;
      const flows = s.matrix.filter((f: { collectingRegion: string }) => f.collectingRegion === SHENZHEN);
      const fromSZ = { collectingRegion: SHENZHEN, collectingRegionName: '广东省深圳市南山区' };
      expect(flows).toEqual([
        // with the regions' names (issue 11)
        { ...fromSZ, servingRegion: BEIJING, servingRegionName: '北京市朝阳区', amountFen: 61_000 },
        { ...fromSZ, servingRegion: SHANGHAI, servingRegionName: '上海市浦东新区', amountFen: 25_000 },
        { ...fromSZ, servingRegion: FOSHAN, servingRegionName: '广东省佛山市南海区', amountFen: 214_000 },
      ]);
      const sum = (xs: { amountFen: number }[]) => xs.reduce((a, f) => a + f.amountFen, 0);
      // the whole report adds up to the payments collected
      expect(sum(s.matrix) + s.unallocatedFen).toBe(s.collectedFen);
      expect(s.positions.reduce((a: number, p: { collectedFen: number }) => a + p.collectedFen, 0)).toBe(s.collectedFen);
      const sz = s.positions.find((p: { region: string }) => p.region === SHENZHEN);
      expect(sz).toMatchObject({ payableFen: 300_000, receivableFen: 0, netFen: -300_000 });
      expect(s.positions.find((p: { region: string }) => p.region === FOSHAN).receivableFen).toBeGreaterThanOrEqual(214_000);
      // the positions net out across regions
      expect(s.positions.reduce((a: number, p: { netFen: number }) => a + p.netFen, 0)).toBe(0);

      // reversal: directors only, exactly once, and every balance comes back
      await t.http().post(`/api/v1/payments/${payment.body.id}/reverse`).set(bearer(billingCN)).send({ reason: '银行退票' }).expect(403);
      const reversed = await t
        .http()
        .post(`/api/v1/payments/${payment.body.id}/reverse`)
        .set(bearer(director))
        .send({ reason: '银行退票' })
        .expect(200);
      expect(reversed.body).toMatchObject({ allocatedFen: 0, creditFen: 0, reversalReason: '银行退票' });
      expect(reversed.body.allocations.reduce((a: number, x: { amountFen: number }) => a + x.amountFen, 0)).toBe(300_000);
      await t.http().post(`/api/v1/payments/${payment.body.id}/reverse`).set(bearer(director)).send({ reason: 'again' }).expect(409);
      expect(await account(c.id, addDays(due, 1))).toMatchObject({
        balanceFen: 316_456,
        creditFen: 0,
        outstandingFen: 316_456,
        overdueFen: 316_456,
      });
      const after = await bills(c.id);
      expect(after.map((b: { state: string; paidFen: number }) => [b.state, b.paidFen])).toEqual([
        ['issued', 0],
        ['issued', 0],
        ['issued', 0],
      ]);
      expect(after.flatMap((b: { lines: { paidFen: number }[] }) => b.lines.map((l) => l.paidFen))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await events('payment.reversed', 'paymentId', payment.body.id)).toHaveLength(1);
      const s2 = (await t.http().get(`/api/v1/billing/settlements?period=${period}`).set(bearer(billingCN)).expect(200)).body;
      expect(s2.matrix.filter((f: { collectingRegion: string }) => f.collectingRegion === SHENZHEN)).toEqual([]);
      expect(sum(s2.matrix) + s2.unallocatedFen).toBe(s2.collectedFen);

      const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = ANY($1) ORDER BY id`, [
        [payment.body.id, june.id, july.id, august.id],
      ]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'billing.bill_issued',
        'billing.bill_issued',
        'billing.payment_received',
        'billing.bill_issued',
        'billing.payment_reversed',
      ]);
    });

    it('never makes a second bill when two runs go at once', async () => {
      const cs = await Promise.all([customer(), customer(), customer()]);
      for (const c of cs) {
        await charge(billingFS, chargeBody(c.id, FOSHAN, 1_000, '2026-09')).expect(201);
        await charge(billingBJ, chargeBody(c.id, BEIJING, 2_000, '2026-09')).expect(201);
      }
      const [a, b] = await Promise.all([
        t.http().post('/api/v1/billing/bill-runs').set(bearer(billingCN)).send({ period: '2026-09' }).expect(202),
        t.http().post('/api/v1/billing/bill-runs').set(bearer(t.admin)).send({ period: '2026-09' }).expect(202),
      ]);
      const done = (id: string) =>
        waitFor(async () => {
          const r = (await t.http().get(`/api/v1/billing/bill-runs/${id}`).set(bearer(billingCN)).expect(200)).body;
          return r.state === 'completed' ? r : null;
        }, 30_000);
      await Promise.all([done(a.body.id), done(b.body.id)]);
      const rows = await t.dataSource.query(
        `SELECT customer_id, count(*)::int AS n, sum(total_fen)::int AS total FROM bills WHERE customer_id = ANY($1) GROUP BY 1`,
        [cs.map((c) => c.id)],
      );
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(r).toMatchObject({ n: 1, total: 3_000 });

      // the same customer's job from five runs at the same instant: one bill
      const d = await customer();
      await charge(billingFS, chargeBody(d.id, FOSHAN, 1_000, '2026-09')).expect(201);
      const outcomes = await Promise.all([...Array(5)].map(() => t.app.get(BillIssuer).issue(null, d.id, '2026-09')));
      expect(outcomes.map((o) => o.outcome).sort()).toEqual([
        'already_billed',
        'already_billed',
        'already_billed',
        'already_billed',
        'billed',
      ]);
      expect(new Set(outcomes.map((o) => o.billId)).size).toBe(1);
      expect(await bills(d.id)).toHaveLength(1);
    });

    it('never over-allocates under parallel payments for one customer', async () => {
      const c = await customer();
      await charge(billingFS, chargeBody(c.id, FOSHAN, 60_000, '2026-04')).expect(201);
      await charge(billingBJ, chargeBody(c.id, BEIJING, 40_000, '2026-04')).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-04');
      const responses = await Promise.all(
        [...Array(10)].map((_, i) => pay(i % 2 ? billingBJ : billingFS, c.id, 25_000, i % 2 ? BEIJING : FOSHAN)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
      const allocated = responses.reduce((a, r) => a + r.body.allocatedFen, 0);
      expect(allocated).toBe(100_000);
      const [bill] = await bills(c.id);
      expect(bill).toMatchObject({ state: 'paid', paidFen: 100_000 });
      expect(bill.lines.map((l: { paidFen: number; dueFen: number }) => l.paidFen === l.dueFen)).toEqual([true, true]);
      expect(await account(c.id)).toMatchObject({ creditFen: 150_000, balanceFen: -150_000, outstandingFen: 0 });
      const [db] = await t.dataSource.query(
        `SELECT (SELECT sum(a.amount_fen) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id WHERE p.customer_id = $1 AND a.reversed_at IS NULL)::int AS alloc,
                (SELECT sum(allocated_fen) FROM payments WHERE customer_id = $1)::int AS cached`,
        [c.id],
      );
      expect(db).toEqual({ alloc: 100_000, cached: 100_000 });
    });

    it('honours Idempotency-Key on payments: one payment for one key', async () => {
      const c = await customer();
      const body = { customerId: c.id, amountFen: 500, collectedRegion: FOSHAN, method: 'cash' };
      const key = unique('pay-');
      const [a, b] = await Promise.all([
        t.http().post('/api/v1/payments').set(bearer(billingFS)).set('idempotency-key', key).send(body),
        t.http().post('/api/v1/payments').set(bearer(billingFS)).set('idempotency-key', key).send(body),
      ]);
      expect(a.body.id).toBe(b.body.id);
      expect((await account(c.id)).creditFen).toBe(500);
      await t
        .http()
        .post('/api/v1/payments')
        .set(bearer(billingFS))
        .set('idempotency-key', key)
        .send({ ...body, amountFen: 501 })
        .expect(422);
    });
  });

  describe('arrears', () => {
    it('moves customers through the aging buckets as time passes, raises one event per bucket entered, and flags > 90 days', async () => {
      const c = await customer({ homeRegion: '440604', sites: [{ name: '禅城', region: '440604', address: '祖庙路1号' }] });
      await charge(billingFS, chargeBody(c.id, '440604', 88_000, '2026-02')).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-02', { issueDate: '2026-03-01' }); // due 2026-03-30
      const arrears = (asOf: string, extra = '', who: StaffLogin = billingFS) =>
        t
          .http()
          .get(`/api/v1/billing/arrears?asOf=${asOf}&region=4406${extra}&limit=200`)
          .set(bearer(who))
          .expect(200)
          .then((r) => r.body);
      const mine = (page: { items: { customerId: string }[] }) =>
        page.items.find((i) => i.customerId === c.id) as Record<string, unknown> | undefined;

      expect(mine(await arrears('2026-03-30'))).toBeUndefined(); // due today: not overdue yet
      const steps: [string, string][] = [
        ['2026-04-10', '0-30'],
        ['2026-05-15', '31-60'],
        ['2026-06-20', '61-90'],
        ['2026-07-01', '90+'],
      ];
      const svc = t.app.get(ArrearsService);
      for (const [asOf, bucket] of steps) {
        const item = mine(await arrears(asOf))!;
        expect(item).toMatchObject({
          bucket,
          overdueFen: 88_000,
          oldestOverdueDate: '2026-03-30',
          accountManagerId: am.id,
          accountManagerName: am.username,
        });
        expect((item.buckets as Record<string, number>)[bucket]).toBe(88_000);
        expect(item.blockedForArrears).toBe(bucket === '90+');
        expect(await t.app.get(BillingService).isBlockedForArrears(c.id, asOf)).toBe(bucket === '90+');
        await svc.notify(asOf);
        await svc.notify(asOf); // the same day again raises nothing new
        const raised = await events('arrears.overdue', 'customerId', c.id);
        expect(raised.map((e: { data: { bucket: string } }) => e.data.bucket)).toEqual(
          steps.slice(0, steps.findIndex(([d]) => d === asOf) + 1).map(([, b]) => b),
        );
      }
      // each bucket entered is audited once, by the system, under the customer's home region
      const audited = await t.dataSource.query(
        `SELECT actor_id, actor_username, entity, changes, regions FROM audit_log WHERE action = 'billing.arrears_notified' AND entity_id = $1 ORDER BY id`,
        [c.id],
      );
      expect(audited).toEqual(
        steps.map(([asOf, bucket]) => ({
          actor_id: null,
          actor_username: 'system',
          entity: 'customer',
          changes: { bucket, asOf },
          regions: ['440604'],
        })),
      );
      // another region's billing staff does not see this customer; the report sorts by amount
      expect(
        mine(
          await t
            .http()
            .get('/api/v1/billing/arrears?asOf=2026-07-01')
            .set(bearer(billingBJ))
            .then((r) => r.body),
        ),
      ).toBeUndefined();
      const desc = await arrears('2026-07-01');
      const amounts = desc.items.map((i: { overdueFen: number }) => i.overdueFen);
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      const asc = await arrears('2026-07-01', '&sort=amount&order=asc');
      expect(asc.items.map((i: { overdueFen: number }) => i.overdueFen)).toEqual([...amounts].sort((a, b) => a - b));
      await t.http().get('/api/v1/billing/arrears?asOf=2026-02-30x').set(bearer(billingFS)).expect(400);

      // paying up clears the arrears
      await pay(billingFS, c.id, 88_000, '440604').expect(201);
      expect(mine(await arrears('2026-07-01'))).toBeUndefined();
      expect(await t.app.get(BillingService).isBlockedForArrears(c.id, '2026-07-01')).toBe(false);
    });
  });

  describe('events', () => {
    it('delivers bill.issued, payment.received and payment.reversed as signed webhooks', async () => {
      const secret = 'whsec-billing-0123456789';
      const hook = receiver.endpoint(secret);
      await t
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(t.admin))
        .send({ url: hook.url, events: ['bill.issued', 'payment.received', 'payment.reversed', 'arrears.overdue'], secret })
        .expect(201);
      const c = await customer();
      await charge(billingFS, chargeBody(c.id, FOSHAN, 3_000, '2026-01')).expect(201);
      const { billId } = await t.app.get(BillIssuer).issue(null, c.id, '2026-01');
      const p = (await pay(billingFS, c.id, 3_000, FOSHAN).expect(201)).body;
      await t.http().post(`/api/v1/payments/${p.id}/reverse`).set(bearer(director)).send({ reason: '重复入账' }).expect(200);
      const mine = () => receiver.at(hook.path).filter((h) => h.body.data.customerId === c.id);
      await waitFor(async () => mine().length >= 3, 10_000, 'three billing webhooks');
      // each delivery is its own job: they may arrive in any order
      expect(
        mine()
          .map((h) => h.body.type)
          .sort(),
      ).toEqual(['bill.issued', 'payment.received', 'payment.reversed']);
      expect(mine().every((h) => h.signatureOk)).toBe(true);
      const data = (type: string) => mine().find((h) => h.body.type === type)!.body.data;
      expect(data('bill.issued')).toMatchObject({
        billId,
        totalFen: 3_000,
        lines: [{ servingRegion: FOSHAN, amountFen: 3_000, dueFen: 3_000 }],
      });
      expect(data('payment.received')).toMatchObject({ paymentId: p.id, amountFen: 3_000, allocatedFen: 3_000, creditFen: 0 });
      expect(data('payment.reversed')).toMatchObject({
        paymentId: p.id,
        reason: '重复入账',
        undone: [expect.objectContaining({ billId, amountFen: 3_000 })],
      });
    });
  });

  describe('console overview', () => {
    it('shows the account: the balance summary to a hotline agent, the open bills to billing staff and directors', async () => {
      const c = await customer({ homeRegion: FOSHAN });
      await charge(billingFS, chargeBody(c.id, FOSHAN, 12_345, '2026-03')).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-03', { issueDate: '2026-04-01' }); // due 2026-04-30: overdue today
      const forAgent = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(agent)).expect(200)).body.account;
      expect(forAgent).toMatchObject({ balanceFen: 12_345, outstandingFen: 12_345, overdueFen: 12_345, creditFen: 0 });
      expect(forAgent.openBills).toBeUndefined();
      const forDirector = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(director)).expect(200)).body.account;
      expect(forDirector.openBills.map((b: { totalFen: number }) => b.totalFen)).toEqual([12_345]);
    });
  });
});
