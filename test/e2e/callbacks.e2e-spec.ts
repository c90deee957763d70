import { sampleBucket } from '../../src/callbacks/callback-rules';
import { FaultsService } from '../../src/faults/faults.service';
import { customerBody, faultBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

const SAMPLE_PERCENT = 30;
const HOUR = 3600_000;

/** Satisfaction call-backs (满意度回访, issue 14 point 4) on the real app, PostgreSQL and Redis. */
describe('satisfaction call-backs', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let agent2: StaffLogin;
  let bjAgent: StaffLogin;
  let director: StaffLogin;
  let am: StaffLogin;
  let engineer: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ CALLBACK_SAMPLE_PERCENT: String(SAMPLE_PERCENT), CALLBACK_DUE_HOURS: '48' });
    [agent, agent2, bjAgent, director, am, engineer] = await Promise.all([
      t.staff(['agent'], ['440000']),
      t.staff(['agent'], ['440600']),
      t.staff(['agent'], ['110000']),
      t.staff(['director'], ['440000']),
      t.staff(['account_manager'], ['440600']),
      t.staff(['engineer'], ['440600']),
    ]);
    // Off duty, so no dispatcher touches these tests' faults.
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
  });
  afterAll(() => t?.close());

  const customer = async (overrides: Record<string, unknown> = {}) =>
    (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ accountManagerId: am.id, ...overrides }))
        .expect(201)
    ).body;
  const move = (path: string, id: string, to: string) =>
    t.http().post(`/api/v1/${path}/${id}/transitions`).set(bearer(agent)).send({ to }).expect(200);
  /** A fault taken and resolved, not yet closed. */
  const resolvedFault = async (customerId: string, overrides: Record<string, unknown> = {}) => {
    const f = (await t.http().post('/api/v1/faults').set(bearer(agent)).send(faultBody(customerId, overrides)).expect(201)).body;
    await move('faults', f.id, 'in_progress');
    await move('faults', f.id, 'resolved');
    return f;
  };
  const closedFault = async (customerId: string, overrides: Record<string, unknown> = {}) => {
    const f = await resolvedFault(customerId, overrides);
    await move('faults', f.id, 'closed');
    return f;
  };
  const callbacksOf = (caseId: string) =>
    t.dataSource.query<{ id: string; selected_by: string; due_at: Date; state: string; callback_no: string }[]>(
      `SELECT id, selected_by, due_at, state, callback_no FROM callbacks WHERE case_id = $1`,
      [caseId],
    );
  const callbackOf = async (caseId: string) => {
    const found = await callbacksOf(caseId);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const get = (id: string, who: StaffLogin) => t.http().get(`/api/v1/callbacks/${id}`).set(bearer(who));
  const attempt = (id: string, body: Record<string, unknown>, who = agent, key = unique('k')) =>
    t.http().post(`/api/v1/callbacks/${id}/attempts`).set(bearer(who)).set('Idempotency-Key', key).send(body);
  const complaint = (id: string, body: Record<string, unknown> = {}, who = agent, key = unique('k')) =>
    t.http().post(`/api/v1/callbacks/${id}/complaint`).set(bearer(who)).set('Idempotency-Key', key).send(body);
  const auditRows = (entityId: string, action: string) =>
    t.dataSource.query<{ actor_username: string; changes: Record<string, unknown> | null }[]>(
      `SELECT actor_username, changes FROM audit_log WHERE entity_id = $1 AND action = $2 ORDER BY id`,
      [entityId, action],
    );
  const events = (type: string, callbackId: string) =>
    t.dataSource.query<{ data: Record<string, unknown> }[]>(`SELECT data FROM outbox_events WHERE type = $1 AND data->>'callbackId' = $2`, [
      type,
      callbackId,
    ]);

  it('calls strategic and key customers and green-channel cases back, due 48 h after the close, with callback.created', async () => {
    for (const [overrides, selectedBy] of [
      [{ tier: 'strategic' }, 'tier'],
      [{ tier: 'key' }, 'tier'],
      [{ tier: 'standard', greenChannel: true }, 'green_channel'],
    ] as const) {
      const c = await customer(overrides);
      const f = await closedFault(c.id);
      const cb = await callbackOf(f.id);
      expect(cb).toMatchObject({ selected_by: selectedBy, state: 'pending', callback_no: expect.stringMatching(/^CB-\d{8}-\d{6}$/) });
      const [{ closed_at }] = await t.dataSource.query(`SELECT closed_at FROM case_index WHERE kind = 'fault' AND id = $1`, [f.id]);
      expect(cb.due_at.getTime() - closed_at.getTime()).toBe(48 * HOUR);
      const [created] = await events('callback.created', cb.id);
      expect(created.data).toMatchObject({
        callbackId: cb.id,
        caseId: f.id,
        caseNumber: f.caseNo,
        customerId: c.id,
        region: f.region,
        dueAt: cb.due_at.toISOString(),
      });
      // the closed case's timeline names it
      const timeline = (await t.http().get(`/api/v1/faults/${f.id}/timeline`).set(bearer(agent)).expect(200)).body;
      expect(timeline.map((e: { type: string }) => e.type)).toContain('callback_scheduled');
    }
  });

  it('samples standard cases by case id (CALLBACK_SAMPLE_PERCENT), and never calls back a case that is not closed', async () => {
    const c = await customer({ tier: 'standard', greenChannel: false });
    const seen = { sampled: 0, skipped: 0 };
    // until both outcomes were seen at least twice (30 %: a handful of cases), at most 40
    for (let i = 0; i < 40 && (seen.sampled < 2 || seen.skipped < 2); i++) {
      const f = await closedFault(c.id);
      const expected = sampleBucket(f.id) < SAMPLE_PERCENT;
      const found = await callbacksOf(f.id);
      expect({ id: f.id, calledBack: found.length === 1 }).toEqual({ id: f.id, calledBack: expected });
      if (expected) expect(found[0].selected_by).toBe('sample');
      seen[expected ? 'sampled' : 'skipped'] += 1;
    }
    expect(seen.sampled).toBeGreaterThanOrEqual(2);
    expect(seen.skipped).toBeGreaterThanOrEqual(2);

    const key = await customer({ tier: 'key' });
    const resolved = await resolvedFault(key.id);
    const cancelled = (await t.http().post('/api/v1/faults').set(bearer(agent)).send(faultBody(key.id)).expect(201)).body;
    await move('faults', cancelled.id, 'cancelled');
    expect(await callbacksOf(resolved.id)).toEqual([]);
    expect(await callbacksOf(cancelled.id)).toEqual([]);
  });

  it('calls back a closed support request, naming its contact', async () => {
    const c = await customer({ tier: 'key' });
    const contactMobile = mobile();
    const sr = (
      await t
        .http()
        .post('/api/v1/support-requests')
        .set(bearer(agent))
        .send({ customerId: c.id, category: 'maintenance', description: '巡检', contactName: '王工', contactMobile })
        .expect(201)
    ).body;
    await move('support-requests', sr.id, 'in_progress');
    await move('support-requests', sr.id, 'resolved');
    await move('support-requests', sr.id, 'closed');
    const cb = await callbackOf(sr.id);
    const view = (await get(cb.id, director).expect(200)).body;
    expect(view).toMatchObject({ caseKind: 'support', caseNumber: sr.caseNo, contactName: '王工', contactMobile, contactMasked: false });
  });

  it('is created once per case: a fix rejected and resolved again is closed once; the automatic close creates it too, once', async () => {
    const c = await customer({ tier: 'key' });
    const f = await resolvedFault(c.id);
    await move('faults', f.id, 'in_progress'); // the customer rejects the fix
    expect(await callbacksOf(f.id)).toEqual([]);
    await move('faults', f.id, 'resolved');
    await move('faults', f.id, 'closed');
    await callbackOf(f.id);
    // closed is final: no second closing, no second call-back
    await t.http().post(`/api/v1/faults/${f.id}/transitions`).set(bearer(agent)).send({ to: 'in_progress' }).expect(409);
    expect(await callbacksOf(f.id)).toHaveLength(1);

    // left resolved: closed by the upkeep job (called here directly, twice at once), in the same transaction as its call-back
    const auto = await resolvedFault(c.id);
    await t.dataSource.query(`UPDATE faults SET resolved_at = now() - interval '2 hours' WHERE id = $1`, [auto.id]);
    const faults = t.app.get(FaultsService);
    await Promise.all([faults.autoClose(1), faults.autoClose(1)]);
    const cb = await callbackOf(auto.id);
    const [created] = await auditRows(cb.id, 'callback.created');
    expect(created.actor_username).toBe('system');
    expect(await events('callback.created', cb.id)).toHaveLength(1);
  });

  it('commits with the closing or not at all: a call-back that cannot be written leaves the case resolved', async () => {
    const f = await resolvedFault((await customer({ tier: 'key' })).id);
    // a failure injected into the call-back's insert, for this one case (PostgreSQL refusing the write)
    await t.dataSource.query(`
      CREATE FUNCTION refuse_callback() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.case_id = '${f.id}' THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$`);
    await t.dataSource.query(`CREATE TRIGGER refuse_callback BEFORE INSERT ON callbacks FOR EACH ROW EXECUTE FUNCTION refuse_callback()`);
    try {
      const res = await t.http().post(`/api/v1/faults/${f.id}/transitions`).set(bearer(agent)).send({ to: 'closed' });
      expect(res.status).toBe(500);
    } finally {
      await t.dataSource.query(`DROP TRIGGER refuse_callback ON callbacks`);
      await t.dataSource.query(`DROP FUNCTION refuse_callback()`);
    }
    const [row] = await t.dataSource.query(`SELECT state FROM faults WHERE id = $1`, [f.id]);
    expect(row.state).toBe('resolved');
    const closedEvents = await t.dataSource.query(
      `SELECT 1 FROM outbox_events WHERE type = 'fault.state_changed' AND data->>'faultId' = $1 AND data->>'to' = 'closed'`,
      [f.id],
    );
    expect(closedEvents).toEqual([]);
    // closed again, it gets its call-back
    await move('faults', f.id, 'closed');
    await callbackOf(f.id);
  });

  it('runs its own clock (kind callback) in the console queue and the customer overview until it is finished', async () => {
    const c = await customer({ tier: 'key' });
    const f = await closedFault(c.id);
    const cb = await callbackOf(f.id);
    const [clock] = await t.dataSource.query(
      `SELECT clock, state, calendar_key, target_seconds FROM sla_clocks WHERE case_kind = 'callback' AND case_id = $1`,
      [cb.id],
    );
    expect(clock).toEqual({ clock: 'resolution', state: 'running', calendar_key: '24x7', target_seconds: 48 * 3600 });
    const queue = (await t.http().get('/api/v1/console/queue?kind=callback&limit=200').set(bearer(agent)).expect(200)).body;
    expect(queue.items.find((i: { id: string }) => i.id === cb.id)).toMatchObject({
      kind: 'callback',
      caseNo: cb.callback_no,
      state: 'pending',
      nextDueClock: 'resolution',
      nextDueAt: cb.due_at.toISOString(),
    });
    const overview = (await t.http().get(`/api/v1/customers/${c.id}/overview`).set(bearer(agent)).expect(200)).body;
    expect(overview.openCases.map((o: { kind: string; id: string }) => [o.kind, o.id])).toContainEqual(['callback', cb.id]);

    await attempt(cb.id, { reached: true, score: 5 }).expect(201);
    const after = (await t.http().get('/api/v1/console/queue?kind=callback&limit=200').set(bearer(agent)).expect(200)).body;
    expect(after.items.map((i: { id: string }) => i.id)).not.toContain(cb.id);
    const [stopped] = await t.dataSource.query(`SELECT state FROM sla_clocks WHERE case_kind = 'callback' AND case_id = $1`, [cb.id]);
    expect(stopped.state).toBe('stopped');
  });

  it('retries an unanswered call up to three attempts, then marks it unreachable and takes no more', async () => {
    const f = await closedFault((await customer({ tier: 'key' })).id);
    const { id } = await callbackOf(f.id);
    const first = (await attempt(id, { reached: false, comment: '无人接听' }).expect(201)).body;
    expect(first).toMatchObject({ state: 'in_progress', attempts: 1, score: null, clock: { state: 'running' } });
    expect((await attempt(id, { reached: false }).expect(201)).body).toMatchObject({ state: 'in_progress', attempts: 2 });
    const third = (await attempt(id, { reached: false }).expect(201)).body;
    expect(third).toMatchObject({ state: 'unreachable', attempts: 3, clock: { state: 'stopped' }, finishedAt: expect.any(String) });
    expect(third.attemptLog.map((a: { n: number; reached: boolean }) => [a.n, a.reached])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    const refused = await attempt(id, { reached: true, score: 5 }).expect(409);
    expect(refused.body).toMatchObject({ code: 'CALLBACK_FINISHED', state: 'unreachable' });
    const [{ is_open }] = await t.dataSource.query(`SELECT is_open FROM case_index WHERE kind = 'callback' AND id = $1`, [id]);
    expect(is_open).toBe(false);
  });

  it('records a score: 3–5 is done quietly, 1–2 raises callback.low_score for the account manager', async () => {
    const c = await customer({ tier: 'key' });
    const good = await callbackOf((await closedFault(c.id)).id);
    const done = (await attempt(good.id, { reached: true, score: 4, comment: '满意' }).expect(201)).body;
    expect(done).toMatchObject({ state: 'done', score: 4, comment: '满意', clock: { state: 'stopped', breached: false } });
    expect(await events('callback.low_score', good.id)).toEqual([]);

    const bad = await callbackOf((await closedFault(c.id)).id);
    await attempt(bad.id, { reached: false }).expect(201);
    const low = (await attempt(bad.id, { reached: true, score: 2, reasons: ['修复慢', '沟通差'], comment: '不满意' }).expect(201)).body;
    expect(low).toMatchObject({ state: 'done', score: 2, attempts: 2, reasons: ['修复慢', '沟通差'] });
    const [event] = await events('callback.low_score', bad.id);
    expect(event.data).toMatchObject({
      score: 2,
      reasons: ['修复慢', '沟通差'],
      accountManagerId: am.id,
      attemptedBy: agent.id,
      customerId: c.id,
    });
  });

  it('turns a low score into a complaint in one call, linked both ways, once however often it is asked', async () => {
    const c = await customer({ tier: 'key' });
    const f = await closedFault(c.id);
    const { id } = await callbackOf(f.id);
    await attempt(id, { reached: true, score: 1, reasons: ['反复故障'] }).expect(201);
    const key = unique('k');
    const raised = (await complaint(id, { severity: 'critical' }, agent, key).expect(201)).body;
    expect(raised.complaintId).toEqual(expect.any(String));
    expect(raised.complaintNo).toMatch(/^CMP-\d{8}-\d{6}$/);
    const cmp = (await t.http().get(`/api/v1/faults/${raised.complaintId}`).set(bearer(director)).expect(200)).body;
    expect(cmp).toMatchObject({ category: 'complaint', severity: 'critical', customerId: c.id, reporterMobile: expect.any(String) });
    expect(cmp.description).toContain(f.caseNo);
    const timeline = (await t.http().get(`/api/v1/faults/${raised.complaintId}/timeline`).set(bearer(director)).expect(200)).body;
    expect(timeline[0].data.origin).toMatchObject({ callbackId: id, caseId: f.id, caseNumber: f.caseNo });
    const original = (await t.http().get(`/api/v1/faults/${f.id}/timeline`).set(bearer(director)).expect(200)).body;
    expect(original.find((e: { type: string }) => e.type === 'complaint_raised').data).toMatchObject({ complaintId: raised.complaintId });

    // the same key replays; another key, or four at once, answer the same complaint
    const replay = await complaint(id, { severity: 'critical' }, agent, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const again = await Promise.all([1, 2, 3, 4].map(() => complaint(id)));
    expect(again.map((r) => [r.status, r.body.complaintId])).toEqual(again.map(() => [201, raised.complaintId]));
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM faults WHERE customer_id = $1 AND category = 'complaint'`, [
      c.id,
    ]);
    expect(n).toBe(1);
    expect(await auditRows(id, 'callback.complaint_raised')).toHaveLength(1);

    // not from a good score, nor before it is done
    const fine = await callbackOf((await closedFault(c.id)).id);
    expect((await complaint(fine.id).expect(409)).body.code).toBe('CALLBACK_NOT_LOW_SCORE');

    // the list names the complaint of the call-back that has one, and none for the others (one read for the page)
    const listed = (await t.http().get('/api/v1/callbacks?limit=200').set(bearer(director)).expect(200)).body.items as {
      id: string;
      complaintNo: string | null;
    }[];
    expect(listed.find((r) => r.id === id)?.complaintNo).toBe(raised.complaintNo);
    expect(listed.find((r) => r.id === fine.id)?.complaintNo).toBeNull();
    await attempt(fine.id, { reached: true, score: 3 }).expect(201);
    expect((await complaint(fine.id).expect(409)).body.code).toBe('CALLBACK_NOT_LOW_SCORE');
  });

  it('refuses bad attempts with a 400 naming the field, and writes nothing', async () => {
    const { id } = await callbackOf((await closedFault((await customer({ tier: 'key' })).id)).id);
    for (const [body, field] of [
      [{ reached: true }, 'score'],
      [{ reached: false, score: 3 }, 'score'],
      [{ reached: true, score: 6 }, 'score'],
      [{ reached: true, score: 0 }, 'score'],
      [{ reached: 'yes', score: 3 }, 'reached'],
      [{ reached: true, score: 3, reasons: 'slow' }, 'reasons'],
      [{ reached: true, score: 3, reasons: Array.from({ length: 11 }, () => 'x') }, 'reasons'],
      [{ reached: true, score: 3, mood: 'good' }, 'mood'],
    ] as const) {
      const res = await attempt(id, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await t.http().post('/api/v1/callbacks/not-a-uuid/attempts').set(bearer(agent)).send({ reached: false }).expect(400);
    await attempt('00000000-0000-4000-8000-000000000000', { reached: false }).expect(404);
    await attempt(id, { reached: false, expectedVersion: 7 }).expect(409);
    const [{ attempts }] = await t.dataSource.query(`SELECT attempts FROM callbacks WHERE id = $1`, [id]);
    expect(attempts).toBe(0);
  });

  it('replays an attempt for the same Idempotency-Key and body, refuses the key with another body (422)', async () => {
    const { id } = await callbackOf((await closedFault((await customer({ tier: 'key' })).id)).id);
    const key = unique('k');
    const first = await attempt(id, { reached: false }, agent, key).expect(201);
    const again = await attempt(id, { reached: false }, agent, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.attempts).toBe(first.body.attempts);
    await attempt(id, { reached: true, score: 4 }, agent, key).expect(422);
    const [{ attempts }] = await t.dataSource.query(`SELECT attempts FROM callbacks WHERE id = $1`, [id]);
    expect(attempts).toBe(1);
  });

  it('is region-scoped: another region’s call-back is a 404 and missing from lists; only the call-back desk’s roles reach it', async () => {
    const c = await customer({ tier: 'key' });
    const { id, callback_no } = await callbackOf((await closedFault(c.id)).id);
    await get(id, bjAgent).expect(404);
    await get(callback_no, bjAgent).expect(404);
    await attempt(id, { reached: false }, bjAgent).expect(404);
    await complaint(id, {}, bjAgent).expect(404);
    const bjList = (await t.http().get('/api/v1/callbacks?limit=200').set(bearer(bjAgent)).expect(200)).body;
    expect(bjList.items.map((i: { id: string }) => i.id)).not.toContain(id);
    for (const path of ['/api/v1/callbacks', `/api/v1/callbacks/${id}`]) {
      await t.http().get(path).set(bearer(engineer)).expect(403);
    }
    await attempt(id, { reached: false }, engineer).expect(403);
    await t.http().get('/api/v1/callbacks').expect(401);

    // in scope: by id and by number, in the list filtered by region and state
    expect((await get(callback_no, agent).expect(200)).body.id).toBe(id);
    const mine = (await t.http().get('/api/v1/callbacks?region=4406&state=pending&limit=200').set(bearer(agent)).expect(200)).body;
    expect(mine.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(mine.items.every((i: { state: string; region: string }) => i.state === 'pending' && i.region.startsWith('4406'))).toBe(true);
    const other = (await t.http().get('/api/v1/callbacks?region=11&limit=200').set(bearer(agent)).expect(200)).body;
    expect(other.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await t.http().get('/api/v1/callbacks?state=closed').set(bearer(agent)).expect(400);
    await t.http().get('/api/v1/callbacks?region=4').set(bearer(agent)).expect(400);
    // the account manager sees their customer's call-backs
    expect((await get(id, am).expect(200)).body.id).toBe(id);
  });

  it('shows the contact in full to the agent working the call-back (audited), masked to others and in lists', async () => {
    const reporterMobile = mobile();
    const c = await customer({ tier: 'key' });
    const f = await closedFault(c.id, { reporterMobile });
    const { id } = await callbackOf(f.id);
    const masked = `${reporterMobile.slice(0, 3)}****${reporterMobile.slice(7)}`;

    // nobody has called yet: an agent of the region opens it to call
    expect((await get(id, agent2).expect(200)).body).toMatchObject({ contactMobile: reporterMobile, contactMasked: false });
    expect((await auditRows(id, 'callback.contact_unmasked')).map((r) => r.actor_username)).toEqual([agent2.username]);
    // agent2 calls: from now on they work it; the other agent sees it masked, and that read is not an unmasked one
    await attempt(id, { reached: false }, agent2).expect(201);
    expect((await get(id, agent).expect(200)).body).toMatchObject({ contactMobile: masked, contactMasked: true });
    expect((await get(id, agent2).expect(200)).body.contactMobile).toBe(reporterMobile);
    expect((await get(id, director).expect(200)).body.contactMobile).toBe(reporterMobile);
    expect((await auditRows(id, 'callback.contact_unmasked')).map((r) => r.actor_username).sort()).toEqual(
      [agent2.username, agent2.username, director.username].sort(),
    );
    const list = (await t.http().get('/api/v1/callbacks?limit=200').set(bearer(director)).expect(200)).body;
    expect(list.items.find((i: { id: string }) => i.id === id)).toMatchObject({ contactMobile: masked, contactMasked: true });
    // the audit rows of the attempt never hold the number
    const [recorded] = await auditRows(id, 'callback.attempt_recorded');
    expect(JSON.stringify(recorded)).not.toContain(reporterMobile);
  });

  it('audits every change: created, each attempt, the complaint', async () => {
    const c = await customer({ tier: 'key' });
    const { id } = await callbackOf((await closedFault(c.id)).id);
    await attempt(id, { reached: false }).expect(201);
    await attempt(id, { reached: true, score: 2 }).expect(201);
    await complaint(id).expect(201);
    expect(await auditRows(id, 'callback.created')).toHaveLength(1);
    const attempts = await auditRows(id, 'callback.attempt_recorded');
    expect(attempts.map((a) => a.changes)).toEqual([
      expect.objectContaining({ n: 1, reached: false, state: { from: 'pending', to: 'in_progress' } }),
      expect.objectContaining({ n: 2, reached: true, score: 2, state: { from: 'in_progress', to: 'done' } }),
    ]);
    expect(attempts.every((a) => a.actor_username === agent.username)).toBe(true);
    expect(await auditRows(id, 'callback.complaint_raised')).toHaveLength(1);
  });

  it('counts concurrent attempts one after another: never more than three, exactly one outcome', async () => {
    const { id } = await callbackOf((await closedFault((await customer({ tier: 'key' })).id)).id);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(id, { reached: false }, i % 2 ? agent : agent2)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409]);
    const [row] = await t.dataSource.query(`SELECT state, attempts, version FROM callbacks WHERE id = $1`, [id]);
    expect(row).toEqual({ state: 'unreachable', attempts: 3, version: 4 });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM callback_attempts WHERE callback_id = $1`, [id]);
    expect(n).toBe(3);

    // a reached call racing unanswered ones: whichever comes first, the call-back ends in exactly one final state
    const other = await callbackOf((await closedFault((await customer({ tier: 'key' })).id)).id);
    const race = await Promise.all([
      attempt(other.id, { reached: true, score: 5 }),
      attempt(other.id, { reached: false }, agent2),
      attempt(other.id, { reached: false }, agent2),
    ]);
    expect(race.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const [final] = await t.dataSource.query(`SELECT state, score FROM callbacks WHERE id = $1`, [other.id]);
    expect(final).toEqual({ state: 'done', score: 5 });
  });
});

/** The call-back's clock is an SLA clock like any other: a late call-back raises its alerts and shows breached in the queue. */
describe('a late call-back', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('breaches on its own clock (kind callback), raised by the SLA engine and shown in the console queue', async () => {
    // due 3.6 s after the close
    t = await startTestApp({ CALLBACK_DUE_HOURS: '0.001', SLA_SWEEP_SECONDS: '1' });
    const [agent, director] = await Promise.all([t.staff(['agent'], ['440000']), t.staff(['director'], ['440000'])]);
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
    const c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ tier: 'strategic' }))
        .expect(201)
    ).body;
    const f = (await t.http().post('/api/v1/faults').set(bearer(agent)).send(faultBody(c.id)).expect(201)).body;
    for (const to of ['in_progress', 'resolved', 'closed']) {
      await t.http().post(`/api/v1/faults/${f.id}/transitions`).set(bearer(agent)).send({ to }).expect(200);
    }
    const [{ id }] = await t.dataSource.query(`SELECT id FROM callbacks WHERE case_id = $1`, [f.id]);
    const levels = await waitFor(
      async () => {
        const rows = await t.dataSource.query<{ level: string }[]>(
          `SELECT level FROM alerts WHERE case_kind = 'callback' AND case_id = $1 ORDER BY raised_at, level`,
          [id],
        );
        return rows.some((r) => r.level === 'breached') ? rows.map((r) => r.level) : null;
      },
      30_000,
      'the call-back’s breach',
    );
    expect(levels).toEqual(expect.arrayContaining(['warning', 'breached']));
    const [event] = await t.dataSource.query(`SELECT data FROM outbox_events WHERE type = 'sla.breached' AND data->>'caseId' = $1`, [id]);
    expect(event.data).toMatchObject({ caseKind: 'callback', clock: 'resolution' });
    const queue = (await t.http().get('/api/v1/console/queue?kind=callback').set(bearer(agent)).expect(200)).body;
    expect(queue.items.find((i: { id: string }) => i.id === id)).toMatchObject({ breached: true });
    // finished late: done, its clock stopped, still counted as breached
    const done = (await t.http().post(`/api/v1/callbacks/${id}/attempts`).set(bearer(agent)).send({ reached: true, score: 5 }).expect(201))
      .body;
    expect(done.clock).toMatchObject({ state: 'stopped', breached: true });
  });
});
