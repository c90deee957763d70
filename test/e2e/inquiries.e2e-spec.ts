import { customerBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { slaWatch, waitForSlaSettled } from '../support/sla';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/** Business inquiries: intake (customers and callers who are not yet customers), answer, close, convert; their clocks and events. */
describe('business inquiries', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1', WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200' });
    agent = await t.staff(['agent'], ['440000']);
    director = await t.staff(['director'], ['440000']);
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const customer = async (overrides: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody(overrides)).expect(201)).body;
  const body = (overrides: Record<string, unknown> = {}) => ({
    callerName: '张先生',
    callerMobile: mobile(),
    channel: 'hotline',
    topic: 'tariff',
    question: '专线从100M升级到1G的资费和开通周期？',
    ...overrides,
  });
  const ask = async (overrides: Record<string, unknown> = {}, who = agent) =>
    (await t.http().post('/api/v1/inquiries').set(bearer(who)).send(body(overrides)).expect(201)).body;
  const act = (id: string, action: string, payload: Record<string, unknown> = {}, who = agent) =>
    t.http().post(`/api/v1/inquiries/${id}/${action}`).set(bearer(who)).send(payload);
  const get = async (id: string, who = agent) => (await t.http().get(`/api/v1/inquiries/${id}`).set(bearer(who)).expect(200)).body;
  const setPolicy = (key: string, responseSeconds: number, resolutionSeconds: number, warnAtPercent = 50) =>
    t
      .http()
      .put(`/api/v1/sla/policies/${key}`)
      .set(bearer(t.admin))
      // this suite times clocks in wall-clock time: 24x7 (working time: sla-working-time.e2e-spec.ts)
      .send({ responseSeconds, resolutionSeconds, warnAtPercent, responseCalendar: '24x7', resolutionCalendar: '24x7' })
      .expect(200);
  const alertsOf = async (caseId: string) =>
    await t.dataSource.query<
      {
        clock: string;
        level: string;
        customer_id: string | null;
      }[]
    >(`SELECT clock, level, customer_id FROM alerts WHERE case_id = $1 ORDER BY raised_at`, [caseId]);

  it('goes open → answered → closed: the answer stops the response clock, closing the resolution clock', async () => {
    const c = await customer({ tier: 'key' });
    const q = await ask({ customerId: c.id });
    expect(q).toMatchObject({
      caseNo: expect.stringMatching(/^INQ-\d{8}-\d{6}$/),
      customerId: c.id,
      region: '440605',
      state: 'open',
      priority: 'P3',
      urgent: false,
      version: 1,
      allowedActions: ['answer', 'convert'],
      convertedTo: null,
    });
    expect(q.sla).toMatchObject({ policyKey: 'inquiry:P3', responseState: 'running', resolutionState: 'running', breached: false });

    await act(q.id, 'close').expect(409); // not answered yet
    const noAnswer = await act(q.id, 'answer', { answer: '' });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.body.errors[0].field).toBe('answer');
    const answered = (await act(q.id, 'answer', { answer: '1G专线月租……，开通约10个工作日', expectedVersion: 1 }).expect(200)).body;
    expect(answered).toMatchObject({
      state: 'answered',
      answeredBy: agent.id,
      answer: '1G专线月租……，开通约10个工作日',
      allowedActions: ['close', 'convert'],
      version: 2,
    });
    expect(answered.sla).toMatchObject({ responseState: 'stopped', resolutionState: 'running' });
    const again = await act(q.id, 'answer', { answer: '再答一次' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INQUIRY_ILLEGAL_ACTION', state: 'answered', allowedActions: ['close', 'convert'] });
    const stale = await act(q.id, 'close', { expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');

    const closed = (await act(q.id, 'close', { note: '客户表示已了解' }).expect(200)).body;
    expect(closed).toMatchObject({ state: 'closed', allowedActions: [] });
    expect(closed.closedAt).toBeTruthy();
    expect(closed.sla).toMatchObject({ responseState: 'stopped', resolutionState: 'stopped', breached: false });
    await act(q.id, 'close').expect(409);

    const timeline = (await t.http().get(`/api/v1/inquiries/${q.id}/timeline`).set(bearer(agent)).expect(200)).body;
    expect(timeline.map((e: { type: string; data: { to?: string } }) => `${e.type}:${e.data.to ?? ''}`)).toEqual([
      'created:',
      'state_changed:answered',
      'state_changed:closed',
    ]);
    const events = await t.dataSource.query(`SELECT type, data FROM outbox_events WHERE data->>'inquiryId' = $1 ORDER BY seq`, [q.id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['inquiry.created', 'inquiry.answered', 'inquiry.closed']);
    expect(JSON.stringify(events)).not.toContain(q.callerMobile.slice(7)); // no caller number in events
    const audit = await t.http().get(`/api/v1/audit?entity=inquiry&entityId=${q.id}`).set(bearer(director)).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual([
      'inquiry.answered',
      'inquiry.closed',
      'inquiry.created',
    ]);
    const [ix] = await t.dataSource.query(`SELECT state, is_open FROM case_index WHERE kind = 'inquiry' AND id = $1`, [q.id]);
    expect(ix).toEqual({ state: 'closed', is_open: false });
  });

  it('computes the priority: P3, P2 when urgent, then tier and green channel', async () => {
    for (const [tier, greenChannel, urgent, expected] of [
      ['key', false, true, 'P2'],
      ['standard', false, false, 'P4'],
      ['standard', false, true, 'P3'],
      ['key', true, true, 'P1'],
    ] as const) {
      const c = await customer({ tier, greenChannel });
      const q = await ask({ customerId: c.id, urgent });
      expect({ tier, greenChannel, urgent, priority: q.priority }).toEqual({ tier, greenChannel, urgent, priority: expected });
      expect(q.sla.policyKey).toBe(`inquiry:${expected}`);
    }
  });

  it('raises a response breach for an unanswered inquiry, none for one answered in time; the breached one leads the console queue', async () => {
    await setPolicy('inquiry:P1', 2, 600, 50);
    const c = await customer({ tier: 'key', greenChannel: true });
    const answeredInTime = await ask({ customerId: c.id, urgent: true });
    const left = await ask({ customerId: c.id, urgent: true });
    expect([answeredInTime.priority, left.priority]).toEqual(['P1', 'P1']);
    await act(answeredInTime.id, 'answer', { answer: '已答复' }).expect(200);
    await waitFor(
      async () => (await alertsOf(left.id)).some((a) => a.clock === 'response' && a.level === 'breached'),
      10_000,
      'response breach',
    );
    // past its own response target, every due threshold and timer of it dealt with: an unanswered one would have breached
    await waitForSlaSettled(slaWatch(t), [answeredInTime.id], { past: answeredInTime.sla.responseDueAt });
    expect(await alertsOf(answeredInTime.id)).toEqual([]);
    const queue = (await t.http().get('/api/v1/console/queue?kind=inquiry').set(bearer(agent)).expect(200)).body;
    expect(queue.items[0]).toMatchObject({ kind: 'inquiry', id: left.id, breached: true, customerId: c.id });
    // answered but not closed: still open work, its resolution clock running
    expect(queue.items.map((i: { id: string }) => i.id)).toContain(answeredInTime.id);
    const overview = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(agent)).expect(200)).body;
    expect(overview.openCases.filter((x: { kind: string }) => x.kind === 'inquiry')).toHaveLength(2);
  });

  it('takes an inquiry from a caller who is not a customer: region given or the agent’s own, clocks and alerts with no customer', async () => {
    const foshan = await t.staff(['agent'], ['440600']);
    const q = await ask({}, foshan);
    expect(q).toMatchObject({ customerId: null, region: '440600', priority: 'P3', state: 'open' });
    const given = await ask({ region: '440605' }, foshan);
    expect(given.region).toBe('440605');
    // a province-wide agent's own region is the province
    expect((await ask({}, agent)).region).toBe('440000');
    // an agent of several regions must say where the caller is
    const twoCities = await t.staff(['agent'], ['440600', '440100']);
    const noRegion = await t.http().post('/api/v1/inquiries').set(bearer(twoCities)).send(body());
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.errors[0].field).toBe('region');
    const unknown = await t
      .http()
      .post('/api/v1/inquiries')
      .set(bearer(agent))
      .send(body({ region: '449999' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('region');
    const outside = await t
      .http()
      .post('/api/v1/inquiries')
      .set(bearer(foshan))
      .send(body({ region: '110105' }));
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('INQUIRY_REGION_OUT_OF_SCOPE');

    await setPolicy('inquiry:P2', 1, 600, 50);
    const urgent = await ask({ region: '440605', urgent: true });
    expect(urgent.priority).toBe('P2');
    await waitFor(async () => (await alertsOf(urgent.id)).some((a) => a.level === 'breached'), 10_000, 'breach with no customer');
    expect((await alertsOf(urgent.id)).every((a) => a.customer_id === null)).toBe(true);
    const alerts = (await t.http().get('/api/v1/alerts?kind=inquiry&open=true').set(bearer(agent)).expect(200)).body;
    expect(alerts.items.find((a: { caseId: string }) => a.caseId === urgent.id)).toMatchObject({ customerId: null, region: '440605' });
    const queue = (await t.http().get('/api/v1/console/queue?kind=inquiry&region=440605').set(bearer(agent)).expect(200)).body;
    expect(queue.items.find((i: { id: string }) => i.id === urgent.id)).toMatchObject({
      customerId: null,
      customerName: null,
      breached: true,
    });
    // the Beijing desk does not see Foshan's callers
    const bj = await t.staff(['agent'], ['110000']);
    await t.http().get(`/api/v1/inquiries/${q.id}`).set(bearer(bj)).expect(404);
  });

  it('converts an inquiry into a support request, linked both ways, and closes it', async () => {
    const c = await customer({ tier: 'key' });
    const q = await ask({ customerId: c.id, topic: 'network_design', question: '防汛期间需要应急通信保障' });
    await act(q.id, 'answer', { answer: '转技术支持处理' }).expect(200);
    const missing = await act(q.id, 'convert', { to: 'support' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('category');
    const stray = await act(q.id, 'convert', { to: 'support', category: 'other', order: { items: [] } });
    expect(stray.status).toBe(400);
    expect(stray.body.errors[0].field).toBe('order');
    const converted = await act(q.id, 'convert', { to: 'support', category: 'emergency_communication' });
    expect(converted.status).toBe(201);
    expect(converted.body).toMatchObject({
      state: 'closed',
      convertedTo: { kind: 'support', id: expect.any(String), caseNo: expect.stringMatching(/^SUP-/) },
    });
    expect(converted.body.sla).toMatchObject({ responseState: 'stopped', resolutionState: 'stopped' });
    const support = (await t.http().get(`/api/v1/support-requests/${converted.body.convertedTo.id}`).set(bearer(agent)).expect(200)).body;
    expect(support).toMatchObject({
      inquiryId: q.id,
      customerId: c.id,
      category: 'emergency_communication',
      priority: 'P1',
      description: '防汛期间需要应急通信保障',
      contactName: '张先生',
      contactMobile: q.callerMobile, // already masked for the agent, as on the inquiry
      state: 'acknowledged',
    });
    expect((await get(q.id)).convertedTo.caseNo).toBe(support.caseNo);
    const again = await act(q.id, 'convert', { to: 'support', category: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INQUIRY_ILLEGAL_ACTION');
    const events = await t.dataSource.query(
      `SELECT type, data FROM outbox_events WHERE data->>'inquiryId' = $1 OR data->>'supportRequestId' = $2 ORDER BY seq`,
      [q.id, support.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'inquiry.created',
      'inquiry.answered',
      'support.created',
      'inquiry.closed',
    ]);
    expect(events[2].data.inquiryId).toBe(q.id);
    expect(events[3].data.convertedTo).toEqual({ kind: 'support', id: support.id, caseNo: support.caseNo });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM support_requests WHERE inquiry_id = $1`, [q.id]);
    expect(n).toBe(1);
  });

  it('converts an inquiry into an order through the orders module, linked both ways; the order body’s faults are named under order.', async () => {
    const c = await customer();
    const q = await ask({ customerId: c.id, topic: 'product' });
    const item = {
      action: 'add',
      productCode: 'MPLS_VPN',
      siteId: c.sites[0].id,
      quantity: 1,
      attributes: { bandwidthMbps: 100, qosClass: 'gold' },
    };
    const empty = await act(q.id, 'convert', { to: 'order', order: { acceptedRegion: '440600', items: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('order.items');
    const badAttribute = await act(q.id, 'convert', {
      to: 'order',
      order: { acceptedRegion: '440600', items: [{ ...item, attributes: { bandwidthMbps: 100 } }] },
    });
    expect(badAttribute.status).toBe(400);
    expect(badAttribute.body.errors[0].field).toMatch(/^order\.items\[0\]\.attributes/);
    expect(await t.dataSource.query(`SELECT id FROM orders WHERE inquiry_id = $1`, [q.id])).toEqual([]); // nothing written

    const converted = (await act(q.id, 'convert', { to: 'order', order: { acceptedRegion: '440600', items: [item] } }).expect(201)).body;
    expect(converted).toMatchObject({ state: 'closed', convertedTo: { kind: 'order', caseNo: expect.stringMatching(/^ORD-/) } });
    const order = (await t.http().get(`/api/v1/orders/${converted.convertedTo.id}`).set(bearer(director)).expect(200)).body;
    expect(order).toMatchObject({ customerId: c.id, inquiryId: q.id, state: 'acknowledged' });
    expect(order.workOrders).toHaveLength(1);
    const [created] = await t.dataSource.query(`SELECT data FROM outbox_events WHERE type = 'order.created' AND data->>'orderId' = $1`, [
      order.id,
    ]);
    expect(created).toBeDefined();
  });

  it('converts a non-customer’s inquiry once the customer exists', async () => {
    const q = await ask({ region: '440605' });
    const noCustomer = await act(q.id, 'convert', { to: 'support', category: 'other' });
    expect(noCustomer.status).toBe(409);
    expect(noCustomer.body.code).toBe('INQUIRY_NO_CUSTOMER');
    const c = await customer();
    const noOrder = await act(q.id, 'convert', { to: 'order', customerId: c.id });
    expect(noOrder.status).toBe(400);
    expect(noOrder.body.errors[0].field).toBe('order');
    const converted = (
      await act(q.id, 'convert', { to: 'support', category: 'system_integration', customerId: c.id, description: '对接客户OA系统' }).expect(
        201,
      )
    ).body;
    expect(converted).toMatchObject({ customerId: c.id, state: 'closed' });
    const [ix] = await t.dataSource.query(`SELECT customer_id FROM case_index WHERE kind = 'inquiry' AND id = $1`, [q.id]);
    expect(ix.customer_id).toBe(c.id);
    const other = await customer();
    const q2 = await ask({ customerId: c.id });
    const wrong = await act(q2.id, 'convert', { to: 'support', category: 'other', customerId: other.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('customerId');
  });

  it('names the bad field for bad input and writes nothing', async () => {
    const c = await customer();
    const cases: [Record<string, unknown>, string][] = [
      [body({ callerMobile: '12345678901' }), 'callerMobile'],
      [body({ callerName: '' }), 'callerName'],
      [body({ channel: 'fax', region: '440605' }), 'channel'],
      [body({ topic: 'weather', region: '440605' }), 'topic'],
      [body({ question: 42, region: '440605' }), 'question'],
      [body({ customerId: 'nope' }), 'customerId'],
      [body({ region: '4406' }), 'region'],
      [body({ urgent: 'yes', region: '440605' }), 'urgent'],
      [{ ...body({ region: '440605' }), priority: 'P1' }, 'priority'],
    ];
    for (const [bad, field] of cases) {
      const res = await t
        .http()
        .post('/api/v1/inquiries')
        .set(bearer(agent))
        .send({ ...bad, customerId: bad.customerId ?? c.id });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM inquiries WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(0);
  });

  it('makes one inquiry from 20 concurrent identical POSTs with one Idempotency-Key, and one support request from 20 conversions', async () => {
    const c = await customer();
    const key = unique('inq-');
    const payload = body({ customerId: c.id });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.http().post('/api/v1/inquiries').set(bearer(agent)).set('Idempotency-Key', key).send(payload)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM inquiries WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(1);
    const id = results[0].body.id;
    const [{ clocks }] = await t.dataSource.query(`SELECT count(*)::int AS clocks FROM sla_clocks WHERE case_id = $1`, [id]);
    expect(clocks).toBe(2);

    const convertKey = unique('conv-');
    const conversions = await Promise.all(
      Array.from({ length: 20 }, () =>
        t
          .http()
          .post(`/api/v1/inquiries/${id}/convert`)
          .set(bearer(agent))
          .set('Idempotency-Key', convertKey)
          .send({ to: 'support', category: 'maintenance' }),
      ),
    );
    expect(conversions.map((r) => r.status)).toEqual(Array(20).fill(201));
    const [{ s }] = await t.dataSource.query(`SELECT count(*)::int AS s FROM support_requests WHERE inquiry_id = $1`, [id]);
    expect(s).toBe(1);
    // without the key, concurrent conversions are serialised by the row lock: one wins, the others see a closed inquiry
    const q = await ask({ customerId: c.id });
    const raced = await Promise.all(Array.from({ length: 5 }, () => act(q.id, 'convert', { to: 'support', category: 'other' })));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('masks the caller’s mobile for agents, shows it to directors (audited), and hides other regions’ inquiries', async () => {
    const c = await customer();
    const m = mobile();
    const q = await ask({ customerId: c.id, callerMobile: m });
    expect(q.callerMobile).toBe(`${m.slice(0, 3)}****${m.slice(7)}`);
    expect((await get(q.id, director)).callerMobile).toBe(m);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'inquiry.caller_unmasked' AND entity_id = $1`,
      [q.id],
    );
    expect(n).toBe(1);
    expect(
      (await t.http().get(`/api/v1/inquiries?customerId=${c.id}`).set(bearer(director)).expect(200)).body.items[0].callerMobile,
    ).toContain('****');
    const bj = await t.staff(['agent'], ['110000']);
    await t.http().get(`/api/v1/inquiries/${q.id}`).set(bearer(bj)).expect(404);
    await act(q.id, 'answer', { answer: 'x' }, bj).expect(404);
    await t.http().get(`/api/v1/inquiries/${q.id}/timeline`).set(bearer(bj)).expect(404);
    expect((await t.http().get(`/api/v1/inquiries?customerId=${c.id}`).set(bearer(bj)).expect(200)).body.total).toBe(0);
    await t
      .http()
      .post('/api/v1/inquiries')
      .set(bearer(bj))
      .send(body({ customerId: c.id }))
      .expect(404);
    const billing = await t.staff(['billing'], ['440000']);
    await t
      .http()
      .post('/api/v1/inquiries')
      .set(bearer(billing))
      .send(body({ customerId: c.id }))
      .expect(403);
  });

  it('describes inquiries and support requests in the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const routes: [string, string, string, string[]][] = [
      ['/api/v1/inquiries', 'post', 'inquiries', ['201', '400', '401', '403', '404', '409', '422']],
      ['/api/v1/inquiries', 'get', 'inquiries', ['200', '400', '401']],
      ['/api/v1/inquiries/{id}', 'get', 'inquiries', ['200', '404']],
      ['/api/v1/inquiries/{id}/answer', 'post', 'inquiries', ['200', '400', '403', '404', '409']],
      ['/api/v1/inquiries/{id}/close', 'post', 'inquiries', ['200', '404', '409']],
      ['/api/v1/inquiries/{id}/convert', 'post', 'inquiries', ['201', '400', '404', '409', '422']],
      ['/api/v1/inquiries/{id}/timeline', 'get', 'inquiries', ['200', '404']],
      ['/api/v1/support-requests', 'post', 'support', ['201', '400', '401', '403', '404', '409', '422']],
      ['/api/v1/support-requests', 'get', 'support', ['200', '400']],
      ['/api/v1/support-requests/{id}', 'get', 'support', ['200', '404']],
      ['/api/v1/support-requests/{id}', 'patch', 'support', ['200', '400', '403', '404', '409']],
      ['/api/v1/support-requests/{id}/transitions', 'post', 'support', ['200', '400', '404', '409']],
      ['/api/v1/support-requests/{id}/assign', 'post', 'support', ['200', '400', '404', '409']],
      ['/api/v1/support-requests/{id}/notes', 'post', 'support', ['201', '400', '404']],
      ['/api/v1/support-requests/{id}/timeline', 'get', 'support', ['200', '404']],
      ['/api/v1/support-requests/{id}/feedback', 'post', 'support', ['200', '400', '404', '409']],
    ];
    for (const [path, method, tag, statuses] of routes) {
      const op = doc.paths[path]?.[method];
      expect({ path, method, documented: Boolean(op) }).toEqual({ path, method, documented: true });
      expect(op.tags).toEqual([tag]);
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(statuses));
    }
    expect(doc.components.schemas.CreateInquiryDto.properties.channel.enum).toEqual(['hotline', 'account_manager', 'web', 'walk_in']);
    expect(doc.components.schemas.CreateSupportRequestDto.properties.category.enum).toEqual([
      'network_design',
      'system_integration',
      'maintenance',
      'emergency_communication',
      'other',
    ]);
    expect(doc.components.schemas.InquiryDto.properties.convertedTo).toBeDefined();
    expect(doc.components.schemas.SupportRequestDto.properties.inquiryId).toBeDefined();
    const events = doc.components.schemas.CreateWebhookDto?.properties?.events?.items?.enum ?? JSON.stringify(doc);
    for (const e of ['inquiry.created', 'inquiry.answered', 'support.created', 'support.state_changed']) expect(events).toContain(e);
  });

  it('delivers inquiry and support events as signed webhooks', async () => {
    const secret = 'whsec-inquiry-support-0123456789';
    const hook = receiver.endpoint(secret);
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url: hook.url, events: ['inquiry.created', 'inquiry.answered', 'support.created', 'support.state_changed'], secret })
      .expect(201);
    const c = await customer();
    const q = await ask({ customerId: c.id });
    await act(q.id, 'answer', { answer: '转工程师' }).expect(200);
    const converted = (await act(q.id, 'convert', { to: 'support', category: 'maintenance' }).expect(201)).body;
    await t
      .http()
      .post(`/api/v1/support-requests/${converted.convertedTo.id}/transitions`)
      .set(bearer(agent))
      .send({ to: 'in_progress' })
      .expect(200);
    const types = () => receiver.at(hook.path).map((h) => h.body.type);
    await waitFor(async () => types().length >= 4, 10_000, 'four webhooks');
    expect(types()).toEqual(['inquiry.created', 'inquiry.answered', 'support.created', 'support.state_changed']);
    for (const h of receiver.at(hook.path)) {
      expect(h.signatureOk).toBe(true);
      expect(h.headers['x-focusone-event']).toBe(h.body.type);
    }
    expect(receiver.at(hook.path)[3].body.data).toMatchObject({
      supportRequestId: converted.convertedTo.id,
      from: 'acknowledged',
      to: 'in_progress',
    });
  });
});
