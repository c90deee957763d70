import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { BillIssuer } from '../../src/billing/bill-issuer';
import { ARREARS_DAILY_JOB } from '../../src/billing/billing.processor';
import { addDays, chinaMonth, chinaToday } from '../../src/common/time/china-days';
import { AppConfig } from '../../src/config/app-config';
import { QueueName } from '../../src/queues/queue-names';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

const FOSHAN = '440605';
const CHANCHENG = '440604';
const BEIJING = '110105';
const SITES = [FOSHAN, CHANCHENG, BEIJING].map((region) => ({ name: `站点${region}`, region, address: 'x' }));

/** The month after the current one in China, 'YYYY-MM'. */
const nextMonth = () => {
  const [y, m] = chinaMonth(new Date()).split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/** Issue 11, point 5: the billing office is guarded and can see what it did (README, "Billing"). */
describe('billing office', () => {
  let t: TestApp;
  let billingCN: StaffLogin;
  let billingFS: StaffLogin;
  let director: StaffLogin;
  let directorBJ: StaffLogin;
  let agent: StaffLogin;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200' });
    [billingCN, billingFS, director, directorBJ, agent] = await Promise.all([
      t.staff(['billing'], ['CN']),
      t.staff(['billing'], ['440600']),
      t.staff(['director'], ['CN']),
      t.staff(['director'], ['110000']),
      t.staff(['agent'], ['440000']),
    ]);
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
      .send(customerBody({ sites: SITES, ...overrides }));
    if (res.status !== 201) throw new Error(`customer creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; customerNo: string };
  };
  const chargeBody = (customerId: string, serviceRegion: string, amountFen: number, period: string) => ({
    customerId,
    serviceRegion,
    period,
    kind: 'recurring',
    amountFen,
    description: '互联网专线月租',
    sourceRef: unique('SRC-'),
  });
  const charge = (who: StaffLogin, body: Record<string, unknown>) => t.http().post('/api/v1/billing/charges').set(bearer(who)).send(body);
  const pay = (who: StaffLogin, body: Record<string, unknown>, key?: string) => {
    const req = t.http().post('/api/v1/payments').set(bearer(who));
    return (key ? req.set('idempotency-key', key) : req).send({ method: 'bank_transfer', ...body });
  };
  const get = (who: StaffLogin, path: string) => t.http().get(`/api/v1${path}`).set(bearer(who));
  const runBills = async (period: string) => {
    const res = await t.http().post('/api/v1/billing/bill-runs').set(bearer(billingCN)).send({ period });
    if (res.status !== 202) throw new Error(`bill run failed ${res.status}: ${JSON.stringify(res.body)}`);
    return waitFor(
      async () => {
        const r = (await get(billingCN, `/billing/bill-runs/${res.body.id}`).expect(200)).body;
        return r.state === 'completed' ? r : null;
      },
      30_000,
      'the bill run to complete',
    );
  };
  const balance = async (customerId: string) => (await get(billingCN, `/customers/${customerId}/account`).expect(200)).body.balanceFen;

  describe('periods and due dates', () => {
    it('refuses a charge, a batch and a bill run for a period after the current month (China time), naming the field', async () => {
      const c = await customer();
      const future = nextMonth();
      const one = await charge(billingFS, chargeBody(c.id, FOSHAN, 100, future)).expect(400);
      expect(one.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
      const inBatch = await t
        .http()
        .post('/api/v1/billing/charges:batch')
        .set(bearer(billingFS))
        .send({ charges: [chargeBody(c.id, FOSHAN, 100, chinaMonth(new Date())), chargeBody(c.id, FOSHAN, 200, future)] })
        .expect(400);
      expect(inBatch.body.errors.map((e: { field: string }) => e.field)).toEqual(['charges[1].period']);
      expect(await balance(c.id)).toBe(0); // all or nothing: the good charge of the batch was not kept
      const run = await t.http().post('/api/v1/billing/bill-runs').set(bearer(billingCN)).send({ period: future }).expect(400);
      expect(run.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
      // the current month is fine
      await charge(billingFS, chargeBody(c.id, FOSHAN, 100, chinaMonth(new Date()))).expect(201);
      expect(await balance(c.id)).toBe(100);
    });

    it('issues a period billed late with due date = issue date + BILL_DUE_DAYS, and the run, its customers and the bill say so', async () => {
      const [a, b] = [
        await customer({ homeRegion: FOSHAN, sites: [SITES[0]] }),
        await customer({ homeRegion: BEIJING, sites: [SITES[2]] }),
      ];
      await charge(billingFS, chargeBody(a.id, FOSHAN, 5_000, '2026-03')).expect(201);
      await charge(billingCN, chargeBody(b.id, BEIJING, 7_000, '2026-03')).expect(201);
      const today = chinaToday();
      const run = await runBills('2026-03');
      expect(run).toMatchObject({ periodDueDate: '2026-04-30', dueDateAdjusted: true });
      expect(run.notice).toContain('2026-04-30');
      const mine = run.customers.items.filter((i: { customerId: string }) => [a.id, b.id].includes(i.customerId));
      expect(mine).toHaveLength(2);
      for (const item of mine) {
        expect(item).toMatchObject({ outcome: 'billed', dueDate: addDays(today, 30), dueDateAdjusted: true });
        expect(item.billNo).toMatch(/^BL-202603-/);
      }
      const bill = (await get(billingCN, `/bills/${mine[0].billId}`).expect(200)).body;
      expect(bill).toMatchObject({ issueDate: today, dueDate: addDays(today, 30), dueDateAdjusted: true, overdue: false });

      // paged, narrowed by outcome; a director sees only the customers in scope; an unknown run is 404
      const page = (await get(billingCN, `/billing/bill-runs/${run.id}?limit=1&offset=1`).expect(200)).body.customers;
      expect(page).toMatchObject({ total: run.customersTotal, limit: 1, offset: 1 });
      expect(page.items).toHaveLength(1);
      const billed = (await get(billingCN, `/billing/bill-runs/${run.id}?outcome=billed&limit=200`).expect(200)).body.customers;
      expect(billed.items.every((i: { outcome: string }) => i.outcome === 'billed')).toBe(true);
      const forBJ = (await get(directorBJ, `/billing/bill-runs/${run.id}?limit=200`).expect(200)).body.customers;
      expect(forBJ.items.map((i: { customerId: string }) => i.customerId)).toEqual([b.id]);
      await get(billingCN, `/billing/bill-runs/${run.id}?outcome=lost`).expect(400);
      await get(billingCN, '/billing/bill-runs/00000000-0000-4000-8000-000000000000').expect(404);
      await get(agent, `/billing/bill-runs/${run.id}`).expect(403);

      // a bill issued in time keeps the period's due date
      const c = await customer();
      await charge(billingFS, chargeBody(c.id, FOSHAN, 1_000, '2026-05')).expect(201);
      const { billId } = await t.app.get(BillIssuer).issue(null, c.id, '2026-05', { issueDate: '2026-06-01' });
      expect((await get(billingCN, `/bills/${billId}`).expect(200)).body).toMatchObject({ dueDate: '2026-06-30', dueDateAdjusted: false });

      // the list of runs, newest first
      const second = await runBills(chinaMonth(new Date()));
      expect(second.dueDateAdjusted).toBe(false);
      expect(second.notice).toBeNull();
      const runs = (await get(director, '/billing/bill-runs?limit=2').expect(200)).body;
      expect(runs.items.map((r: { id: string }) => r.id)).toEqual([second.id, run.id]);
      expect(runs.items[0]).toMatchObject({ period: chinaMonth(new Date()), state: 'completed', startedBy: billingCN.id });
      await get(agent, '/billing/bill-runs').expect(403);
    });
  });

  describe('payment references', () => {
    it('refuses the same reference for the same customer and collecting region (409), unless a director allows it', async () => {
      const c = await customer();
      const reference = unique('ICBC-');
      const body = { customerId: c.id, amountFen: 1_000, collectedRegion: FOSHAN, reference };
      const first = await pay(billingFS, body).expect(201);
      const again = await pay(billingCN, { ...body, amountFen: 2_000 }).expect(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.body).toMatchObject({ code: 'PAYMENT_REFERENCE_DUPLICATE', status: 409, existingPaymentId: first.body.id, reference });
      expect(await balance(c.id)).toBe(-1_000); // nothing written
      // another collecting region, another customer, or no reference at all: other transfers
      await pay(billingCN, { ...body, collectedRegion: CHANCHENG }).expect(201);
      const other = await customer();
      await pay(billingFS, { ...body, customerId: other.id }).expect(201);
      await pay(billingFS, { customerId: c.id, amountFen: 10, collectedRegion: FOSHAN }).expect(201);
      await pay(billingFS, { customerId: c.id, amountFen: 10, collectedRegion: FOSHAN }).expect(201);

      // only a director may let a duplicate through
      const notDirector = await pay(billingFS, { ...body, allowDuplicateReference: true }).expect(403);
      expect(notDirector.body.code).toBe('PAYMENT_DUPLICATE_NEEDS_DIRECTOR');
      await pay(t.admin, { ...body, allowDuplicateReference: true }).expect(403);
      await pay(director, { ...body, allowDuplicateReference: 'yes' }).expect(400);
      const allowed = await pay(director, { ...body, allowDuplicateReference: true }).expect(201);
      const audited = await t.dataSource.query(
        `SELECT actor_id, changes FROM audit_log WHERE action = 'billing.payment_received' AND entity_id = $1`,
        [allowed.body.id],
      );
      expect(audited).toEqual([{ actor_id: director.id, changes: expect.objectContaining({ reference, allowDuplicateReference: true }) }]);
      // the first payment still holds the reference; reversed, it frees it (a payment entered wrongly is entered again)
      await pay(billingFS, body).expect(409);
      await t.http().post(`/api/v1/payments/${first.body.id}/reverse`).set(bearer(director)).send({ reason: '金额录错' }).expect(200);
      await pay(billingFS, body).expect(201);
    });

    it('lets exactly one of concurrent payments with the same reference through, and Idempotency-Key replays still answer 201', async () => {
      const c = await customer();
      const reference = unique('ABC-');
      const answers = await Promise.all(
        [...Array(6)].map((_, i) =>
          pay(i % 2 ? billingCN : billingFS, { customerId: c.id, amountFen: 500 + i, collectedRegion: FOSHAN, reference }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM payments WHERE customer_id = $1`, [c.id]);
      expect(n).toBe(1);

      const keyed = { customerId: c.id, amountFen: 700, collectedRegion: FOSHAN, reference: unique('KEY-') };
      const key = unique('pay-');
      const once = await pay(billingFS, keyed, key).expect(201);
      const replay = await pay(billingFS, keyed, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(once.body.id);
      // a new key with the same reference is a second transfer claiming the same bank reference
      await pay(billingFS, keyed, unique('pay-')).expect(409);
    });
  });

  describe('lists', () => {
    it('lists charges by customer, period and billed, in the caller’s scope', async () => {
      const c = await customer({ homeRegion: FOSHAN, sites: [SITES[0]] });
      for (const [period, amount] of [
        ['2026-01', 100],
        ['2026-01', 200],
        ['2026-02', 300],
      ] as const)
        await charge(billingFS, chargeBody(c.id, FOSHAN, amount, period)).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-01', { issueDate: '2026-02-01' });
      await charge(billingFS, chargeBody(c.id, FOSHAN, 400, '2026-02')).expect(201);

      const list = async (who: StaffLogin, query: string) =>
        (await get(who, `/billing/charges?customerId=${c.id}${query}`).expect(200)).body;
      const all = await list(billingCN, '');
      expect(all.total).toBe(4);
      expect(all.items.map((x: { amountFen: number }) => x.amountFen)).toEqual([400, 300, 200, 100]); // newest first
      expect((await list(billingCN, '&period=2026-01')).items.map((x: { amountFen: number }) => x.amountFen)).toEqual([200, 100]);
      const billed = await list(billingCN, '&billed=true');
      expect(billed.items.map((x: { amountFen: number }) => x.amountFen)).toEqual([200, 100]);
      expect(billed.items.every((x: { billId: string | null }) => x.billId)).toBe(true);
      expect((await list(billingCN, '&billed=false')).items.map((x: { amountFen: number }) => x.amountFen)).toEqual([400, 300]);
      const paged = await list(billingCN, '&limit=1&offset=1');
      expect(paged).toMatchObject({ total: 4, limit: 1, offset: 1 });
      expect(paged.items.map((x: { amountFen: number }) => x.amountFen)).toEqual([300]);
      expect((await list(director, '')).total).toBe(4);
      // a director of another region gets nothing of this customer; other roles none at all
      expect(await list(directorBJ, '')).toMatchObject({ total: 0, items: [] });
      await get(agent, `/billing/charges?customerId=${c.id}`).expect(403);
      for (const bad of ['billed=maybe', 'period=2026-13', 'customerId=x', 'limit=0'])
        expect((await get(billingCN, `/billing/charges?${bad}`).expect(400)).body.errors[0].field).toBe(bad.split('=')[0]);
    });

    it('lists a customer’s payments newest first; a director of another region gets 404', async () => {
      const c = await customer({ homeRegion: FOSHAN, sites: [SITES[0]] });
      const ids: string[] = [];
      for (const amountFen of [100, 200, 300])
        ids.push((await pay(billingFS, { customerId: c.id, amountFen, collectedRegion: FOSHAN }).expect(201)).body.id);
      await t.http().post(`/api/v1/payments/${ids[0]}/reverse`).set(bearer(director)).send({ reason: '退票' }).expect(200);
      const page = (await get(billingCN, `/customers/${c.id}/payments`).expect(200)).body;
      expect(page.total).toBe(3);
      expect(page.items.map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
      expect(page.items[2]).toMatchObject({ amountFen: 100, creditFen: 0, reversalReason: '退票', duplicateReferenceAllowed: false });
      expect(page.items[0]).toMatchObject({ amountFen: 300, creditFen: 300, collectedRegion: FOSHAN, reversedAt: null });
      expect(
        (await get(billingCN, `/customers/${c.id}/payments?limit=1&offset=2`).expect(200)).body.items.map((p: { id: string }) => p.id),
      ).toEqual([ids[0]]);
      await get(director, `/customers/${c.id}/payments`).expect(200);
      await get(directorBJ, `/customers/${c.id}/payments`).expect(404);
      await get(agent, `/customers/${c.id}/payments`).expect(403);
      await get(billingCN, '/customers/00000000-0000-4000-8000-000000000000/payments').expect(404);
    });
  });

  describe('settlement roll-up', () => {
    it('rolls the report up by province, city or district, with region names; without level it is as recorded', async () => {
      // regions no other test of this file bills or collects in, so the month's report is this test's own
      const [JINJIANG, QINGYANG, XUANWU] = ['510104', '510105', '320102'];
      const c = await customer({
        homeRegion: JINJIANG,
        sites: [JINJIANG, XUANWU].map((region) => ({ name: `站点${region}`, region, address: 'x' })),
      });
      await charge(billingCN, chargeBody(c.id, JINJIANG, 10_000, '2026-04')).expect(201);
      await charge(billingCN, chargeBody(c.id, XUANWU, 6_000, '2026-04')).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-04');
      // lines in region order: Nanjing (320102) is paid first
      await pay(billingCN, { customerId: c.id, amountFen: 8_000, collectedRegion: QINGYANG }).expect(201);
      await pay(billingCN, { customerId: c.id, amountFen: 8_000, collectedRegion: JINJIANG }).expect(201);

      const period = chinaMonth(new Date());
      const report = async (level?: string) =>
        (await get(director, `/billing/settlements?period=${period}${level ? `&level=${level}` : ''}`).expect(200)).body;
      const ours = (r: { matrix: { collectingRegion: string }[] }, prefix: string) =>
        r.matrix.filter((f) => f.collectingRegion.startsWith(prefix));

      const recorded = await report();
      expect(recorded.level).toBe('recorded');
      expect(ours(recorded, '51')).toEqual(
        [
          {
            collectingRegion: JINJIANG,
            collectingRegionName: '四川省成都市锦江区',
            servingRegion: JINJIANG,
            servingRegionName: '四川省成都市锦江区',
            amountFen: 8_000,
          },
          {
            collectingRegion: QINGYANG,
            collectingRegionName: '四川省成都市青羊区',
            servingRegion: XUANWU,
            servingRegionName: '江苏省南京市玄武区',
            amountFen: 6_000,
          },
          {
            collectingRegion: QINGYANG,
            collectingRegionName: '四川省成都市青羊区',
            servingRegion: JINJIANG,
            servingRegionName: '四川省成都市锦江区',
            amountFen: 2_000,
          },
        ].sort((a, b) => a.collectingRegion.localeCompare(b.collectingRegion) || a.servingRegion.localeCompare(b.servingRegion)),
      );
      expect(await report('district')).toMatchObject({
        level: 'district',
        matrix: recorded.matrix.map((f: object) => expect.objectContaining(f)),
      });

      const city = await report('city');
      expect(ours(city, '51')).toEqual([
        {
          collectingRegion: '510100',
          collectingRegionName: '四川省成都市',
          servingRegion: '320100',
          servingRegionName: '江苏省南京市',
          amountFen: 6_000,
        },
        {
          collectingRegion: '510100',
          collectingRegionName: '四川省成都市',
          servingRegion: '510100',
          servingRegionName: '四川省成都市',
          amountFen: 10_000,
        },
      ]);
      const chengdu = city.positions.find((p: { region: string }) => p.region === '510100');
      expect(chengdu).toMatchObject({
        regionName: '四川省成都市',
        collectedFen: 16_000,
        keptFen: 10_000,
        payableFen: 6_000,
        receivableFen: 0,
      });
      expect(city.positions.find((p: { region: string }) => p.region === '320100')).toMatchObject({ receivableFen: 6_000 });

      const province = await report('province');
      expect(ours(province, '51')).toEqual([
        {
          collectingRegion: '510000',
          collectingRegionName: '四川省',
          servingRegion: '320000',
          servingRegionName: '江苏省',
          amountFen: 6_000,
        },
        {
          collectingRegion: '510000',
          collectingRegionName: '四川省',
          servingRegion: '510000',
          servingRegionName: '四川省',
          amountFen: 10_000,
        },
      ]);
      // every level adds up the same
      for (const r of [recorded, city, province]) {
        const sum = r.matrix.reduce((s: number, f: { amountFen: number }) => s + f.amountFen, 0);
        expect(sum + r.unallocatedFen).toBe(r.collectedFen);
        expect(r.positions.reduce((s: number, p: { netFen: number }) => s + p.netFen, 0)).toBe(0);
      }
      expect((await get(director, `/billing/settlements?period=${period}&level=street`).expect(400)).body.errors[0].field).toBe('level');
    });
  });

  describe('the OpenAPI document', () => {
    it('documents the new routes, fields and problems', async () => {
      const doc = (await t.http().get('/api/docs-json').expect(200)).body;
      for (const [path, method] of [
        ['/api/v1/billing/charges', 'get'],
        ['/api/v1/customers/{id}/payments', 'get'],
        ['/api/v1/billing/bill-runs', 'get'],
        ['/api/v1/billing/bill-runs/{id}', 'get'],
        ['/api/v1/billing/arrears/run', 'post'],
      ])
        expect({ path, method, summary: doc.paths[path]?.[method]?.summary }).toEqual({ path, method, summary: expect.any(String) });
      const runQuery = doc.paths['/api/v1/billing/bill-runs/{id}'].get.parameters.map((p: { name: string }) => p.name);
      expect(runQuery).toEqual(expect.arrayContaining(['limit', 'offset', 'outcome']));
      const settlementLevel = doc.paths['/api/v1/billing/settlements'].get.parameters.find((p: { name: string }) => p.name === 'level');
      expect(settlementLevel.schema.enum).toEqual(['province', 'city', 'district']);
      expect(doc.components.schemas.PaymentDto.properties.allowDuplicateReference.type).toBe('boolean');
      expect(doc.components.schemas.BillView.properties.dueDateAdjusted.type).toBe('boolean');
      expect(doc.paths['/api/v1/payments'].post.responses['409']).toBeDefined();
      const arrears = doc.paths['/api/v1/orders'].post.responses['409'].content['application/problem+json'].examples.arrears.value;
      expect(arrears).toMatchObject({
        code: 'ORDER_CUSTOMER_IN_ARREARS',
        overdueFen: expect.any(Number),
        oldestOverdueDate: expect.any(String),
      });
    });
  });

  describe('the daily arrears check', () => {
    it('is scheduled at 09:00 China time in Redis, and ARREARS_RUN_AT is validated', async () => {
      const queue = t.app.get<Queue>(getQueueToken(QueueName.billing));
      const scheduler = await waitFor(async () => (await queue.getJobScheduler(ARREARS_DAILY_JOB)) ?? null, 10_000, 'the scheduler');
      expect(scheduler).toMatchObject({ pattern: '0 9 * * *', tz: 'Asia/Shanghai' });
      // the next run is at 01:00 UTC (09:00 in Beijing), within a day
      const next = new Date(scheduler.next!);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 0]);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect(AppConfig.load({ ARREARS_RUN_AT: '18:30' }).billing.arrearsRunAt).toBe('18:30');
      for (const bad of ['9:00', '24:00', '09:60', 'nine']) expect(() => AppConfig.load({ ARREARS_RUN_AT: bad })).toThrow(/ARREARS_RUN_AT/);
    });

    it('runs when an admin asks (audited), and its arrears.overdue events are delivered as signed webhooks', async () => {
      const secret = 'whsec-arrears-0123456789';
      const hook = receiver.endpoint(secret);
      await t
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(t.admin))
        .send({ url: hook.url, events: ['arrears.overdue'], secret })
        .expect(201);
      const c = await customer({ homeRegion: FOSHAN, sites: [SITES[0]] });
      await charge(billingFS, chargeBody(c.id, FOSHAN, 88_000, '2026-02')).expect(201);
      await t.app.get(BillIssuer).issue(null, c.id, '2026-02', { issueDate: '2026-03-01' }); // due 2026-03-30: long overdue

      await t.http().post('/api/v1/billing/arrears/run').set(bearer(billingCN)).expect(403);
      await t.http().post('/api/v1/billing/arrears/run').set(bearer(director)).expect(403);
      const ran = (await t.http().post('/api/v1/billing/arrears/run').set(bearer(t.admin)).expect(200)).body;
      expect(ran.asOf).toBe(chinaToday());
      expect(ran.raised).toBeGreaterThanOrEqual(1);
      // the same day again raises nothing new
      expect((await t.http().post('/api/v1/billing/arrears/run').set(bearer(t.admin)).expect(200)).body).toEqual({
        asOf: ran.asOf,
        raised: 0,
      });
      const audited = await t.dataSource.query(`SELECT actor_id, changes FROM audit_log WHERE action = 'billing.arrears_run' ORDER BY id`);
      expect(audited).toEqual([
        { actor_id: t.admin.id, changes: { asOf: ran.asOf, raised: ran.raised } },
        { actor_id: t.admin.id, changes: { asOf: ran.asOf, raised: 0 } },
      ]);

      const delivered = await waitFor(
        async () => receiver.at(hook.path).find((h) => h.body.data.customerId === c.id) ?? null,
        15_000,
        'the arrears.overdue webhook',
      );
      expect(delivered.signatureOk).toBe(true);
      expect(delivered.body).toMatchObject({
        type: 'arrears.overdue',
        data: {
          customerId: c.id,
          customerNo: c.customerNo,
          bucket: '90+',
          overdueFen: 88_000,
          oldestOverdueDate: '2026-03-30',
          blockedForArrears: true,
          asOf: ran.asOf,
        },
      });
    });
  });
});
