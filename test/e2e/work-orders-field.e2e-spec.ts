import { customerBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/*
 * Issue 11, point 4: what a regional team gets with a work order, retrying a
 * failed one, cancelling the regions not completed, and the customer's
 * service inventory following each completion.
 */

/** Sites in Foshan (Nanhai), Guangzhou (Tianhe) and Beijing (Chaoyang). */
const THREE_SITES = [
  { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' },
  { name: '广州分公司', region: '440106', address: '广州市天河区天河路1号' },
  { name: '北京办事处', region: '110105', address: '北京市朝阳区建国路1号' },
];
const MASKED = /^1[3-9][0-9]\*{4}[0-9]{4}$/;

describe('work orders in the field: details, retry, partial cancel and the service inventory', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  let gdDirector: StaffLogin;
  let fsFulfil: StaffLogin;
  let gzFulfil: StaffLogin;
  let bjFulfil: StaffLogin;
  let jsFulfil: StaffLogin;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100', OUTBOX_POLL_MS: '200' });
    agent = await t.staff(['agent'], ['440000']);
    director = await t.staff(['director'], ['CN']);
    gdDirector = await t.staff(['director'], ['440000']);
    fsFulfil = await t.staff(['fulfilment'], ['440600']);
    gzFulfil = await t.staff(['fulfilment'], ['440100']);
    bjFulfil = await t.staff(['fulfilment'], ['110000']);
    jsFulfil = await t.staff(['fulfilment'], ['320000']);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const http = () => t.http();
  const customer = async (overrides: Record<string, unknown> = {}) =>
    (
      await http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(
          customerBody({
            sites: THREE_SITES,
            contacts: [
              { name: '李娜', mobile: mobile(), role: 'primary' },
              { name: '王工', mobile: mobile(), role: 'technical' },
            ],
            ...overrides,
          }),
        )
        .expect(201)
    ).body;
  const item = (siteId: string, overrides: Record<string, unknown> = {}) => ({
    action: 'add',
    productCode: 'MPLS_VPN',
    siteId,
    quantity: 1,
    attributes: { bandwidthMbps: 100, qosClass: 'gold' },
    ...overrides,
  });
  const orderBody = (c: { id: string; sites: { id: string }[] }, overrides: Record<string, unknown> = {}) => ({
    customerId: c.id,
    acceptedRegion: '440600',
    contractNo: 'GD-2026-KA-0042',
    items: c.sites.map((s) => item(s.id)),
    ...overrides,
  });
  const place = async (body: Record<string, unknown>) => {
    const res = await http().post('/api/v1/orders').set(bearer(agent)).send(body);
    if (res.status !== 201) throw new Error(`order refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  type Wo = { id: string; region: string; state: string; sla: { resolutionState: string }; items: { lineNo: number }[] };
  const wo = (order: { workOrders: Wo[] }, region: string) => order.workOrders.find((w) => w.region === region)!;
  const moveWo = (id: string, by: StaffLogin, to: string, extra: Record<string, unknown> = {}) =>
    http()
      .post(`/api/v1/work-orders/${id}/transitions`)
      .set(bearer(by))
      .send({ to, ...extra });
  const retry = (id: string, by: StaffLogin, body: Record<string, unknown> = { reason: '机房已具备条件，重新派单' }) =>
    http().post(`/api/v1/work-orders/${id}/retry`).set(bearer(by)).send(body);
  const cancel = (id: string, reason = '客户取消其余地区') =>
    http().post(`/api/v1/orders/${id}/cancel`).set(bearer(agent)).send({ reason });
  const getOrder = async (id: string) => (await http().get(`/api/v1/orders/${id}`).set(bearer(director)).expect(200)).body;
  const dispatched = (orderId: string) =>
    waitFor(
      async () => {
        const o = await getOrder(orderId);
        return o.workOrders.every((w: Wo) => w.state === 'dispatched') && o;
      },
      15_000,
      'work orders dispatched',
    );
  const fulfilmentOf: Record<string, () => StaffLogin> = { '440605': () => fsFulfil, '440106': () => gzFulfil, '110105': () => bjFulfil };
  const take = async (order: { workOrders: Wo[] }) => {
    for (const w of order.workOrders) await moveWo(w.id, fulfilmentOf[w.region](), 'in_progress').expect(200);
  };
  const taken = async (c: { id: string; sites: { id: string }[] }, overrides: Record<string, unknown> = {}) => {
    const o = await dispatched((await place(orderBody(c, overrides))).id);
    await take(o);
    return o;
  };
  const count = async (statement: string, params: unknown[]) => (await t.dataSource.query(statement, params))[0].n as number;
  const orderEvents = async (orderId: string) =>
    (
      await t.dataSource.query<{ data: { from: string; to: string } }[]>(
        `SELECT data FROM outbox_events WHERE type = 'order.state_changed' AND data->>'orderId' = $1 ORDER BY seq`,
        [orderId],
      )
    ).map((e) => e.data);
  const unmaskedReads = (customerId: string) =>
    count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.contacts_unmasked' AND entity_id = $1`, [customerId]);

  describe('what a work order carries', () => {
    it('shows the sites, the contact (masked by the usual rule), the contract and the products, in the list and on its own', async () => {
      const c = await customer();
      const technical = c.contacts.find((k: { role: string }) => k.role === 'technical');
      const o = await place(orderBody(c));
      const foshan = wo(o, '440605');

      const mine = await http().get(`/api/v1/work-orders/${foshan.id}`).set(bearer(fsFulfil)).expect(200);
      expect(mine.body).toMatchObject({
        orderCaseNo: o.caseNo,
        contractNo: 'GD-2026-KA-0042',
        region: '440605',
        regionName: expect.stringContaining('南海区'),
        sites: [{ id: c.sites[0].id, name: '南海区政府大楼', address: '佛山市南海区桂城街道南海大道北1号', region: '440605' }],
        contact: { name: '王工', role: 'technical', masked: true },
        items: [{ productCode: 'MPLS_VPN', productName: 'MPLS VPN专线', attributes: { bandwidthMbps: 100, qosClass: 'gold' } }],
        retryable: false,
      });
      expect(mine.body.sites[0].regionName).toContain('佛山市');
      expect(mine.body.contact.mobile).toMatch(MASKED);
      expect(mine.body.contact.mobile).not.toBe(technical.mobile);
      expect(await unmaskedReads(c.id)).toBe(0);

      // the list carries the same, for the caller's region only
      const list = await http().get(`/api/v1/work-orders?orderId=${o.id}`).set(bearer(fsFulfil)).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ id: foshan.id, contractNo: 'GD-2026-KA-0042', sites: [{ name: '南海区政府大楼' }] });
      expect(list.body.items[0].contact.mobile).toMatch(MASKED);

      // a director sees the mobile in full, and that read is audited
      const full = await http().get(`/api/v1/work-orders/${foshan.id}`).set(bearer(director)).expect(200);
      expect(full.body.contact).toMatchObject({ name: '王工', mobile: technical.mobile, masked: false });
      expect(await unmaskedReads(c.id)).toBe(1);

      // without a technical contact, the primary one; staff of a region the order does not reach get 404
      const lone = await customer({ contacts: [{ name: '赵敏', mobile: mobile(), role: 'primary' }], sites: [THREE_SITES[2]] });
      const p = await place(orderBody(lone, { contractNo: undefined }));
      const bj = await http().get(`/api/v1/work-orders/${p.workOrders[0].id}`).set(bearer(bjFulfil)).expect(200);
      expect(bj.body).toMatchObject({ contractNo: null, contact: { name: '赵敏', role: 'primary', masked: true } });
      await http().get(`/api/v1/work-orders/${p.workOrders[0].id}`).set(bearer(jsFulfil)).expect(404);
      await http().get(`/api/v1/work-orders/not-a-uuid`).set(bearer(bjFulfil)).expect(400);
    });

    it('sends the same details, the contact always masked, in the signed region dispatch payload', async () => {
      const secret = `whsec-${unique()}-0123456789`;
      const { url, path } = receiver.endpoint(secret);
      await http().put('/api/v1/regions/110105/dispatch').set(bearer(t.admin)).send({ url, secret }).expect(200);
      try {
        const c = await customer();
        const o = await place(orderBody(c));
        const hit = await waitFor(async () => receiver.at(path)[0], 15_000, 'the dispatch webhook');
        expect(hit.signatureOk).toBe(true);
        expect(hit.body.data).toMatchObject({
          id: wo(o, '110105').id,
          orderCaseNo: o.caseNo,
          contractNo: 'GD-2026-KA-0042',
          regionName: expect.stringContaining('朝阳区'),
          sites: [{ name: '北京办事处', address: '北京市朝阳区建国路1号', region: '110105' }],
          contact: { name: '王工', masked: true },
          items: [{ productName: 'MPLS VPN专线', attributes: { bandwidthMbps: 100, qosClass: 'gold' } }],
          order: { caseNo: o.caseNo, contractNo: 'GD-2026-KA-0042' },
        });
        expect((hit.body.data as { contact: { mobile: string } }).contact.mobile).toMatch(MASKED);
      } finally {
        await t.dataSource.query(`DELETE FROM region_dispatch_endpoints WHERE region = '110105'`);
      }
    });
  });

  describe('retrying a failed work order', () => {
    it('lets staff of its region or a director covering it retry it; it is dispatched again and the order reopens', async () => {
      const c = await customer();
      const o = await taken(c);
      const bj = wo(o, '110105');
      await moveWo(wo(o, '440605').id, fsFulfil, 'completed').expect(200);
      await moveWo(wo(o, '440106').id, gzFulfil, 'completed').expect(200);
      await moveWo(bj.id, bjFulfil, 'failed', { reason: '机房不具备安装条件' }).expect(200);
      const partial = await getOrder(o.id);
      expect(partial).toMatchObject({ state: 'partial', sla: { resolutionState: 'stopped' } });
      expect(partial.closedAt).not.toBeNull();
      expect((await http().get(`/api/v1/work-orders/${bj.id}`).set(bearer(bjFulfil)).expect(200)).body.retryable).toBe(true);

      // who may not, and bad input
      expect((await retry(bj.id, agent)).status).toBe(403);
      const otherRegion = await retry(bj.id, gzFulfil);
      expect([otherRegion.status, otherRegion.body.code]).toEqual([403, 'WORK_ORDER_OUT_OF_REGION']);
      const gdOnly = await retry(bj.id, gdDirector);
      expect([gdOnly.status, gdOnly.body.code]).toEqual([403, 'WORK_ORDER_OUT_OF_REGION']);
      expect((await retry(bj.id, jsFulfil)).status).toBe(404);
      const noReason = await retry(bj.id, bjFulfil, {});
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors[0].field).toBe('reason');
      const stale = await retry(bj.id, bjFulfil, { reason: '重试', expectedVersion: 1 });
      expect(stale.status).toBe(409);
      const notFailed = await retry(wo(o, '440605').id, fsFulfil);
      expect([notFailed.status, notFailed.body.code]).toEqual([409, 'WORK_ORDER_ILLEGAL_TRANSITION']);
      // the transitions route keeps its contract: staff moves only
      expect((await moveWo(bj.id, bjFulfil, 'pending')).status).toBe(400);
      expect((await getOrder(o.id)).state).toBe('partial');

      const retried = await retry(bj.id, bjFulfil).expect(200);
      expect(retried.body).toMatchObject({ state: 'pending', reason: null, dispatchedVia: null, closedAt: null, retryable: false });
      const reopened = await getOrder(o.id);
      expect(reopened).toMatchObject({ state: 'in_progress', closedAt: null, sla: { resolutionState: 'running' } });
      expect(wo(reopened, '110105').sla.resolutionState).toBe('running');
      // re-dispatched through the fulfilment queue (no endpoint for Beijing: its console queue)
      await waitFor(
        async () => (await http().get(`/api/v1/work-orders/${bj.id}`).set(bearer(bjFulfil)).expect(200)).body.state === 'dispatched',
        15_000,
        'the retried work order dispatched',
      );
      const events = (
        await t.dataSource.query<{ data: { from: string; to: string } }[]>(
          `SELECT data FROM outbox_events WHERE type = 'work_order.state_changed' AND data->>'workOrderId' = $1 ORDER BY seq`,
          [bj.id],
        )
      ).map((e) => e.data);
      expect(events.map((e) => `${e.from}→${e.to}`)).toEqual([
        'pending→dispatched',
        'dispatched→in_progress',
        'in_progress→failed',
        'failed→pending',
        'pending→dispatched',
      ]);
      expect(events[3]).toMatchObject({ reason: '机房已具备条件，重新派单', state: 'pending' });
      expect(
        await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'work_order.retried' AND entity_id = $1 AND actor_id = $2`, [
          bj.id,
          bjFulfil.id,
        ]),
      ).toBe(1);
      const timeline = (await http().get(`/api/v1/work-orders/${bj.id}/timeline`).set(bearer(bjFulfil)).expect(200)).body;
      expect(timeline.some((e: { data: Record<string, unknown> }) => e.data.from === 'failed' && e.data.to === 'pending')).toBe(true);
      expect((await orderEvents(o.id)).map((e) => `${e.from}→${e.to}`)).toEqual([
        'acknowledged→in_progress',
        'in_progress→partial',
        'partial→in_progress',
      ]);

      // done this time: the order completes
      await moveWo(bj.id, bjFulfil, 'in_progress').expect(200);
      await moveWo(bj.id, bjFulfil, 'completed').expect(200);
      expect((await getOrder(o.id)).state).toBe('completed');

      // a director covering the region may retry too; an order failed in full reopens as acknowledged when nothing was taken since
      const lone = await taken(await customer({ sites: [THREE_SITES[2]] }));
      await moveWo(lone.workOrders[0].id, bjFulfil, 'failed', { reason: '客户撤场' }).expect(200);
      expect((await getOrder(lone.id)).state).toBe('failed');
      await retry(lone.workOrders[0].id, director).expect(200);
      expect((await getOrder(lone.id)).state).toBe('acknowledged');
    });
  });

  describe('cancelling the regions not completed', () => {
    it('ends partial with the cancelled regions, gives up the failed ones, and keeps cancelled where nothing completed', async () => {
      const o = await taken(await customer());
      await moveWo(wo(o, '440605').id, fsFulfil, 'completed').expect(200);
      await moveWo(wo(o, '110105').id, bjFulfil, 'failed', { reason: '机房不具备安装条件' }).expect(200);
      const res = await cancel(o.id).expect(200);
      expect(res.body).toMatchObject({ state: 'partial', cancelReason: '客户取消其余地区', cancelledRegions: ['110105', '440106'] });
      expect(res.body.closedAt).not.toBeNull();
      // the failed region was given up with the rest: it can no longer be retried
      const bj = await retry(wo(o, '110105').id, bjFulfil);
      expect([bj.status, bj.body.code]).toEqual([409, 'WORK_ORDER_ILLEGAL_TRANSITION']);
      expect((await orderEvents(o.id)).map((e) => `${e.from}→${e.to}`)).toEqual(['acknowledged→in_progress', 'in_progress→partial']);
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'order.cancelled' AND entity_id = $1`, [o.id])).toBe(1);
      expect((await cancel(o.id)).status).toBe(409);

      // an order already partial (a region failed, the rest completed) gives up its failed region and stays partial
      const q = await taken(await customer());
      await moveWo(wo(q, '440605').id, fsFulfil, 'completed').expect(200);
      await moveWo(wo(q, '440106').id, gzFulfil, 'completed').expect(200);
      await moveWo(wo(q, '110105').id, bjFulfil, 'failed', { reason: '机房不具备安装条件' }).expect(200);
      const kept = await cancel(q.id).expect(200);
      expect(kept.body).toMatchObject({ state: 'partial', cancelledRegions: ['110105'] });
      const qTimeline = (await http().get(`/api/v1/orders/${q.id}/timeline`).set(bearer(agent)).expect(200)).body;
      expect(qTimeline.filter((e: { type: string }) => e.type === 'regions_cancelled').map((e: { data: unknown }) => e.data)).toEqual([
        { reason: '客户取消其余地区', cancelledRegions: ['110105'] },
      ]);
      expect((await orderEvents(q.id)).filter((e) => e.to === 'partial')).toHaveLength(1);

      // nothing completed: cancelled, every region cancelled
      const r = await place(orderBody(await customer()));
      const all = await cancel(r.id).expect(200);
      expect(all.body).toMatchObject({ state: 'cancelled', cancelledRegions: ['110105', '440106', '440605'] });
      // bad input, someone else's order
      const empty = await http().post(`/api/v1/orders/${r.id}/cancel`).set(bearer(agent)).send({});
      expect([empty.status, empty.body.errors[0].field]).toEqual([400, 'reason']);
      const bjAgent = await t.staff(['agent'], ['320000']);
      expect((await http().post(`/api/v1/orders/${q.id}/cancel`).set(bearer(bjAgent)).send({ reason: '越权' })).status).toBe(404);
    });
  });

  describe('exactly-once roll-up under concurrency', () => {
    /** The order's state changes form one chain ending where the order is, each one real, each on the timeline once. */
    const assertOneChain = async (orderId: string) => {
      const order = await getOrder(orderId);
      const events = await orderEvents(orderId);
      events.forEach((e, i) => {
        expect(e.from).not.toBe(e.to);
        if (i) expect(e.from).toBe(events[i - 1].to);
      });
      expect(events[events.length - 1].to).toBe(order.state);
      const timeline = await count(
        `SELECT count(*)::int AS n FROM case_timeline WHERE case_kind = 'order' AND case_id = $1 AND type = 'state_changed'`,
        [orderId],
      );
      expect(timeline).toBe(events.length);
      return { order, events };
    };

    it('a cancel racing the completion of another region: partial either way, one order.state_changed', async () => {
      for (let round = 0; round < 3; round++) {
        const o = await taken(await customer());
        await moveWo(wo(o, '440605').id, fsFulfil, 'completed').expect(200);
        const [done, cancelled] = await Promise.all([moveWo(wo(o, '440106').id, gzFulfil, 'completed'), cancel(o.id)]);
        expect(cancelled.status).toBe(200);
        // the completion either came first, or found its work order cancelled
        expect([200, 409]).toContain(done.status);
        const { order, events } = await assertOneChain(o.id);
        expect(order.state).toBe('partial');
        expect(events.filter((e) => e.to === 'partial')).toHaveLength(1);
        expect(order.cancelledRegions).toEqual(done.status === 200 ? ['110105'] : ['110105', '440106']);
      }
    });

    it('a retry racing the completion of another region: every real change once, the order open again', async () => {
      for (let round = 0; round < 3; round++) {
        const o = await taken(await customer());
        await moveWo(wo(o, '440605').id, fsFulfil, 'completed').expect(200);
        await moveWo(wo(o, '110105').id, bjFulfil, 'failed', { reason: '机房不具备安装条件' }).expect(200);
        const [done, retried] = await Promise.all([moveWo(wo(o, '440106').id, gzFulfil, 'completed'), retry(wo(o, '110105').id, bjFulfil)]);
        expect([done.status, retried.status]).toEqual([200, 200]);
        const { order, events } = await assertOneChain(o.id);
        expect(order.state).toBe('in_progress');
        // completion first: in_progress → partial → in_progress; retry first: no change at all
        expect(events.map((e) => e.to)).toEqual(events.length === 3 ? ['in_progress', 'partial', 'in_progress'] : ['in_progress']);
      }
    });
  });

  describe('the service inventory follows each completion', () => {
    it('adds, modifies and terminates service instances across three regions, in the completion’s transaction', async () => {
      const c = await customer();
      const [fsSite, gzSite, bjSite] = c.sites;
      const instance = async (siteId: string) =>
        (
          await http()
            .post(`/api/v1/customers/${c.id}/service-instances`)
            .set(bearer(director))
            .send({ productCode: 'MPLS_VPN', siteId, accessNo: unique('GZ-MPLS-'), state: 'active' })
            .expect(201)
        ).body;
      const gzLine = await instance(gzSite.id);
      const bjLine = await instance(bjSite.id);
      const o = await taken(c, {
        items: [
          item(fsSite.id),
          item(gzSite.id, { action: 'modify', serviceInstanceId: gzLine.id, attributes: { bandwidthMbps: 500 } }),
          item(bjSite.id, { action: 'terminate', serviceInstanceId: bjLine.id, attributes: {} }),
        ],
      });
      const [fs, gz, bj] = ['440605', '440106', '110105'].map((r) => wo(o, r));
      const inventory = async () =>
        await t.dataSource.query<Record<string, unknown>[]>(
          `SELECT id, product_code, site_id, access_no, state, attributes, terminated_at, version FROM service_instances WHERE customer_id = $1 ORDER BY created_at`,
          [c.id],
        );
      const before = await inventory();
      const instanceAudits = () =>
        count(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'service_instance' AND changes->>'customerId' = $1`, [c.id]);
      const auditsBefore = await instanceAudits();

      // bad input: 400 naming the field, nothing written
      const fsLine = fs.items[0].lineNo;
      expect(fsLine).toBe(1);
      const wrongLine = await moveWo(fs.id, fsFulfil, 'completed', { lines: [{ lineNo: 2, accessNo: 'FS-MPLS-0001' }] });
      expect([wrongLine.status, wrongLine.body.errors?.[0]?.field]).toEqual([400, 'lines[0].lineNo']);
      const badNo = await moveWo(fs.id, fsFulfil, 'completed', { lines: [{ lineNo: fsLine, accessNo: '??' }] });
      expect([badNo.status, badNo.body.errors?.[0]?.field]).toEqual([400, 'lines[0].accessNo']);
      const notCompleting = await moveWo(fs.id, fsFulfil, 'failed', { reason: 'x', lines: [{ lineNo: fsLine, accessNo: 'FS-MPLS-0001' }] });
      expect([notCompleting.status, notCompleting.body.errors?.[0]?.field]).toEqual([400, 'lines']);
      const modifyLine = await moveWo(gz.id, gzFulfil, 'completed', { lines: [{ lineNo: 2, accessNo: 'GZ-MPLS-0002' }] });
      expect([modifyLine.status, modifyLine.body.errors?.[0]?.field]).toEqual([400, 'lines[0].lineNo']);

      // a failed completion writes nothing: an access number already in use (409), an instance no longer live (409)
      const taken409 = await moveWo(fs.id, fsFulfil, 'completed', { lines: [{ lineNo: fsLine, accessNo: gzLine.accessNo }] });
      expect([taken409.status, taken409.body.code]).toEqual([409, 'SERVICE_INSTANCE_ACCESS_NO_TAKEN']);
      await http()
        .patch(`/api/v1/customers/${c.id}/service-instances/${gzLine.id}`)
        .set(bearer(director))
        .send({ state: 'terminated', expectedVersion: gzLine.version })
        .expect(200);
      const notLive = await moveWo(gz.id, gzFulfil, 'completed');
      expect([notLive.status, notLive.body.code]).toEqual([409, 'SERVICE_INSTANCE_NOT_LIVE']);
      const [{ version: gzVersion }] = await t.dataSource.query(`SELECT version FROM service_instances WHERE id = $1`, [gzLine.id]);
      await http()
        .patch(`/api/v1/customers/${c.id}/service-instances/${gzLine.id}`)
        .set(bearer(director))
        .send({ state: 'active', expectedVersion: gzVersion })
        .expect(200);
      const states = (await getOrder(o.id)).workOrders.map((w: Wo) => w.state);
      expect(states).toEqual(['in_progress', 'in_progress', 'in_progress']);
      expect((await inventory()).map((r) => [r.id, r.state, r.attributes])).toEqual(
        before.map((r) => [r.id, r.id === gzLine.id ? 'active' : r.state, r.attributes]),
      );
      expect(await instanceAudits()).toBe(auditsBefore + 2); // the two PATCHes above, nothing from the refused completions

      // add in Foshan (with its access number), modify in Guangzhou, terminate in Beijing
      const accessNo = unique('FS-MPLS-');
      await moveWo(fs.id, fsFulfil, 'completed', { lines: [{ lineNo: fsLine, accessNo }] }).expect(200);
      await moveWo(gz.id, gzFulfil, 'completed').expect(200);
      await moveWo(bj.id, bjFulfil, 'completed').expect(200);
      expect((await getOrder(o.id)).state).toBe('completed');

      const after = await inventory();
      expect(after).toHaveLength(3);
      const added = after.find((r) => !before.some((b) => b.id === r.id))!;
      expect(added).toMatchObject({
        product_code: 'MPLS_VPN',
        site_id: fsSite.id,
        access_no: accessNo,
        state: 'active',
        attributes: { bandwidthMbps: 100, qosClass: 'gold' },
      });
      expect(after.find((r) => r.id === gzLine.id)).toMatchObject({ state: 'active', attributes: { bandwidthMbps: 500 } });
      expect(after.find((r) => r.id === bjLine.id)).toMatchObject({ state: 'terminated', terminated_at: expect.any(Date) });
      // the add line now names the instance it created
      const fsView = (await http().get(`/api/v1/work-orders/${fs.id}`).set(bearer(fsFulfil)).expect(200)).body;
      expect(fsView.items[0].serviceInstanceId).toBe(added.id);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'service_instance' AND changes->>'customerId' = $1 AND changes->>'workOrderId' IS NOT NULL`,
          [c.id],
        ),
      ).toBe(3);

      // the 360° overview shows the result
      const overview = (await http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(director)).expect(200)).body;
      const shown = overview.customer.serviceInstances as Record<string, unknown>[];
      expect(shown).toHaveLength(3);
      expect(shown.find((s) => s.id === added.id)).toMatchObject({
        accessNo,
        state: 'active',
        siteId: fsSite.id,
        attributes: { bandwidthMbps: 100, qosClass: 'gold' },
        terminatedAt: null,
      });
      expect(shown.find((s) => s.id === gzLine.id)).toMatchObject({ attributes: { bandwidthMbps: 500 } });
      expect(shown.find((s) => s.id === bjLine.id)).toMatchObject({ state: 'terminated', terminatedAt: expect.any(String) });

      // an add completed without an access number: the instance has none yet
      const p = await taken(await customer({ sites: [THREE_SITES[0]] }));
      await moveWo(p.workOrders[0].id, fsFulfil, 'completed').expect(200);
      const [bare] = await t.dataSource.query(`SELECT access_no, state FROM service_instances WHERE customer_id = $1`, [p.customerId]);
      expect(bare).toEqual({ access_no: null, state: 'active' });
    });
  });
});
