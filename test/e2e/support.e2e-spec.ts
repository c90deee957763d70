import { SupportService } from '../../src/support/support.service';
import { customerBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { slaWatch, waitForClockRun } from '../support/sla';
import { waitFor } from '../support/wait';

/** Technical support on the shared ticket lifecycle: intake, clocks, assignment, notes, feedback, alerts, dispatch. */
describe('technical support requests', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  let engineer: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    agent = await t.staff(['agent'], ['440000']);
    director = await t.staff(['director'], ['440000']);
    engineer = await t.staff(['engineer'], ['440600']);
    // Off duty, so the dispatcher leaves these tests' requests alone (the dispatch test puts its own engineers on duty).
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
  });
  afterAll(() => t?.close());

  const customer = async (overrides: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody(overrides)).expect(201)).body;
  const body = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    category: 'maintenance',
    description: '核心交换机巡检，需工程师上门',
    contactName: '王工',
    contactMobile: mobile(),
    ...overrides,
  });
  const open = async (customerId: string, overrides: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/support-requests').set(bearer(agent)).send(body(customerId, overrides)).expect(201)).body;
  const move = (id: string, to: string, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post(`/api/v1/support-requests/${id}/transitions`)
      .set(bearer(agent))
      .send({ to, ...extra });
  const get = async (id: string, who = agent) => (await t.http().get(`/api/v1/support-requests/${id}`).set(bearer(who)).expect(200)).body;
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
        due_at: Date;
        raised_at: Date;
      }[]
    >(`SELECT clock, level, due_at, raised_at FROM alerts WHERE case_id = $1 ORDER BY raised_at`, [caseId]);

  it('maps the category to a severity, then tier and green channel to the priority, with support clocks', async () => {
    const cases = [
      ['emergency_communication', 'key', false, 'critical', 'P1'],
      ['emergency_communication', 'standard', false, 'critical', 'P2'],
      ['maintenance', 'key', false, 'major', 'P2'],
      ['network_design', 'key', false, 'minor', 'P3'],
      ['system_integration', 'standard', false, 'minor', 'P4'],
      ['other', 'key', true, 'minor', 'P2'],
    ] as const;
    for (const [category, tier, greenChannel, severity, priority] of cases) {
      const c = await customer({ tier, greenChannel });
      const r = await open(c.id, { category });
      expect({ category, tier, greenChannel, severity: r.severity, priority: r.priority }).toEqual({
        category,
        tier,
        greenChannel,
        severity,
        priority,
      });
      expect(r).toMatchObject({ caseNo: expect.stringMatching(/^SUP-\d{8}-\d{6}$/), state: 'acknowledged', version: 1, region: '440605' });
      expect(r.sla).toMatchObject({
        policyKey: `support:${priority}`,
        responseState: 'running',
        resolutionState: 'running',
        breached: false,
      });
    }
  });

  it('takes the site’s region, refuses another customer’s site, and names every bad field', async () => {
    const a = await customer({ sites: [{ name: '北京办事处', region: '110105', address: 'x' }] });
    const b = await customer();
    const r = await t
      .http()
      .post('/api/v1/support-requests')
      .set(bearer(director))
      .send(body(a.id, { siteId: a.sites[0].id }))
      .expect(201);
    expect(r.body.region).toBe('110105');
    const cases: [Record<string, unknown>, string][] = [
      [body(a.id, { siteId: b.sites[0].id }), 'siteId'],
      [body(a.id, { category: 'coffee' }), 'category'],
      [body(a.id, { description: '' }), 'description'],
      [body(a.id, { preferredAt: 'tomorrow' }), 'preferredAt'],
      [body(a.id, { contactMobile: '12345' }), 'contactMobile'],
      [body('not-a-uuid'), 'customerId'],
      [{ ...body(a.id), priority: 'P1' }, 'priority'],
    ];
    for (const [bad, field] of cases) {
      const res = await t.http().post('/api/v1/support-requests').set(bearer(director)).send(bad);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM support_requests WHERE customer_id = $1`, [a.id]);
    expect(n).toBe(1);
  });

  it('refuses a request for an archived customer with its own 409 and writes nothing', async () => {
    const c = await customer();
    await t.http().post(`/api/v1/customers/${c.id}/archive`).set(bearer(director)).send({ reason: '合同终止' }).expect(200);
    const res = await t.http().post('/api/v1/support-requests').set(bearer(director)).send(body(c.id));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'SUPPORT_CUSTOMER_ARCHIVED' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM support_requests WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(0);
  });

  it('makes one request from 20 concurrent identical POSTs with one Idempotency-Key', async () => {
    const c = await customer();
    const key = unique('support-');
    const payload = body(c.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http().post('/api/v1/support-requests').set(bearer(agent)).set('Idempotency-Key', key).send(payload),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM support_requests WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(1);
    const [{ clocks }] = await t.dataSource.query(`SELECT count(*)::int AS clocks FROM sla_clocks WHERE case_id = $1`, [
      results[0].body.id,
    ]);
    expect(clocks).toBe(2);
    const [{ events }] = await t.dataSource.query(
      `SELECT count(*)::int AS events FROM outbox_events WHERE type = 'support.created' AND data->>'supportRequestId' = $1`,
      [results[0].body.id],
    );
    expect(events).toBe(1);
  });

  it('masks the contact’s mobile for agents, shows it to directors (audited), and hides other regions’ requests', async () => {
    const c = await customer();
    const m = mobile();
    const r = await open(c.id, { contactMobile: m });
    expect(r.contactMobile).toBe(`${m.slice(0, 3)}****${m.slice(7)}`);
    expect((await get(r.id, director)).contactMobile).toBe(m);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'support.contact_unmasked' AND entity_id = $1`,
      [r.id],
    );
    expect(n).toBe(1);
    const list = await t.http().get(`/api/v1/support-requests?customerId=${c.id}`).set(bearer(director)).expect(200);
    expect(list.body.items[0].contactMobile).toContain('****');
    const bj = await t.staff(['agent'], ['110000']);
    await t.http().get(`/api/v1/support-requests/${r.id}`).set(bearer(bj)).expect(404);
    await t.http().post(`/api/v1/support-requests/${r.id}/transitions`).set(bearer(bj)).send({ to: 'in_progress' }).expect(404);
    await t.http().get(`/api/v1/support-requests/${r.id}/timeline`).set(bearer(bj)).expect(404);
    expect((await t.http().get(`/api/v1/support-requests?customerId=${c.id}`).set(bearer(bj)).expect(200)).body.total).toBe(0);
    await t.http().post('/api/v1/support-requests').set(bearer(bj)).send(body(c.id)).expect(404);
    const billing = await t.staff(['billing'], ['440000']);
    await t.http().post('/api/v1/support-requests').set(bearer(billing)).send(body(c.id)).expect(403);
  });

  it('walks the whole ticket lifecycle with its clocks, notes, assignment, timeline, feedback, events and audit', async () => {
    await setPolicy('support:P2', 3600, 7200, 75);
    const c = await customer({ tier: 'key' });
    const r = await open(c.id, { category: 'maintenance' });
    expect(r.priority).toBe('P2');
    // assignment: only an active engineer whose regions cover the request's region
    const bjEngineer = await t.staff(['engineer'], ['110000']);
    const bad = await t.http().post(`/api/v1/support-requests/${r.id}/assign`).set(bearer(agent)).send({ engineerId: bjEngineer.id });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'engineerId', message: expect.stringContaining('support request') });
    const assigned = (
      await t.http().post(`/api/v1/support-requests/${r.id}/assign`).set(bearer(agent)).send({ engineerId: engineer.id }).expect(200)
    ).body;
    expect(assigned.assigneeId).toBe(engineer.id);
    expect((await get(r.id, engineer)).contactMobile).not.toContain('****'); // the assignee calls back
    await t.http().post(`/api/v1/support-requests/${r.id}/notes`).set(bearer(agent)).send({ text: '已约客户周五上门' }).expect(201);

    const taken = (await move(r.id, 'in_progress', { expectedVersion: 3 }).expect(200)).body;
    expect(taken.sla).toMatchObject({ responseState: 'stopped', resolutionState: 'running' });
    const stale = await move(r.id, 'held', { expectedVersion: 3, reason: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const noReason = await move(r.id, 'pending');
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');

    const paused = (await move(r.id, 'pending', { reason: '等待客户开放机房' }).expect(200)).body;
    expect(paused.sla.resolutionState).toBe('paused');
    const workedMs = async () =>
      Number(
        (await t.dataSource.query(`SELECT worked_ms FROM sla_clocks WHERE case_id = $1 AND clock = 'resolution'`, [r.id]))[0].worked_ms,
      );
    const worked = await workedMs();
    // a paused clock consumes nothing: its view shows the working time left frozen
    expect((await get(r.id)).sla.resolutionWorkingSecondsRemaining).toBe(Math.trunc((7200_000 - worked) / 1000));
    expect(await workedMs()).toBe(worked);
    const resuming = Date.now();
    const resumed = (await move(r.id, 'in_progress').expect(200)).body;
    const resumedBy = Date.now();
    expect(resumed.sla.resolutionState).toBe('running');
    // the time spent pending does not count: the rest of the 2 h target is laid out from the resume
    const due = new Date(resumed.sla.resolutionDueAt).getTime();
    expect(due).toBeGreaterThanOrEqual(resuming + 7200_000 - worked);
    expect(due).toBeLessThanOrEqual(resumedBy + 7200_000 - worked);

    await move(r.id, 'held', { reason: '等待备件' }).expect(200);
    expect((await get(r.id)).sla.resolutionState).toBe('running'); // held: blocked inside the operator, the clock runs
    await move(r.id, 'in_progress').expect(200);
    await t.http().post(`/api/v1/support-requests/${r.id}/feedback`).set(bearer(agent)).send({ score: 5 }).expect(409);
    const resolved = (await move(r.id, 'resolved', { note: '巡检完成' }).expect(200)).body;
    expect(resolved.sla.resolutionState).toBe('stopped');
    expect(resolved.resolvedAt).toBeTruthy();
    await move(r.id, 'in_progress', { note: '客户反馈仍有告警' }).expect(200); // the customer rejects the fix
    await move(r.id, 'resolved').expect(200);
    const illegal = await move(r.id, 'pending', { reason: 'x' });
    expect(illegal.status).toBe(409);
    expect(illegal.body).toMatchObject({
      code: 'SUPPORT_ILLEGAL_TRANSITION',
      state: 'resolved',
      allowedTransitions: ['closed', 'in_progress'],
    });
    await t.http().post(`/api/v1/support-requests/${r.id}/feedback`).set(bearer(agent)).send({ score: 0 }).expect(400);
    const fb = (
      await t
        .http()
        .post(`/api/v1/support-requests/${r.id}/feedback`)
        .set(bearer(agent))
        .send({ score: 4, comment: '响应及时' })
        .expect(200)
    ).body;
    expect(fb.feedbackScore).toBe(4);
    await t.http().post(`/api/v1/support-requests/${r.id}/feedback`).set(bearer(agent)).send({ score: 5 }).expect(409);
    const closed = (await move(r.id, 'closed').expect(200)).body;
    expect(closed).toMatchObject({ state: 'closed', allowedTransitions: [] });
    expect(closed.closedAt).toBeTruthy();
    expect(closed.sla).toMatchObject({ responseState: 'stopped', resolutionState: 'stopped', breached: false });
    const closedAssign = await t
      .http()
      .post(`/api/v1/support-requests/${r.id}/assign`)
      .set(bearer(agent))
      .send({ engineerId: engineer.id });
    expect(closedAssign.body.code).toBe('SUPPORT_CLOSED');

    const timeline = (await t.http().get(`/api/v1/support-requests/${r.id}/timeline`).set(bearer(agent)).expect(200)).body.filter(
      // customer notices' lines come from the outbox relay, in their own time (test/e2e/customer-notices.e2e-spec.ts)
      (e: { type: string }) => e.type !== 'customer_notice',
    );
    expect(timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'assigned',
      'note',
      ...Array(8).fill('state_changed'),
      'feedback',
      'state_changed',
      // closed: a key customer's case is called back (issue 14, src/callbacks)
      'callback_scheduled',
    ]);
    const events = await t.dataSource.query(`SELECT type, data FROM outbox_events WHERE data->>'supportRequestId' = $1 ORDER BY seq`, [
      r.id,
    ]);
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'support.created',
      'support.assigned',
      ...Array(9).fill('support.state_changed'),
    ]);
    expect(events.at(-1).data).toMatchObject({ caseNo: r.caseNo, from: 'resolved', to: 'closed', state: 'closed' });
    const audit = await t.http().get(`/api/v1/audit?entity=support_request&entityId=${r.id}`).set(bearer(director)).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['support.created', 'support.assigned', 'support.note_added', 'support.state_changed', 'support.feedback']),
    );
    const [ix] = await t.dataSource.query(`SELECT state, is_open, assignee_id FROM case_index WHERE kind = 'support' AND id = $1`, [r.id]);
    expect(ix).toEqual({ state: 'closed', is_open: false, assignee_id: engineer.id });
  });

  it('re-targets on a category change, and takes a green-channel grant from directors only (audited)', async () => {
    await setPolicy('support:P4', 3600, 7200, 75);
    await setPolicy('support:P3', 2, 600, 90);
    const c = await customer({ tier: 'standard' });
    const r = await open(c.id, { category: 'network_design' });
    expect(r.priority).toBe('P4');
    await waitForClockRun(slaWatch(t), r.id, 'response', 2); // longer than the 2 s response target of the new priority
    const stale = await t
      .http()
      .patch(`/api/v1/support-requests/${r.id}`)
      .set(bearer(agent))
      .send({ category: 'maintenance', expectedVersion: 9 });
    expect(stale.body.code).toBe('STALE_VERSION');
    const up = (
      await t
        .http()
        .patch(`/api/v1/support-requests/${r.id}`)
        .set(bearer(agent))
        .send({ category: 'maintenance', expectedVersion: r.version })
        .expect(200)
    ).body;
    expect(up).toMatchObject({ category: 'maintenance', severity: 'major', priority: 'P3' });
    expect(up.sla.policyKey).toBe('support:P3');
    // the elapsed time is kept: due = opened + the new 2 s target, already passed, so the breach fires at once
    expect(new Date(up.sla.responseDueAt).getTime()).toBe(new Date(r.sla.responseDueAt).getTime() - 3600_000 + 2000);
    await waitFor(
      async () => (await alertsOf(r.id)).some((a) => a.clock === 'response' && a.level === 'breached'),
      5000,
      'an immediate breach',
    );
    const denied = await t
      .http()
      .patch(`/api/v1/support-requests/${r.id}`)
      .set(bearer(agent))
      .send({ greenChannel: true, expectedVersion: up.version });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('SUPPORT_GREEN_CHANNEL_NEEDS_DIRECTOR');
    const green = (
      await t
        .http()
        .patch(`/api/v1/support-requests/${r.id}`)
        .set(bearer(director))
        .send({ greenChannel: true, expectedVersion: up.version })
        .expect(200)
    ).body;
    expect(green).toMatchObject({ greenChannel: true, priority: 'P2' });
    const [row] = await t.dataSource.query(`SELECT green_channel_granted_by FROM support_requests WHERE id = $1`, [r.id]);
    expect(row.green_channel_granted_by).toBe(director.id);
    const audit = await t
      .http()
      .get(`/api/v1/audit?entity=support_request&entityId=${r.id}&action=support.green_channel_changed`)
      .set(bearer(director))
      .expect(200);
    expect(audit.body.total).toBe(1);
    const timeline = (await t.http().get(`/api/v1/support-requests/${r.id}/timeline`).set(bearer(agent)).expect(200)).body;
    expect(
      timeline.filter((e: { type: string }) => e.type === 'retargeted').map((e: { data: { priority: unknown } }) => e.data.priority),
    ).toEqual([
      { from: 'P4', to: 'P3' },
      { from: 'P3', to: 'P2' },
    ]);
    const bad = await t
      .http()
      .patch(`/api/v1/support-requests/${r.id}`)
      .set(bearer(agent))
      .send({ category: 'coffee', expectedVersion: green.version });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('category');
  });

  it('keeps two concurrent moves from both winning', async () => {
    const c = await customer();
    const r = await open(c.id);
    const [a, b] = await Promise.all([move(r.id, 'in_progress', { expectedVersion: 1 }), move(r.id, 'cancelled', { expectedVersion: 1 })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it('raises sla.warning, sla.breached and escalations on a support clock, shown in the console queue first', async () => {
    await setPolicy('support:P1', 2, 600, 50);
    const c = await customer({ tier: 'key' });
    const r = await open(c.id, { category: 'emergency_communication' });
    expect(r.priority).toBe('P1');
    const alerts = await waitFor(
      async () => {
        const a = (await alertsOf(r.id)).filter((x) => x.clock === 'response');
        return a.length >= 4 ? a : null;
      },
      10_000,
      'four response alerts',
    );
    expect(alerts.map((a) => a.level)).toEqual(['warning', 'breached', 'escalated_2', 'escalated_3']);
    for (const a of alerts) expect(new Date(a.raised_at).getTime() - new Date(a.due_at).getTime()).toBeLessThan(1000);
    const events = await t.dataSource.query(`SELECT type, data FROM outbox_events WHERE data->>'caseId' = $1 ORDER BY seq`, [r.id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['sla.warning', 'sla.breached', 'sla.escalated', 'sla.escalated']);
    expect(events[0].data).toMatchObject({ caseKind: 'support', caseNo: r.caseNo, customerId: c.id });
    expect((await get(r.id)).sla.breached).toBe(true);
    const timeline = (await t.http().get(`/api/v1/support-requests/${r.id}/timeline`).set(bearer(agent)).expect(200)).body;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached']));
    const queue = (await t.http().get('/api/v1/console/queue?kind=support').set(bearer(agent)).expect(200)).body;
    expect(queue.items[0]).toMatchObject({ kind: 'support', id: r.id, caseNo: r.caseNo, breached: true, customerId: c.id });
    const overview = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(agent)).expect(200)).body;
    expect(overview.openCases.map((x: { kind: string; id: string }) => `${x.kind}/${x.id}`)).toContain(`support/${r.id}`);
    expect(overview.openAlertsTotal).toBe(4);
  });

  it('dispatches a new request to the on-duty engineer of its region with the least open work', async () => {
    const busy = await t.staff(['engineer'], ['440300']);
    const idle = await t.staff(['engineer'], ['440300']);
    const c = await customer({ homeRegion: '440304', sites: [{ name: '福田', region: '440304', address: 'x' }] });
    await t.dataSource.query(`UPDATE staff SET on_duty = (id IN ($1, $2)) WHERE 'engineer' = ANY(roles)`, [busy.id, idle.id]);
    const first = await open(c.id);
    await t.http().post(`/api/v1/support-requests/${first.id}/assign`).set(bearer(agent)).send({ engineerId: busy.id }).expect(200);
    const r = await open(c.id);
    const assigned = await waitFor(async () => (await get(r.id)).assigneeId, 10_000, 'dispatch');
    expect(assigned).toBe(idle.id);
    const timeline = (await t.http().get(`/api/v1/support-requests/${r.id}/timeline`).set(bearer(agent)).expect(200)).body;
    expect(timeline[1]).toMatchObject({ type: 'assigned', actorName: 'system', data: { by: 'dispatch', to: idle.id } });
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
  });

  it('closes requests left resolved past the configured time', async () => {
    const c = await customer();
    const r = await open(c.id);
    await move(r.id, 'in_progress').expect(200);
    await move(r.id, 'resolved').expect(200);
    await t.dataSource.query(`UPDATE support_requests SET resolved_at = now() - interval '73 hours' WHERE id = $1`, [r.id]);
    expect(await t.app.get(SupportService).autoClose(72)).toBeGreaterThanOrEqual(1);
    expect((await get(r.id)).state).toBe('closed');
  });
});
