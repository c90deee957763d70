import { customerBody, faultBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/** Issue 11, point 7: alerts a person can work with (notes, a case at once, an event) and partial SLA policy edits with a floor. */
describe('alert acknowledgement and SLA policy edits', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let gdDirector: StaffLogin;
  let bjDirector: StaffLogin;

  beforeAll(async () => {
    // A floor of 2 s: the alerts below need a 2 s clock, the floor test asks for 1 s.
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1', SLA_MIN_SECONDS: '2' });
    [agent, gdDirector, bjDirector] = await Promise.all([
      t.staff(['agent'], ['440000']),
      t.staff(['director'], ['440000']),
      t.staff(['director'], ['110000']),
    ]);
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
    // A complaint's response clock of 2 s: warning, breach and both escalations within seconds.
    await t
      .http()
      .put('/api/v1/sla/policies/complaint:P1')
      .set(bearer(t.admin))
      .send({ responseSeconds: 2, resolutionSeconds: 600, warnAtPercent: 50 })
      .expect(200);
  });
  afterAll(() => t?.close());

  interface AlertRow {
    id: string;
    level: string;
    acknowledged_at: Date | null;
  }
  const alertsOf = (caseId: string): Promise<AlertRow[]> =>
    t.dataSource.query(`SELECT id, level, acknowledged_at FROM alerts WHERE case_id = $1 ORDER BY raised_at, id`, [caseId]);
  /** A complaint whose response clock has raised all four levels. */
  const complaintWithAlerts = async () => {
    const c = (await t.http().post('/api/v1/customers').set(bearer(gdDirector)).send(customerBody()).expect(201)).body;
    const complaint = (
      await t
        .http()
        .post('/api/v1/faults')
        .set(bearer(agent))
        .send(faultBody(c.id, { category: 'complaint' }))
        .expect(201)
    ).body;
    const alerts = await waitFor(
      async () => ((await alertsOf(complaint.id)).length >= 4 ? alertsOf(complaint.id) : null),
      20_000,
      'four alerts',
    );
    return { complaint, alerts };
  };
  const eventsFor = (alertIds: string[]) =>
    t.dataSource.query<{ data: Record<string, unknown> }[]>(
      `SELECT data FROM outbox_events WHERE type = 'alert.acknowledged' AND data->>'alertId' = ANY($1) ORDER BY id`,
      [alertIds],
    );

  describe('POST /alerts/:id/ack {note}', () => {
    it('keeps the note on the alert, in the audit log and in one alert.acknowledged event; acknowledging again changes nothing', async () => {
      const { alerts } = await complaintWithAlerts();
      const id = alerts[0].id;
      await t.http().post(`/api/v1/alerts/${id}/ack`).set(bearer(bjDirector)).send({ note: 'x' }).expect(404);
      const res = await t.http().post(`/api/v1/alerts/${id}/ack`).set(bearer(agent)).send({ note: '  已电话联系客户  ' }).expect(200);
      expect(res.body).toMatchObject({
        id,
        acknowledgedBy: agent.id,
        acknowledgedNote: '已电话联系客户',
        acknowledgedAt: expect.any(String),
      });
      const again = await t.http().post(`/api/v1/alerts/${id}/ack`).set(bearer(gdDirector)).send({ note: '第二次' }).expect(200);
      expect(again.body).toMatchObject({
        acknowledgedBy: agent.id,
        acknowledgedNote: '已电话联系客户',
        acknowledgedAt: res.body.acknowledgedAt,
      });
      const listed = (await t.http().get(`/api/v1/alerts?open=false&limit=100`).set(bearer(agent)).expect(200)).body.items;
      expect(listed.find((a: { id: string }) => a.id === id).acknowledgedNote).toBe('已电话联系客户');
      const events = await eventsFor([id]);
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ alertId: id, acknowledgedBy: agent.id, note: '已电话联系客户' });
      const audit = await t.dataSource.query(`SELECT changes FROM audit_log WHERE entity = 'alert' AND entity_id = $1`, [id]);
      expect(audit).toEqual([{ changes: expect.objectContaining({ note: '已电话联系客户' }) }]);
    });

    it('still takes no body at all, and refuses a note that is too long or not text', async () => {
      const { alerts } = await complaintWithAlerts();
      await t
        .http()
        .post(`/api/v1/alerts/${alerts[0].id}/ack`)
        .set(bearer(agent))
        .send({ note: 'x'.repeat(1001) })
        .expect(400);
      await t.http().post(`/api/v1/alerts/${alerts[0].id}/ack`).set(bearer(agent)).send({ note: 5 }).expect(400);
      expect((await t.http().post(`/api/v1/alerts/${alerts[0].id}/ack`).set(bearer(agent)).expect(200)).body.acknowledgedNote).toBeNull();
    });
  });

  describe('POST /alerts/ack {caseId}', () => {
    it('acknowledges every open alert of the case at once, with the note, and says which', async () => {
      const { complaint, alerts } = await complaintWithAlerts();
      await t.http().post(`/api/v1/alerts/${alerts[0].id}/ack`).set(bearer(agent)).expect(200);
      const open = (await alertsOf(complaint.id)).filter((a) => !a.acknowledged_at).map((a) => a.id);
      const res = await t.http().post('/api/v1/alerts/ack').set(bearer(agent)).send({ caseId: complaint.id, note: '批量确认' }).expect(200);
      expect(res.body.caseId).toBe(complaint.id);
      expect(res.body.alertIds.sort()).toEqual([...open].sort());
      expect(res.body.acknowledged).toBe(open.length);
      expect((await alertsOf(complaint.id)).filter((a) => !a.acknowledged_at)).toEqual([]);
      expect((await eventsFor(open)).map((e) => e.data.note)).toEqual(open.map(() => '批量确认'));
      // nothing left open: 200 with none
      const again = await t.http().post('/api/v1/alerts/ack').set(bearer(agent)).send({ caseId: complaint.id }).expect(200);
      expect(again.body).toEqual({ caseId: complaint.id, acknowledged: 0, alertIds: [] });
    });

    it('answers 404 for another region’s director and an unknown case, 400 for a bad or missing caseId', async () => {
      const { complaint } = await complaintWithAlerts();
      await t.http().post('/api/v1/alerts/ack').set(bearer(bjDirector)).send({ caseId: complaint.id }).expect(404);
      expect((await alertsOf(complaint.id)).every((a) => !a.acknowledged_at)).toBe(true);
      await t.http().post('/api/v1/alerts/ack').set(bearer(agent)).send({ caseId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      const bad = await t.http().post('/api/v1/alerts/ack').set(bearer(agent)).send({ caseId: 'FLT-1' }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['caseId']);
      const missing = await t.http().post('/api/v1/alerts/ack').set(bearer(agent)).send({}).expect(400);
      expect(missing.body.errors).toEqual([{ field: 'caseId', message: 'is required' }]);
    });

    it('acknowledges each alert exactly once when case and single acknowledgements race', async () => {
      const { complaint, alerts } = await complaintWithAlerts();
      const who = [agent, gdDirector, agent, gdDirector];
      const results = await Promise.all([
        ...who.map((w) => t.http().post('/api/v1/alerts/ack').set(bearer(w)).send({ caseId: complaint.id })),
        ...alerts.map((a) => t.http().post(`/api/v1/alerts/${a.id}/ack`).set(bearer(agent))),
      ]);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      const byCase = results.slice(0, who.length).flatMap((r) => r.body.alertIds as string[]);
      expect(new Set(byCase).size).toBe(byCase.length); // no alert acknowledged by two case calls
      const ids = (await alertsOf(complaint.id)).filter((a) => alerts.some((x) => x.id === a.id));
      expect(ids.every((a) => a.acknowledged_at)).toBe(true);
      const events = await eventsFor(alerts.map((a) => a.id));
      expect(events.map((e) => e.data.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
    });
  });

  describe('PUT /sla/policies/:key', () => {
    const put = (key: string, body: unknown, who = t.admin) =>
      t
        .http()
        .put(`/api/v1/sla/policies/${key}`)
        .set(bearer(who))
        .send(body as object);
    const policy = async (key: string) =>
      (await t.http().get('/api/v1/sla/policies').set(bearer(agent)).expect(200)).body.find((p: { key: string }) => p.key === key);

    it('keeps the value of every absent field', async () => {
      const before = await policy('support:P3');
      const res = await put('support:P3', { warnAtPercent: before.warnAtPercent === 60 ? 61 : 60 }).expect(200);
      expect(res.body).toMatchObject({
        responseSeconds: before.responseSeconds,
        resolutionSeconds: before.resolutionSeconds,
        warnAtPercent: before.warnAtPercent === 60 ? 61 : 60,
        version: before.version + 1,
      });
      const [audit] = await t.dataSource.query(
        `SELECT changes FROM audit_log WHERE entity = 'sla_policy' AND entity_id = 'support:P3' ORDER BY id DESC LIMIT 1`,
      );
      expect(Object.keys(audit.changes)).toEqual(['warnAtPercent']);
    });

    it('applies two concurrent partial edits both, one after the other', async () => {
      const before = await policy('inquiry:P4');
      const [a, b] = await Promise.all([
        put('inquiry:P4', { responseSeconds: before.responseSeconds + 5 }),
        put('inquiry:P4', { resolutionSeconds: before.resolutionSeconds + 7 }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(await policy('inquiry:P4')).toMatchObject({
        responseSeconds: before.responseSeconds + 5,
        resolutionSeconds: before.resolutionSeconds + 7,
        warnAtPercent: before.warnAtPercent,
        version: before.version + 2,
      });
    });

    it.each([
      ['a response target below SLA_MIN_SECONDS', { responseSeconds: 1 }, 'responseSeconds', 'at least 2 seconds'],
      ['a resolution target below SLA_MIN_SECONDS', { resolutionSeconds: 1 }, 'resolutionSeconds', 'at least 2 seconds'],
      ['a resolution shorter than the kept response', { resolutionSeconds: 3 }, 'resolutionSeconds', 'must not be shorter'],
      ['a response longer than the kept resolution', { responseSeconds: 364 * 86_400 }, 'responseSeconds', 'must not be shorter'],
      ['an empty body', {}, 'responseSeconds', 'at least one of'],
      ['a target out of range', { responseSeconds: 0 }, 'responseSeconds', 'must not be less than 1'],
      ['a target that is no integer', { warnAtPercent: 'most' }, 'warnAtPercent', 'integer'],
      ['an unknown field', { responseMinutes: 5 }, 'responseMinutes', 'should not exist'],
    ])('refuses %s with 400 naming the field, and changes nothing', async (_what, body, field, message) => {
      const before = await policy('fault:P3');
      const res = await put('fault:P3', body).expect(400);
      // a value that was sent lists each rule it breaks (a string breaks the range rules too)
      expect(res.body.errors).toContainEqual({ field, message: expect.stringContaining(message) });
      expect(new Set(res.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
      expect(await policy('fault:P3')).toEqual(before);
    });

    it('is for admins (403), and names a malformed key (400)', async () => {
      await put('fault:P3', { warnAtPercent: 70 }, gdDirector).expect(403);
      const res = await put('fault:P9', { warnAtPercent: 70 }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['key']);
    });
  });
});
