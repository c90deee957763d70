import { randomUUID } from 'node:crypto';
import { customerBody, faultBody, mobile, orderBody } from '../support/factories';
import { bearer, startTestApp, type StaffLogin, type TestApp } from '../support/test-app';

/** A body without the SLA's working time left, which changes from one read to the next. */
const withoutRemaining = (v: unknown): any =>
  Array.isArray(v)
    ? v.map(withoutRemaining)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !k.endsWith('WorkingSecondsRemaining'))
            .map(([k, x]) => [k, withoutRemaining(x)]),
        )
      : v;

/**
 * Issue 11, points 1 and 2: the hotline finds anything from what the caller
 * says (GET /console/lookup and GET /customers?q=), every case kind is read
 * by its number, and cases, the queue and the overview carry names people
 * can act on. Callback numbers are shown to whoever must call back, audited.
 */
const masked = (m: string) => `${m.slice(0, 3)}****${m.slice(7)}`;
const ids = (items: { id: string }[]) => items.map((x) => x.id);
/** 13359790284 → １３３５９７９０２８４ */
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('lookup by what the caller says, numbers and names (issue 11)', () => {
  let t: TestApp;
  let director: StaffLogin;
  let gdAgent: StaffLogin;
  let foshanAgent: StaffLogin;
  let bjAgent: StaffLogin;
  let am: StaffLogin;
  let engineer: StaffLogin;
  let fulfil: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    director = await t.staff(['director'], ['440000']);
    gdAgent = await t.staff(['agent'], ['440000']);
    foshanAgent = await t.staff(['agent'], ['440600']);
    bjAgent = await t.staff(['agent'], ['110000']);
    am = await t.staff(['account_manager'], ['440600']);
    engineer = await t.staff(['engineer'], ['440600']);
    fulfil = await t.staff(['fulfilment'], ['440600']);
    // Nobody on duty: the dispatcher leaves these tests' cases alone; assignment is by hand.
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
    await t.dataSource.query(`UPDATE staff SET work_phone = '0757-86330001' WHERE id = $1`, [am.id]);
    await t.dataSource.query(`UPDATE staff SET work_phone = '0757-86330002' WHERE id = $1`, [engineer.id]);
  });
  afterAll(() => t?.close());

  const customer = async (overrides: Record<string, unknown> = {}, who: StaffLogin = director) => {
    const res = await t.http().post('/api/v1/customers').set(bearer(who)).send(customerBody(overrides));
    if (res.status !== 201) throw new Error(`customer creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const fault = async (customerId: string, overrides: Record<string, unknown> = {}, who: StaffLogin = gdAgent) => {
    const res = await t.http().post('/api/v1/faults').set(bearer(who)).send(faultBody(customerId, overrides));
    if (res.status !== 201) throw new Error(`fault creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const lookup = (who: StaffLogin, q: string) =>
    t
      .http()
      .get(`/api/v1/console/lookup?q=${encodeURIComponent(q)}`)
      .set(bearer(who));
  const search = (who: StaffLogin, q: string) =>
    t
      .http()
      .get(`/api/v1/customers?q=${encodeURIComponent(q)}`)
      .set(bearer(who));
  const audits = async (action: string, entityId: string) =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND entity_id = $2`, [action, entityId]))[0]
      .n as number;

  describe('the search box', () => {
    it('finds a customer by a mobile however it is typed, on both routes, masked on the console', async () => {
      const m = `133${String(Date.now()).slice(-8)}`;
      const c = await customer({ name: '佛山市南海区桂城街道办事处', contacts: [{ name: '欧阳明', mobile: m, role: 'primary' }] });
      const spaced = `+86 ${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`;
      const dashed = `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`;
      for (const q of [m, spaced, dashed, `86${m}`, `+86${m}`, `0086 ${m}`, fullWidth(m), `＋８６ ${fullWidth(m)}`, ` ${m}\u3000`]) {
        const res = await lookup(gdAgent, q).expect(200);
        expect({ q, items: ids(res.body.items), matchedBy: res.body.items[0]?.matchedBy }).toEqual({
          q,
          items: [c.id],
          matchedBy: 'mobile',
        });
        expect(res.body.items[0].contacts).toEqual([{ name: '欧阳明', mobile: masked(m), role: 'primary' }]);
        expect(ids((await search(gdAgent, q).expect(200)).body.items)).toEqual([c.id]);
      }
      // Another region's customer is not found, however it is typed.
      expect((await lookup(bjAgent, spaced).expect(200)).body).toEqual({ items: [], total: 0 });
      expect((await search(bjAgent, fullWidth(m)).expect(200)).body.total).toBe(0);
      // Digits that are no mobile are no match (and no 500).
      expect((await lookup(gdAgent, `+86 ${m.slice(0, 10)}`).expect(200)).body.total).toBe(0);
      expect((await lookup(gdAgent, '+1 415 555 0100').expect(200)).body.total).toBe(0);
    });

    it('reads customer numbers and credit codes typed in full width or lower case', async () => {
      const c = await customer();
      for (const [q, matchedBy] of [
        [fullWidth(c.customerNo), 'customer_no'],
        [fullWidth(c.customerNo.toLowerCase()), 'customer_no'],
        [c.customerNo.toLowerCase(), 'customer_no'],
        [fullWidth(c.creditCode), 'credit_code'],
        [c.creditCode.toLowerCase(), 'credit_code'],
        [fullWidth(c.creditCode.toLowerCase()), 'credit_code'],
      ] as const) {
        const res = await lookup(gdAgent, q).expect(200);
        expect({ q, items: ids(res.body.items), matchedBy: res.body.items[0]?.matchedBy }).toEqual({ q, items: [c.id], matchedBy });
        expect(ids((await search(gdAgent, q).expect(200)).body.items)).toEqual([c.id]);
      }
      expect((await lookup(bjAgent, fullWidth(c.customerNo)).expect(200)).body.total).toBe(0);
    });

    it('finds a customer by a contact’s name (2 characters and more), in the caller’s regions only', async () => {
      const surname = `${['闻', '郦', '殳', '茹'][Date.now() % 4]}${['翊', '瑷', '璆'][Date.now() % 3]}`;
      const c = await customer({
        name: '佛山市顺德区大良医院',
        contacts: [
          { name: `${surname}华`, mobile: mobile(), role: 'technical' },
          { name: '张三', mobile: mobile(), role: 'primary' },
        ],
      });
      const bj = await customer(
        {
          name: '北京市朝阳区某局',
          homeRegion: '110105',
          sites: [{ name: '朝阳', region: '110105', address: '北京市朝阳区' }],
          contacts: [{ name: `${surname}军`, mobile: mobile(), role: 'primary' }],
        },
        t.admin,
      );
      const two = await lookup(gdAgent, surname).expect(200);
      expect(ids(two.body.items)).toEqual([c.id]);
      expect(two.body.items[0]).toMatchObject({ matchedBy: 'contact_name' });
      // Contacts on the hotline screen stay masked.
      expect(two.body.items[0].contacts.every((k: { mobile: string }) => k.mobile.includes('****'))).toBe(true);
      expect(ids((await lookup(gdAgent, `${surname}华`).expect(200)).body.items)).toEqual([c.id]);
      expect((await lookup(gdAgent, `${surname}军`).expect(200)).body.total).toBe(0); // Beijing's contact: not Guangdong's to find
      expect(ids((await search(t.admin, surname).expect(200)).body.items).sort()).toEqual([c.id, bj.id].sort());
      expect(ids((await search(bjAgent, surname).expect(200)).body.items)).toEqual([bj.id]);
      // A customer whose own name holds the fragment says so.
      expect((await lookup(gdAgent, '大良医').expect(200)).body.items.find((x: { id: string }) => x.id === c.id).matchedBy).toBe('name');
      // One character is still refused.
      expect((await lookup(gdAgent, surname[0]).expect(400)).body.errors[0].field).toBe('q');
    });

    it('finds a case by its number with its customer; another region’s case is not found', async () => {
      const c = await customer({ accountManagerId: am.id });
      const f = await fault(c.id);
      const cmp = await fault(c.id, { category: 'complaint' });
      await t.http().post(`/api/v1/faults/${f.id}/assign`).set(bearer(gdAgent)).send({ engineerId: engineer.id }).expect(200);
      for (const q of [
        f.caseNo,
        f.caseNo.toLowerCase(),
        f.caseNo.replace(/-/g, ''),
        fullWidth(f.caseNo),
        ` ${f.caseNo.replace(/-/g, ' ')} `,
      ]) {
        const res = await lookup(gdAgent, q).expect(200);
        expect({ q, body: res.body }).toEqual({
          q,
          body: {
            matchedCase: {
              kind: 'fault',
              id: f.id,
              caseNo: f.caseNo,
              customerId: c.id,
              title: '专线中断',
              state: 'acknowledged',
              open: true,
              priority: 'P1',
              greenChannel: false,
              region: '440605',
              assigneeId: engineer.id,
              assignee: { id: engineer.id, displayName: engineer.username, workPhone: '0757-86330002' },
              openedAt: f.createdAt,
            },
            items: [expect.objectContaining({ id: c.id, matchedBy: 'case_no', accountManager: expect.objectContaining({ id: am.id }) })],
            total: 1,
          },
        });
        expect(ids((await search(gdAgent, q).expect(200)).body.items)).toEqual([c.id]);
      }
      expect((await lookup(gdAgent, cmp.caseNo).expect(200)).body.matchedCase).toMatchObject({ kind: 'complaint', id: cmp.id });
      // Out of scope: neither the case nor its customer.
      expect((await lookup(bjAgent, f.caseNo).expect(200)).body).toEqual({ matchedCase: null, items: [], total: 0 });
      expect((await search(bjAgent, f.caseNo).expect(200)).body.total).toBe(0);
      // A well-formed number that does not exist.
      expect((await lookup(gdAgent, 'FLT-20000101-999999').expect(200)).body).toEqual({ matchedCase: null, items: [], total: 0 });
    });

    it('finds support requests, inquiries (also from a caller who is no customer), orders, work orders and bills by number', async () => {
      const c = await customer({
        sites: [
          { name: '南海', region: '440605', address: '佛山市南海区' },
          { name: '朝阳', region: '110105', address: '北京市朝阳区' },
        ],
      });
      const sup = (
        await t
          .http()
          .post('/api/v1/support-requests')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, category: 'maintenance', description: '巡检', contactName: '王工', contactMobile: mobile() })
          .expect(201)
      ).body;
      const inq = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, callerName: '张先生', callerMobile: mobile(), channel: 'hotline', topic: 'tariff', question: '资费？' })
          .expect(201)
      ).body;
      const stranger = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(foshanAgent))
          .send({ callerName: '路人', callerMobile: mobile(), channel: 'hotline', topic: 'tariff', question: '资费？', region: '440605' })
          .expect(201)
      ).body;
      const order = (
        await t
          .http()
          .post('/api/v1/orders')
          .set(bearer(director))
          .send(
            orderBody(
              c.id,
              c.sites.map((s: { id: string }) => s.id),
            ),
          )
          .expect(201)
      ).body;
      const foshanWo = order.workOrders.find((w: { region: string }) => w.region === '440605');
      const beijingWo = order.workOrders.find((w: { region: string }) => w.region === '110105');
      for (const [caseNo, kind, id] of [
        [sup.caseNo, 'support', sup.id],
        [inq.caseNo, 'inquiry', inq.id],
        [order.caseNo, 'order', order.id],
        [foshanWo.caseNo, 'work_order', foshanWo.id],
      ]) {
        const res = await lookup(gdAgent, caseNo).expect(200);
        expect({ caseNo, kind: res.body.matchedCase?.kind, id: res.body.matchedCase?.id, items: ids(res.body.items) }).toEqual({
          caseNo,
          kind,
          id,
          items: [c.id],
        });
        expect(ids((await search(gdAgent, caseNo).expect(200)).body.items)).toEqual([c.id]);
      }
      // A caller who is no customer: the case, and no customer.
      const s = await lookup(gdAgent, stranger.caseNo).expect(200);
      expect(s.body).toEqual({
        matchedCase: expect.objectContaining({ kind: 'inquiry', id: stranger.id, customerId: null }),
        items: [],
        total: 0,
      });
      expect((await search(gdAgent, stranger.caseNo).expect(200)).body.total).toBe(0);
      // Beijing sees its own work order and, through it, the order; not the Foshan work order nor the support request.
      expect((await lookup(bjAgent, beijingWo.caseNo).expect(200)).body.matchedCase).toMatchObject({ id: beijingWo.id });
      expect((await lookup(bjAgent, order.caseNo).expect(200)).body.matchedCase).toMatchObject({ id: order.id });
      expect((await lookup(bjAgent, foshanWo.caseNo).expect(200)).body.matchedCase).toBeNull();
      expect((await lookup(bjAgent, sup.caseNo).expect(200)).body.matchedCase).toBeNull();

      // A bill: its customer (no matchedCase: a bill is no case).
      await t.dataSource.query(`INSERT INTO billing_accounts (customer_id) VALUES ($1) ON CONFLICT DO NOTHING`, [c.id]);
      const billNo = `BL-202610-${c.customerNo}`;
      await t.dataSource.query(
        `INSERT INTO bills (id, bill_no, customer_id, period, total_fen, state, charge_count, issue_date, due_date)
         VALUES ($1, $2, $3, '2026-10', 100, 'issued', 1, '2026-11-01', '2026-11-30')`,
        [randomUUID(), billNo, c.id],
      );
      for (const q of [billNo, billNo.toLowerCase(), fullWidth(billNo), billNo.replace(/-/g, '')]) {
        const res = await lookup(gdAgent, q).expect(200);
        expect({ q, body: res.body }).toEqual({
          q,
          body: { items: [expect.objectContaining({ id: c.id, matchedBy: 'bill_no' })], total: 1 },
        });
        expect(ids((await search(gdAgent, q).expect(200)).body.items)).toEqual([c.id]);
      }
      // The customer has a Beijing site, so a Beijing agent may see it, by its bill too; nobody in Shanghai may.
      const shAgent = await t.staff(['agent'], ['310000']);
      expect((await lookup(shAgent, billNo).expect(200)).body.total).toBe(0);
    });
  });

  describe('every case kind by its number', () => {
    it('reads faults, complaints, support requests, inquiries, orders and work orders by number as by id; another kind’s number is 404, a malformed one 400', async () => {
      const c = await customer({ accountManagerId: am.id });
      const f = await fault(c.id);
      const cmp = await fault(c.id, { category: 'complaint' });
      const sup = (
        await t
          .http()
          .post('/api/v1/support-requests')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, category: 'maintenance', description: '巡检', contactName: '王工', contactMobile: mobile() })
          .expect(201)
      ).body;
      const inq = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, callerName: '张先生', callerMobile: mobile(), channel: 'hotline', topic: 'tariff', question: '资费？' })
          .expect(201)
      ).body;
      const order = (
        await t
          .http()
          .post('/api/v1/orders')
          .set(bearer(director))
          .send(orderBody(c.id, [c.sites[0].id]))
          .expect(201)
      ).body;
      const wo = order.workOrders[0];
      const routes: [string, { id: string; caseNo: string }][] = [
        ['faults', f],
        ['faults', cmp],
        ['support-requests', sup],
        ['inquiries', inq],
        ['orders', order],
        ['work-orders', wo],
      ];
      for (const [path, x] of routes) {
        const byId = (await t.http().get(`/api/v1/${path}/${x.id}`).set(bearer(gdAgent)).expect(200)).body;
        for (const ref of [x.caseNo, x.caseNo.toLowerCase(), fullWidth(x.caseNo), x.caseNo.replace(/-/g, '')]) {
          const byNo = await t
            .http()
            .get(`/api/v1/${path}/${encodeURIComponent(ref)}`)
            .set(bearer(gdAgent));
          expect({ path, ref, status: byNo.status, id: byNo.body.id }).toEqual({ path, ref, status: 200, id: x.id });
          // the working time left moves between two reads (issue 12); everything else is the same
          expect(withoutRemaining(byNo.body)).toEqual({ ...withoutRemaining(byId), updatedAt: expect.any(String), sla: expect.anything() });
        }
        // Another region: 404 by number as by id, naming what was typed (nothing more).
        const out = await t.http().get(`/api/v1/${path}/${x.caseNo}`).set(bearer(bjAgent)).expect(404);
        expect(out.body.detail).not.toContain(x.id);
        await t.http().get(`/api/v1/${path}/${x.id}`).set(bearer(bjAgent)).expect(404);
      }
      // A number of another kind, or one that does not exist: 404 with the kind's own code.
      const notFound = async (path: string, ref: string, code: string) => {
        const res = await t.http().get(`/api/v1/${path}/${ref}`).set(bearer(gdAgent)).expect(404);
        expect({ path, ref, code: res.body.code }).toEqual({ path, ref, code });
      };
      await notFound('faults', sup.caseNo, 'FAULT_NOT_FOUND');
      await notFound('faults', 'FLT-20000101-999999', 'FAULT_NOT_FOUND');
      await notFound('support-requests', f.caseNo, 'SUPPORT_NOT_FOUND');
      await notFound('inquiries', order.caseNo, 'INQUIRY_NOT_FOUND');
      await notFound('orders', wo.caseNo, 'ORDER_NOT_FOUND');
      await notFound('work-orders', order.caseNo, 'WORK_ORDER_NOT_FOUND');
      // Malformed: 400 naming the parameter.
      for (const bad of ['FLT-2026-1', 'XYZ-20261130-000001', 'not-a-case', '12345']) {
        const res = await t.http().get(`/api/v1/faults/${bad}`).set(bearer(gdAgent)).expect(400);
        expect(res.body.errors[0].field).toBe('id');
      }
      // Other routes keep their UUID-only :id.
      await t.http().get(`/api/v1/faults/${f.caseNo}/timeline`).set(bearer(gdAgent)).expect(400);
    });
  });

  describe('names people can act on', () => {
    it('shows assignee and account manager names and work phones on cases, the queue and the overview', async () => {
      const c = await customer({ name: '佛山市南海区某中心', accountManagerId: am.id });
      const f = await fault(c.id, { title: '名字测试' });
      await t.http().post(`/api/v1/faults/${f.id}/assign`).set(bearer(gdAgent)).send({ engineerId: engineer.id }).expect(200);
      const amRef = { id: am.id, displayName: am.username, workPhone: '0757-86330001' };
      const engRef = { id: engineer.id, displayName: engineer.username, workPhone: '0757-86330002' };

      const got = (await t.http().get(`/api/v1/faults/${f.id}`).set(bearer(gdAgent)).expect(200)).body;
      expect({ assignee: got.assignee, accountManager: got.accountManager, assigneeId: got.assigneeId }).toEqual({
        assignee: engRef,
        accountManager: amRef,
        assigneeId: engineer.id,
      });
      // Nothing more of the staff record.
      expect(Object.keys(got.assignee).sort()).toEqual(['displayName', 'id', 'workPhone']);
      // Lists carry them too (read for the whole page at once).
      const list = (await t.http().get(`/api/v1/faults?customerId=${c.id}`).set(bearer(gdAgent)).expect(200)).body;
      expect(list.items.map((x: { assignee: unknown; accountManager: unknown }) => [x.assignee, x.accountManager])).toEqual([
        [engRef, amRef],
      ]);

      const queue = (await t.http().get('/api/v1/console/queue?region=440605&limit=200').set(bearer(gdAgent)).expect(200)).body;
      expect(queue.items.find((x: { id: string }) => x.id === f.id)).toMatchObject({
        assigneeId: engineer.id,
        assignee: engRef,
        accountManager: amRef,
      });

      const overview = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(gdAgent)).expect(200)).body;
      expect(overview.accountManager).toEqual(amRef);
      expect(overview.customer.accountManagerId).toBe(am.id);
      expect(overview.openCases.find((x: { id: string }) => x.id === f.id)).toMatchObject({ assignee: engRef });

      const sup = (
        await t
          .http()
          .post('/api/v1/support-requests')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, category: 'maintenance', description: '巡检', contactName: '王工', contactMobile: mobile() })
          .expect(201)
      ).body;
      expect((await t.http().get(`/api/v1/support-requests/${sup.id}`).set(bearer(gdAgent)).expect(200)).body).toMatchObject({
        assignee: null,
        accountManager: amRef,
      });
      const supList = (await t.http().get(`/api/v1/support-requests?customerId=${c.id}`).set(bearer(gdAgent)).expect(200)).body;
      expect(supList.items[0]).toMatchObject({ id: sup.id, assignee: null, accountManager: amRef });
      const inq = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, callerName: '张先生', callerMobile: mobile(), channel: 'hotline', topic: 'tariff', question: '资费？' })
          .expect(201)
      ).body;
      expect((await t.http().get(`/api/v1/inquiries/${inq.id}`).set(bearer(gdAgent)).expect(200)).body.accountManager).toEqual(amRef);
      const order = (
        await t
          .http()
          .post('/api/v1/orders')
          .set(bearer(director))
          .send(orderBody(c.id, [c.sites[0].id]))
          .expect(201)
      ).body;
      expect((await t.http().get(`/api/v1/orders/${order.id}`).set(bearer(gdAgent)).expect(200)).body.accountManager).toEqual(amRef);
      expect(
        (await t.http().get(`/api/v1/work-orders/${order.workOrders[0].id}`).set(bearer(fulfil)).expect(200)).body.accountManager,
      ).toEqual(amRef);
      const page = (await t.http().get(`/api/v1/work-orders?orderId=${order.id}`).set(bearer(fulfil)).expect(200)).body;
      expect(page.items.map((w: { accountManager: unknown }) => w.accountManager)).toEqual([amRef]);

      // A customer with no account manager: null, not a missing name.
      const orphan = await customer();
      const of = await fault(orphan.id);
      const og = (await t.http().get(`/api/v1/faults/${of.id}`).set(bearer(gdAgent)).expect(200)).body;
      expect({ assignee: og.assignee, accountManager: og.accountManager }).toEqual({ assignee: null, accountManager: null });
    });
  });

  describe('call-back numbers', () => {
    it('shows an inquiry caller who is no customer to its creator and the agents of its region, audited; masked to others', async () => {
      const callerMobile = mobile();
      const creator = await t.staff(['agent'], ['440605']);
      const inq = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(creator))
          .send({ callerName: '路人', callerMobile, channel: 'hotline', topic: 'tariff', question: '资费？', region: '440605' })
          .expect(201)
      ).body;
      expect(inq.callerMobile).toBe(callerMobile);
      const read = (who: StaffLogin) => t.http().get(`/api/v1/inquiries/${inq.id}`).set(bearer(who));

      const before = await audits('inquiry.caller_unmasked', inq.id);
      expect((await read(creator).expect(200)).body.callerMobile).toBe(callerMobile);
      expect((await read(foshanAgent).expect(200)).body.callerMobile).toBe(callerMobile);
      expect(await audits('inquiry.caller_unmasked', inq.id)).toBe(before + 2);
      // An account manager of the region is no agent: masked, and nothing audited.
      const amOfRegion = await t.staff(['account_manager'], ['440600']);
      expect((await read(amOfRegion).expect(200)).body.callerMobile).toBe(masked(callerMobile));
      expect(await audits('inquiry.caller_unmasked', inq.id)).toBe(before + 2);
      // Another region's agent does not see the inquiry at all.
      await read(bjAgent).expect(404);
      // Lists stay masked.
      const list = (await t.http().get('/api/v1/inquiries?limit=200').set(bearer(foshanAgent)).expect(200)).body;
      expect(list.items.find((x: { id: string }) => x.id === inq.id).callerMobile).toBe(masked(callerMobile));

      // A customer's caller keeps the customer rule: the region's agent sees it masked.
      const c = await customer();
      const customerCaller = mobile();
      const known = (
        await t
          .http()
          .post('/api/v1/inquiries')
          .set(bearer(creator))
          .send({
            customerId: c.id,
            callerName: '张先生',
            callerMobile: customerCaller,
            channel: 'hotline',
            topic: 'tariff',
            question: '资费？',
          })
          .expect(201)
      ).body;
      expect((await t.http().get(`/api/v1/inquiries/${known.id}`).set(bearer(foshanAgent)).expect(200)).body.callerMobile).toBe(
        masked(customerCaller),
      );
    });

    it('shows the contact of a case to the staff member it is assigned to, audited', async () => {
      const c = await customer();
      const reporter = mobile();
      const f = await fault(c.id, { reporterMobile: reporter });
      const holder = await t.staff(['agent'], ['440600']);
      await t.dataSource.query(`UPDATE faults SET assignee_id = $1 WHERE id = $2`, [holder.id, f.id]);
      const before = await audits('fault.reporter_unmasked', f.id);
      expect((await t.http().get(`/api/v1/faults/${f.id}`).set(bearer(holder)).expect(200)).body.reporterMobile).toBe(reporter);
      expect(await audits('fault.reporter_unmasked', f.id)).toBe(before + 1);
      expect((await t.http().get(`/api/v1/faults/${f.id}`).set(bearer(foshanAgent)).expect(200)).body.reporterMobile).toBe(
        masked(reporter),
      );
      expect(await audits('fault.reporter_unmasked', f.id)).toBe(before + 1);

      const contact = mobile();
      const sup = (
        await t
          .http()
          .post('/api/v1/support-requests')
          .set(bearer(gdAgent))
          .send({ customerId: c.id, category: 'maintenance', description: '巡检', contactName: '王工', contactMobile: contact })
          .expect(201)
      ).body;
      await t.dataSource.query(`UPDATE support_requests SET assignee_id = $1 WHERE id = $2`, [holder.id, sup.id]);
      expect((await t.http().get(`/api/v1/support-requests/${sup.id}`).set(bearer(holder)).expect(200)).body.contactMobile).toBe(contact);
      expect(await audits('support.contact_unmasked', sup.id)).toBe(1);
      expect((await t.http().get(`/api/v1/support-requests/${sup.id}`).set(bearer(foshanAgent)).expect(200)).body.contactMobile).toBe(
        masked(contact),
      );
    });
  });

  it('documents the forms in the OpenAPI file', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    for (const path of [
      '/api/v1/faults/{id}',
      '/api/v1/support-requests/{id}',
      '/api/v1/inquiries/{id}',
      '/api/v1/orders/{id}',
      '/api/v1/work-orders/{id}',
    ]) {
      const ids = doc.paths[path].get.parameters.filter((p: { name: string }) => p.name === 'id');
      expect({ path, count: ids.length }).toEqual({ path, count: 1 });
      const id = ids[0];
      expect({ path, description: id.description }).toEqual({ path, description: expect.stringContaining('case number') });
    }
    expect(doc.components.schemas.LookupResultDto.properties.matchedCase).toBeDefined();
    expect(doc.components.schemas.FaultDto.properties.assignee).toBeDefined();
    expect(doc.components.schemas.QueueItemDto.properties.accountManager).toBeDefined();
    expect(doc.components.schemas.StaffRefDto.properties).toEqual({
      id: expect.anything(),
      displayName: expect.anything(),
      workPhone: expect.anything(),
    });
  });
});
