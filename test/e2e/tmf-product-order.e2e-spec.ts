import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/** Sites in Foshan (Nanhai), Guangzhou (Tianhe) and Beijing (Chaoyang). */
const THREE_SITES = [
  { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' },
  { name: '广州分公司', region: '440106', address: '广州市天河区天河路1号' },
  { name: '北京办事处', region: '110105', address: '北京市朝阳区建国路1号' },
];
const ROOT = '/tmf-api/productOrderingManagement/v4';

interface Site {
  id: string;
  region: string;
}
interface Customer {
  id: string;
  sites: Site[];
}
interface TmfItem {
  id: string;
  state: string;
  action: string;
  product: { id?: string; place: { id: string }[]; productCharacteristic: { name: string; value: unknown }[] };
}
interface TmfOrder {
  id: string;
  href: string;
  state: string;
  orderDate: string;
  externalId?: string;
  productOrderItem: TmfItem[];
  [key: string]: unknown;
}

describe('TMF622 Product Ordering over orders', () => {
  let t: TestApp;
  let agent: StaffLogin; // one region (Foshan): the accepting region is the caller's
  let wideAgent: StaffLogin; // Guangdong and Beijing: must name the accepting region
  let shAgent: StaffLogin; // Shanghai: sees none of these orders
  let director: StaffLogin;
  const fulfil: Record<string, StaffLogin> = {};
  const receiver = new Receiver();
  let hook: { url: string; path: string };
  let customer: Customer;

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100', OUTBOX_POLL_MS: '200' });
    agent = await t.staff(['agent'], ['440600']);
    wideAgent = await t.staff(['agent'], ['440000', '110000']);
    shAgent = await t.staff(['agent'], ['310000']);
    director = await t.staff(['director'], ['CN']);
    fulfil['440605'] = await t.staff(['fulfilment'], ['440600']);
    fulfil['440106'] = await t.staff(['fulfilment'], ['440100']);
    fulfil['110105'] = await t.staff(['fulfilment'], ['110000']);
    customer = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ sites: THREE_SITES }))
        .expect(201)
    ).body;
    hook = receiver.endpoint('unused');
    const sub = await t
      .http()
      .post(`${ROOT}/hub`)
      .set(bearer(t.admin))
      .send({ callback: hook.url, query: 'eventType=ProductOrderCreateEvent,ProductOrderStateChangeEvent' })
      .expect(201);
    expect(sub.body).toMatchObject({ id: expect.any(String), callback: hook.url });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const siteIn = (region: string) => customer.sites.find((s) => s.region === region)!;
  const item = (id: string, site: Site, overrides: Record<string, unknown> = {}) => ({
    id,
    action: 'add',
    quantity: 1,
    productOffering: { id: 'MPLS_VPN', '@referredType': 'ProductOffering' },
    product: {
      '@type': 'Product',
      place: [{ id: site.id, '@referredType': 'GeographicSite' }],
      productCharacteristic: [
        { name: 'bandwidthMbps', value: 100 },
        { name: 'qosClass', value: 'gold' },
      ],
    },
    ...overrides,
  });
  const productOrder = (overrides: Record<string, unknown> = {}) => ({
    '@type': 'ProductOrder',
    externalId: unique('OSS-'),
    relatedParty: [{ id: customer.id, role: 'customer', '@referredType': 'Organization' }],
    productOrderItem: THREE_SITES.map((s, i) => item(`item-${i + 1}`, siteIn(s.region))),
    note: [{ text: '三地同时开通', author: 'oss' }],
    ...overrides,
  });
  const place = async (body: Record<string, unknown> = productOrder(), by: StaffLogin = agent): Promise<TmfOrder> => {
    const res = await t.http().post(`${ROOT}/productOrder`).set(bearer(by)).send(body);
    if (res.status !== 201) throw new Error(`order refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const read = async (id: string, by: StaffLogin = director): Promise<TmfOrder> =>
    (await t.http().get(`${ROOT}/productOrder/${id}`).set(bearer(by)).expect(200)).body;
  const workOrdersOf = async (id: string) =>
    (await t.http().get(`/api/v1/orders/${id}`).set(bearer(director)).expect(200)).body.workOrders as {
      id: string;
      region: string;
      state: string;
    }[];
  const dispatched = (id: string) =>
    waitFor(async () => (await workOrdersOf(id)).every((w) => w.state === 'dispatched'), 15_000, 'work orders dispatched');
  const move = (w: { id: string; region: string }, to: string, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post(`/api/v1/work-orders/${w.id}/transitions`)
      .set(bearer(fulfil[w.region]))
      .send({ to, ...extra })
      .expect(200);
  const itemAt = (o: TmfOrder, region: string) => o.productOrderItem.find((i) => i.product.place[0].id === siteIn(region).id)!;

  it('takes a three-region order through the orders’ own intake: three work orders, items as sent, dates in UTC', async () => {
    const body = productOrder({ priority: '1', requestedCompletionDate: '2027-03-31T18:00:00+08:00', id: 'ignored', state: 'completed' });
    const o = await place(body);
    expect(o).toMatchObject({
      '@type': 'ProductOrder',
      href: expect.stringMatching(new RegExp(`^http://[^/]+${ROOT}/productOrder/${o.id}$`)),
      externalId: body.externalId,
      state: 'acknowledged',
      // urgent (P2): the priority the order is worked at
      priority: '2',
      orderDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestedCompletionDate: '2027-03-31T10:00:00.000Z',
      expectedCompletionDate: expect.stringMatching(/Z$/),
      relatedParty: [{ id: customer.id, role: 'customer', '@referredType': 'Organization' }],
      channel: [{ id: '440600', '@referredType': 'Region' }],
      note: [{ id: '1', text: '三地同时开通', author: 'oss', date: expect.stringMatching(/Z$/) }],
    });
    expect(o.id).not.toBe('ignored');
    expect(o.productOrderItem.map((i) => [i.id, i.action, i.state])).toEqual([
      ['item-1', 'add', 'acknowledged'],
      ['item-2', 'add', 'acknowledged'],
      ['item-3', 'add', 'acknowledged'],
    ]);
    expect(itemAt(o, '110105').product.productCharacteristic).toEqual([
      { name: 'bandwidthMbps', value: 100 },
      { name: 'qosClass', value: 'gold' },
    ]);
    // the same order on the console's route: one work order per region, the committed completion as expectedCompletionDate
    const native = (await t.http().get(`/api/v1/orders/${o.id}`).set(bearer(director)).expect(200)).body;
    expect(native.workOrders.map((w: { region: string }) => w.region).sort()).toEqual(['110105', '440106', '440605']);
    expect(native).toMatchObject({ acceptedRegion: '440600', urgent: true, note: '三地同时开通', priority: 'P2' });
    expect(new Date(native.committedCompletionAt).toISOString()).toBe(o.expectedCompletionDate);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'order.created' AND entity_id = $1`, [
      o.id,
    ]);
    expect(n).toBe(1);
  });

  it('honours an Idempotency-Key: a retry answers the first order, on the TMF route', async () => {
    const body = productOrder();
    const key = unique('key-');
    const first = await t.http().post(`${ROOT}/productOrder`).set(bearer(agent)).set('Idempotency-Key', key).send(body).expect(201);
    const retry = await t.http().post(`${ROOT}/productOrder`).set(bearer(agent)).set('Idempotency-Key', key).send(body).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ id: first.body.id, '@type': 'ProductOrder', externalId: body.externalId });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM tmf_product_orders WHERE external_id = $1`, [body.externalId]);
    expect(n).toBe(1);
  });

  it('lists newest first with paging headers, exact and date filters, fields, and a trailing slash', async () => {
    const first = await place();
    const second = await place();
    const page = await t.http().get(`${ROOT}/productOrder?limit=1`).set(bearer(agent)).expect(200);
    expect(Array.isArray(page.body)).toBe(true);
    expect(page.body.map((o: TmfOrder) => o.id)).toEqual([second.id]);
    expect(Number(page.headers['x-total-count'])).toBeGreaterThanOrEqual(3);
    expect(page.headers['x-result-count']).toBe('1');
    const next = await t.http().get(`${ROOT}/productOrder/?limit=1&offset=1`).set(bearer(agent)).expect(200);
    expect(next.body.map((o: TmfOrder) => o.id)).toEqual([first.id]);

    const byId = await t.http().get(`${ROOT}/productOrder?id=${first.id}`).set(bearer(agent)).expect(200);
    expect(byId.body.map((o: TmfOrder) => o.id)).toEqual([first.id]);
    expect(byId.headers['x-total-count']).toBe('1');
    const byExternal = await t
      .http()
      .get(`${ROOT}/productOrder?externalId=${String(second.externalId)}`)
      .set(bearer(agent))
      .expect(200);
    expect(byExternal.body.map((o: TmfOrder) => o.id)).toEqual([second.id]);
    // the orderDate as served, exactly (to the millisecond)
    const byDate = await t.http().get(`${ROOT}/productOrder?orderDate=${first.orderDate}`).set(bearer(agent)).expect(200);
    expect(byDate.body.map((o: TmfOrder) => o.id)).toContain(first.id);
    expect(byDate.body.every((o: TmfOrder) => o.orderDate === first.orderDate)).toBe(true);
    const after = await t.http().get(`${ROOT}/productOrder?orderDate.gt=${first.orderDate}`).set(bearer(agent)).expect(200);
    expect(after.body.map((o: TmfOrder) => o.id)).toContain(second.id);
    expect(after.body.map((o: TmfOrder) => o.id)).not.toContain(first.id);
    const before = await t.http().get(`${ROOT}/productOrder?orderDate.lt=${second.orderDate}`).set(bearer(agent)).expect(200);
    expect(before.body.map((o: TmfOrder) => o.id)).toContain(first.id);
    expect(before.body.map((o: TmfOrder) => o.id)).not.toContain(second.id);
    const acknowledged = await t.http().get(`${ROOT}/productOrder?state=acknowledged&id=${second.id}`).set(bearer(agent)).expect(200);
    expect(acknowledged.body).toHaveLength(1);
    const none = await t.http().get(`${ROOT}/productOrder?state=completed&id=${second.id}`).set(bearer(agent)).expect(200);
    expect(none.body).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');

    const projected = await t.http().get(`${ROOT}/productOrder?fields=id,state&limit=2`).set(bearer(agent)).expect(200);
    for (const o of projected.body) expect(Object.keys(o).sort()).toEqual(['id', 'state']);
    const one = await t.http().get(`${ROOT}/productOrder/${first.id}?fields=orderDate`).set(bearer(agent)).expect(200);
    expect(one.body).toEqual({ orderDate: first.orderDate });

    const unknownFilter = await t.http().get(`${ROOT}/productOrder?colour=red`).set(bearer(agent)).expect(400);
    expect(unknownFilter.body).toMatchObject({ status: '400', message: expect.stringContaining('colour') });
  });

  it('answers 404 for an unknown id of any format, and for an order outside the caller’s reach', async () => {
    const o = await place();
    for (const id of ['f42b01d2-dba6-4442-a0fa-34e59639fd15', 'not-an-id', '42']) {
      const res = await t.http().get(`${ROOT}/productOrder/${id}`).set(bearer(agent)).expect(404);
      expect(res.body).toMatchObject({ code: expect.any(String), reason: expect.any(String), message: expect.any(String), status: '404' });
    }
    await t.http().get(`${ROOT}/productOrder/${o.id}`).set(bearer(shAgent)).expect(404);
    const shList = await t.http().get(`${ROOT}/productOrder?id=${o.id}`).set(bearer(shAgent)).expect(200);
    expect(shList.body).toEqual([]);
    // a region fulfilling part of it sees it
    await t.http().get(`${ROOT}/productOrder/${o.id}`).set(bearer(fulfil['110105'])).expect(200);
  });

  it('reports each item with its work order’s state and the order’s rolled-up state', async () => {
    const o = await place();
    await dispatched(o.id);
    const wos = await workOrdersOf(o.id);
    const wo = (region: string) => wos.find((w) => w.region === region)!;
    await move(wo('110105'), 'in_progress');
    let now = await read(o.id);
    expect(now.state).toBe('inProgress');
    expect(itemAt(now, '110105').state).toBe('inProgress');
    expect(itemAt(now, '440605').state).toBe('acknowledged');
    await move(wo('440605'), 'in_progress');
    await move(wo('440106'), 'in_progress');
    await move(wo('440605'), 'completed');
    await move(wo('440106'), 'completed');
    await move(wo('110105'), 'failed', { reason: '机房不具备安装条件' });
    now = await read(o.id);
    expect(now.state).toBe('partial');
    expect(now.productOrderItem.map((i) => i.state).sort()).toEqual(['completed', 'completed', 'failed']);
    expect(now.completionDate).toEqual(expect.stringMatching(/Z$/));

    const all = await place();
    await dispatched(all.id);
    for (const w of await workOrdersOf(all.id)) {
      await move(w, 'in_progress');
      await move(w, 'completed');
    }
    expect((await read(all.id)).state).toBe('completed');
  });

  it('cancels through cancelProductOrder by the orders’ rule, and keeps the request', async () => {
    const o = await place();
    const missingReason = await t
      .http()
      .post(`${ROOT}/cancelProductOrder`)
      .set(bearer(agent))
      .send({ productOrder: { id: o.id } })
      .expect(400);
    expect(missingReason.body.message).toContain('cancellationReason');
    const res = await t
      .http()
      .post(`${ROOT}/cancelProductOrder`)
      .set(bearer(agent))
      .send({ productOrder: { id: o.id, '@referredType': 'ProductOrder' }, cancellationReason: '客户取消需求', state: 'inProgress' })
      .expect(201);
    expect(res.body).toMatchObject({
      '@type': 'CancelProductOrder',
      state: 'done',
      cancellationReason: '客户取消需求',
      effectiveCancellationDate: expect.stringMatching(/Z$/),
      // supertest listens on a new port per request: the path is what stays
      productOrder: { id: o.id, href: expect.stringMatching(new RegExp(`${ROOT}/productOrder/${o.id}$`)) },
      href: expect.stringMatching(new RegExp(`${ROOT}/cancelProductOrder/${res.body.id}$`)),
    });
    const cancelled = await read(o.id);
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      cancellationReason: '客户取消需求',
      cancellationDate: expect.stringMatching(/Z$/),
    });
    expect(cancelled.productOrderItem.every((i) => i.state === 'cancelled')).toBe(true);
    await t.http().get(`${ROOT}/cancelProductOrder/${res.body.id}`).set(bearer(agent)).expect(200);
    await t.http().get(`${ROOT}/cancelProductOrder/${res.body.id}`).set(bearer(shAgent)).expect(404);
    const list = await t.http().get(`${ROOT}/cancelProductOrder?productOrder.id=${o.id}`).set(bearer(agent)).expect(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    expect(list.headers['x-total-count']).toBe('1');

    // nothing left to cancel: the rule's 409, as a TMF Error, and no second request
    const again = await t
      .http()
      .post(`${ROOT}/cancelProductOrder`)
      .set(bearer(agent))
      .send({ productOrder: { id: o.id }, cancellationReason: '再次取消' })
      .expect(409);
    expect(again.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', status: '409' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM tmf_cancel_product_orders WHERE order_id = $1`, [o.id]);
    expect(n).toBe(1);
    await t
      .http()
      .post(`${ROOT}/cancelProductOrder`)
      .set(bearer(agent))
      .send({ productOrder: { id: 'f42b01d2-dba6-4442-a0fa-34e59639fd15' }, cancellationReason: 'x' })
      .expect(404);
  });

  it('answers a bad item with 400 naming the item and the field, and writes nothing', async () => {
    const [{ n: before }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM orders`);
    const other = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
    const bad = await t
      .http()
      .post(`${ROOT}/productOrder`)
      .set(bearer(agent))
      .send(
        productOrder({
          productOrderItem: [
            item('a', siteIn('440605')),
            item('b', other.sites[0]),
            item('c', siteIn('440106'), {
              product: { place: [{ id: siteIn('440106').id }], productCharacteristic: [{ name: 'colour', value: 'red' }] },
            }),
          ],
        }),
      )
      .expect(400);
    expect(bad.body).toMatchObject({ '@type': 'Error', code: 'VALIDATION_FAILED', status: '400' });
    expect(bad.body.message).toContain('productOrderItem[1].product.place[0].id item b: is not a site of this customer');
    expect(bad.body.message).toContain(
      'productOrderItem[2].product.productCharacteristic[0].value item c: is not an attribute of MPLS_VPN',
    );
    expect(bad.body.message).toContain(
      'productOrderItem[2].product.productCharacteristic item c: is required to add MPLS_VPN (bandwidthMbps)',
    );

    const noChange = await t
      .http()
      .post(`${ROOT}/productOrder`)
      .set(bearer(agent))
      .send(productOrder({ productOrderItem: [item('keep', siteIn('440605'), { action: 'noChange' })] }))
      .expect(400);
    expect(noChange.body.message).toContain('productOrderItem[0].action');
    const priced = await t
      .http()
      .post(`${ROOT}/productOrder`)
      .set(bearer(agent))
      .send(productOrder({ orderTotalPrice: [{ price: { taxIncludedAmount: { value: 1, unit: 'CNY' } } }] }))
      .expect(400);
    expect(priced.body.message).toContain('orderTotalPrice');
    const [{ n: after }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM orders`);
    expect(after).toBe(before);
  });

  it('takes the accepting region from the caller only when their scope is one region', async () => {
    const missing = await t.http().post(`${ROOT}/productOrder`).set(bearer(wideAgent)).send(productOrder()).expect(400);
    expect(missing.body.message).toContain('channel');
    const named = await place(productOrder({ channel: [{ id: '440100', '@referredType': 'Region' }] }), wideAgent);
    expect(named.channel).toEqual([{ id: '440100', role: 'acceptingRegion', '@referredType': 'Region' }]);
    const outside = await t
      .http()
      .post(`${ROOT}/productOrder`)
      .set(bearer(agent))
      .send(productOrder({ channel: [{ id: '110000', '@referredType': 'Region' }] }))
      .expect(400);
    expect(outside.body.message).toContain('channel');
  });

  it('patches what the facade keeps as a JSON merge patch, in either content type; other attributes are 400s', async () => {
    const o = await place();
    const merged = await t
      .http()
      .patch(`${ROOT}/productOrder/${o.id}`)
      .set(bearer(agent))
      .set('content-type', 'application/merge-patch+json')
      .send(JSON.stringify({ externalId: 'OSS-RENAMED', description: '三地专线' }))
      .expect(200);
    expect(merged.body).toMatchObject({ id: o.id, externalId: 'OSS-RENAMED', description: '三地专线', state: 'acknowledged' });
    const noted = await t
      .http()
      .patch(`${ROOT}/productOrder/${o.id}`)
      .set(bearer(agent))
      .set('content-type', 'application/json;charset=utf-8')
      .send(JSON.stringify({ description: null, note: [{ text: '客户要求周末施工' }] }))
      .expect(200);
    expect(noted.body.description).toBeUndefined();
    expect(noted.body.note.map((n: { text: string }) => n.text)).toEqual(['三地同时开通', '客户要求周末施工']);
    expect(noted.body.note[1]).toMatchObject({ id: '2', author: agent.username });
    const state = await t.http().patch(`${ROOT}/productOrder/${o.id}`).set(bearer(agent)).send({ state: 'cancelled' }).expect(400);
    expect(state.body.message).toContain('state');
    await t.http().patch(`${ROOT}/productOrder/${o.id}`).set(bearer(shAgent)).send({ externalId: 'x' }).expect(404);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'order.tmf_patched' AND entity_id = $1`,
      [o.id],
    );
    expect(n).toBe(2);
  });

  it('delivers ProductOrderCreateEvent and ProductOrderStateChangeEvent to a hub listener', async () => {
    const o = await place();
    await t
      .http()
      .post(`${ROOT}/cancelProductOrder`)
      .set(bearer(agent))
      .send({ productOrder: { id: o.id }, cancellationReason: '客户取消需求' })
      .expect(201);
    const events = await waitFor(
      () => {
        const mine = receiver
          .at(hook.path)
          .map((h) => h.body as unknown as { eventId: string; eventTime: string; eventType: string; event: { productOrder: TmfOrder } })
          .filter((e) => e.event?.productOrder?.id === o.id);
        return mine.length >= 2 && mine;
      },
      20_000,
      'hub events',
    );
    const created = events.find((e) => e.eventType === 'ProductOrderCreateEvent')!;
    expect(created).toMatchObject({ eventId: expect.any(String), eventTime: expect.stringMatching(/Z$/) });
    expect(created.event.productOrder).toMatchObject({
      id: o.id,
      href: expect.stringMatching(new RegExp(`^http://[^/]+${ROOT}/productOrder/${o.id}$`)),
      externalId: o.externalId,
      // the state the event is about, though the order was cancelled before the relay rendered it
      state: 'acknowledged',
    });
    expect(created.event.productOrder.productOrderItem).toHaveLength(3);
    const changed = events.find((e) => e.eventType === 'ProductOrderStateChangeEvent')!;
    expect(changed.event.productOrder.state).toBe('cancelled');
  });
});
