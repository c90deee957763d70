import { BillIssuer } from '../../src/billing/bill-issuer';
import { ProductsService } from '../../src/products/products.service';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

/** Order intake asks billing whether the customer is in arrears (docs/ARCHITECTURE.md, "Dependency rules"). */
describe('orders: customers more than 90 days in arrears', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  let billing: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    agent = await t.staff(['agent'], ['440000']);
    director = await t.staff(['director'], ['CN']);
    billing = await t.staff(['billing'], ['CN']);
  });
  afterAll(() => t?.close());

  const site = { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' };
  const order = (c: { id: string; sites: { id: string }[] }, extra: Record<string, unknown> = {}) => ({
    customerId: c.id,
    acceptedRegion: '440600',
    items: [
      { action: 'add', productCode: 'MPLS_VPN', siteId: c.sites[0].id, quantity: 1, attributes: { bandwidthMbps: 100, qosClass: 'gold' } },
    ],
    ...extra,
  });
  const place = (by: StaffLogin, body: Record<string, unknown>) => t.http().post('/api/v1/orders').set(bearer(by)).send(body);

  /**
   * A bill for January 2026 issued on 1 February: due 2 March, so far more than 90 days overdue today. (A bill run today
   * would date it today, and a period billed late falls due BILL_DUE_DAYS after its issue date: see README, "Billing".)
   */
  async function billJanuary(customerId: string, amountFen: number): Promise<void> {
    await bill(customerId, amountFen, '2026-01', '2026-02-01');
  }

  async function bill(customerId: string, amountFen: number, period: string, issueDate: string): Promise<void> {
    await t
      .http()
      .post('/api/v1/billing/charges')
      .set(bearer(billing))
      .send({
        customerId,
        serviceRegion: '440605',
        period,
        kind: 'recurring',
        amountFen,
        description: '专线月租',
        sourceRef: unique('SRC-'),
      })
      .expect(201);
    expect(await t.app.get(BillIssuer).issue(null, customerId, period, { issueDate })).toMatchObject({
      outcome: 'billed',
    });
  }

  it('refuses the order with 409 while a bill is more than 90 days overdue, unless a director overrides; paying clears it', async () => {
    const c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ sites: [site] }))
        .expect(201)
    ).body;
    await place(agent, order(c)).expect(201); // no bills yet: nothing to refuse

    await billJanuary(c.id, 123_400);
    // a second bill overdue by 31 days only (due 30 October): it does not block, but it is owed past its due date too
    await bill(c.id, 1_000, '2026-09', '2026-10-01');
    const refused = await place(agent, order(c)).expect(409);
    // how much is overdue (both bills) and since when (the oldest due date)
    expect(refused.body).toMatchObject({
      code: 'ORDER_CUSTOMER_IN_ARREARS',
      status: 409,
      overdueFen: 124_400,
      oldestOverdueDate: '2026-03-02',
    });
    expect(refused.body.detail).toMatch(/90 days overdue/);

    const notDirector = await place(agent, order(c, { arrearsOverride: true })).expect(403);
    expect(notDirector.body.code).toBe('ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR');
    const overridden = await place(director, order(c, { arrearsOverride: true })).expect(201);
    const audit = await t.dataSource.query(`SELECT actor_id FROM audit_log WHERE action = 'order.created' AND entity_id = $1`, [
      overridden.body.id,
    ]);
    expect(audit).toEqual([{ actor_id: director.id }]);

    await t
      .http()
      .post('/api/v1/payments')
      .set(bearer(billing))
      .send({ customerId: c.id, amountFen: 123_400, collectedRegion: '110105', method: 'bank_transfer' })
      .expect(201);
    await place(agent, order(c)).expect(201);
  });
});

describe('orders: the arrears check under load', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A pool far smaller than the number of concurrent orders: a check that took a second
    // connection inside the order's transaction would leave every request waiting for ever.
    t = await startTestApp({ DATABASE_POOL_SIZE: '3' });
  });
  afterAll(() => t?.close());

  it('refills the product catalogue through the asking transaction, so a pool held by orders cannot starve it', async () => {
    // First in this app: the catalogue is still cold. Three transactions take all three connections, then ask.
    const products = t.app.get(ProductsService);
    let arrived = 0;
    let everyoneIn!: () => void;
    const poolHeld = new Promise<void>((ok) => (everyoneIn = ok));
    const sizes = await Promise.all(
      Array.from({ length: 3 }, () =>
        t.dataSource.transaction(async (em) => {
          await em.query('SELECT 1');
          if (++arrived === 3) everyoneIn();
          await poolHeld;
          return (await products.activeByCode(em)).size;
        }),
      ),
    );
    expect(sizes.every((n) => n > 0)).toBe(true);
  }, 20_000);

  it('answers 30 concurrent orders on a pool of 3 connections', async () => {
    const director = await t.staff(['director'], ['CN']);
    const site = { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' };
    const c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ sites: [site] }))
        .expect(201)
    ).body;
    const body = {
      customerId: c.id,
      acceptedRegion: '440600',
      items: [
        {
          action: 'add',
          productCode: 'MPLS_VPN',
          siteId: c.sites[0].id,
          quantity: 1,
          attributes: { bandwidthMbps: 100, qosClass: 'gold' },
        },
      ],
    };
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.http().post('/api/v1/orders').set(bearer(director)).send(body)));
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(201));
  }, 60_000);
});
