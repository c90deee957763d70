import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { Receiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait';

/** TMF621 Trouble Ticket over faults and complaints (issue 16, point 2), with its hub events. */
describe('TMF621 Trouble Ticket', () => {
  const ROOT = '/tmf-api/troubleTicket/v4';
  const TT = `${ROOT}/troubleTicket`;
  let t: TestApp;
  let agent: StaffLogin; // one region: Foshan
  let beijing: StaffLogin; // another region
  let nationwide: StaffLogin;
  let director: StaffLogin;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200' });
    agent = await t.staff(['agent'], ['440600']);
    beijing = await t.staff(['agent'], ['110000']);
    nationwide = await t.staff(['agent'], ['CN']);
    director = await t.staff(['director'], ['440000']);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const post = (who: StaffLogin, body: unknown, path = TT) =>
    t
      .http()
      .post(path)
      .set(bearer(who))
      .send(body as object);
  const open = async (body: Record<string, unknown> = {}, who = agent) =>
    (await post(who, { description: 'BGP session down on PE 4406-02', severity: 'High', ticketType: 'device', ...body }).expect(201)).body;
  const patch = (who: StaffLogin, id: string, body: unknown, type = 'application/merge-patch+json') =>
    t.http().patch(`${TT}/${id}`).set(bearer(who)).set('content-type', type).send(JSON.stringify(body));
  const fault = async (id: string) => (await t.http().get(`/api/v1/faults/${id}`).set(bearer(director)).expect(200)).body;
  const customer = async () => (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;

  describe('create', () => {
    it('opens an unlinked fault of the caller’s region, severity and ticketType kept as sent, clocks on the default policy', async () => {
      const tt = await open({ status: 'nanana', id: 'mine', externalId: 'NMS-1', channel: { name: 'nms' } });
      expect(tt).toMatchObject({
        '@type': 'TroubleTicket',
        href: expect.stringMatching(new RegExp(`^http://[^/]+${TT}/${tt.id}$`)),
        description: 'BGP session down on PE 4406-02',
        severity: 'High',
        ticketType: 'device',
        status: 'acknowledged',
        externalId: 'NMS-1',
        channel: { name: 'nms' },
        relatedParty: [],
        statusChange: [{ status: 'acknowledged', changeDate: expect.stringMatching(/Z$/) }],
        creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        region: '440600',
      });
      expect(tt.id).not.toBe('mine');
      const f = await fault(tt.id);
      // High → major → P2 with no customer (no tier, no green channel), on the fault:P2 policy
      expect(f).toMatchObject({
        customerId: null,
        category: 'fault',
        severity: 'major',
        priority: 'P2',
        region: '440600',
        reportedVia: 'oss',
      });
      expect(f.sla.policyKey).toBe('fault:P2');
      expect(tt.expectedResolutionDate).toBe(new Date(f.sla.resolutionDueAt).toISOString());
    });

    it('opens a complaint of the customer relatedParty names, on the site relatedEntity names, notes kept', async () => {
      const c = await customer();
      const site = c.sites[0].id;
      const tt = await open({
        severity: 'Critical',
        ticketType: 'Complain',
        relatedParty: [{ id: c.id, role: 'customer', '@referredType': 'Organization' }],
        relatedEntity: [{ id: site, role: 'affectedSite', '@referredType': 'Site' }],
        note: [
          { author: 'NOC', text: 'first' },
          { text: 'second', date: '2026-11-30T10:00:00+08:00' },
        ],
      });
      expect(tt).toMatchObject({
        severity: 'Critical',
        ticketType: 'Complain',
        relatedParty: [{ id: c.id, role: 'customer' }],
        relatedEntity: [{ id: site, '@referredType': 'Site' }],
        note: [
          { author: 'NOC', text: 'first' },
          { text: 'second', date: '2026-11-30T02:00:00.000Z' },
        ],
        region: '440605',
      });
      const f = await fault(tt.id);
      expect(f).toMatchObject({ customerId: c.id, category: 'complaint', severity: 'critical', siteId: site, priority: 'P1' });
      expect(f.caseNo).toMatch(/^CMP-/);
    });

    it.each([
      ['no ticketType', { description: 'x', severity: 'High' }, 'ticketType'],
      ['no description', { severity: 'High', ticketType: 'device' }, 'description'],
      ['no severity', { description: 'x', ticketType: 'device' }, 'severity'],
      ['note as an object', { description: 'x', severity: 'High', ticketType: 'problem', note: { author: 'a' } }, 'note'],
      ['a note without text', { description: 'x', severity: 'High', ticketType: 'problem', note: [{ author: 'a' }] }, 'note[0].text'],
      [
        'a note with a date without offset',
        { description: 'x', severity: 'High', ticketType: 'p', note: [{ text: 'a', date: '2026-11-30T10:00:00' }] },
        'note[0].date',
      ],
    ])('answers 400 for %s, with the TMF Error naming the field, and writes nothing', async (_, body, field) => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM faults`);
      const res = await t
        .http()
        .post(`${TT}/`)
        .set(bearer(agent))
        .set('content-type', 'application/json;charset=utf-8')
        .send(JSON.stringify(body))
        .expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', status: '400', reason: expect.any(String) });
      expect(res.body.message).toContain(field);
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM faults`)).toEqual(before);
    });

    it('needs a region for an unlinked ticket: 400 for a nationwide caller', async () => {
      const res = await post(nationwide, { description: 'x', severity: 'Low', ticketType: 'device' }).expect(400);
      expect(res.body.message).toContain('relatedParty');
    });
  });

  describe('read', () => {
    it('lists newest first with paging headers, filters and fields', async () => {
      // what the agent sees before this test's two tickets: the total must grow by exactly them
      const totalBefore = Number((await t.http().get(`${TT}?limit=1`).set(bearer(agent)).expect(200)).headers['x-total-count']);
      const a = await open({ severity: 'Low', ticketType: 'connectivity' });
      const b = await open({ severity: 'High', ticketType: 'device' });
      const all = await t.http().get(TT).set(bearer(agent)).expect(200);
      expect(Array.isArray(all.body)).toBe(true);
      expect(all.body.slice(0, 2).map((x: { id: string }) => x.id)).toEqual([b.id, a.id]);
      expect(all.headers['x-total-count']).toBe(String(totalBefore + 2));
      expect(all.headers['x-result-count']).toBe(String(all.body.length));

      const page = await t.http().get(`${TT}?offset=1&limit=1`).set(bearer(agent)).expect(200);
      expect(page.body.map((x: { id: string }) => x.id)).toEqual([a.id]);
      expect(page.headers['x-result-count']).toBe('1');
      expect(page.headers['x-total-count']).toBe(all.headers['x-total-count']);

      const high = (await t.http().get(`${TT}?severity=High`).set(bearer(agent)).expect(200)).body;
      expect(high.map((x: { id: string }) => x.id)).toContain(b.id);
      expect(high.every((x: { severity: string }) => x.severity === 'High')).toBe(true);
      const conn = (await t.http().get(`${TT}?ticketType=connectivity&status=acknowledged`).set(bearer(agent)).expect(200)).body;
      expect(conn.map((x: { id: string }) => x.id)).toContain(a.id);
      expect(conn.map((x: { id: string }) => x.id)).not.toContain(b.id);
      expect((await t.http().get(`${TT}?id=${a.id}`).set(bearer(agent)).expect(200)).body).toHaveLength(1);

      // dates: .gt/.lt around b's creation
      const since = encodeURIComponent(new Date(new Date(b.creationDate).getTime() - 1).toISOString());
      const after = (await t.http().get(`${TT}?creationDate.gt=${since}`).set(bearer(agent)).expect(200)).body;
      expect(after.map((x: { id: string }) => x.id)).toContain(b.id);
      expect(after.map((x: { id: string }) => x.id)).not.toContain(a.id);
      const before = (
        await t
          .http()
          .get(`${TT}?creationDate.lt=${encodeURIComponent(b.creationDate)}`)
          .set(bearer(agent))
          .expect(200)
      ).body;
      expect(before.map((x: { id: string }) => x.id)).toContain(a.id);
      expect(before.map((x: { id: string }) => x.id)).not.toContain(b.id);

      const fields = (await t.http().get(`${TT}?fields=id,severity&limit=2`).set(bearer(agent)).expect(200)).body;
      for (const x of fields) expect(Object.keys(x).sort()).toEqual(['id', 'severity']);
      const one = (await t.http().get(`${TT}/${b.id}?fields=severity,status`).set(bearer(agent)).expect(200)).body;
      expect(one).toEqual({ severity: 'High', status: 'acknowledged' });

      await t.http().get(`${TT}?colour=red`).set(bearer(agent)).expect(400);
      await t.http().get(`${TT}?creationDate.gt=yesterday`).set(bearer(agent)).expect(400);
    });

    it('shows a console fault with the table’s names for its severity and kind', async () => {
      const c = await customer();
      const f = (
        await t
          .http()
          .post('/api/v1/faults')
          .set(bearer(director))
          .send({
            customerId: c.id,
            category: 'fault',
            severity: 'minor',
            title: 't',
            description: 'd',
            reportedVia: 'hotline',
            reporterName: '李娜',
            reporterMobile: '13812345678',
          })
          .expect(201)
      ).body;
      const tt = (await t.http().get(`${TT}/${f.id}`).set(bearer(agent)).expect(200)).body;
      expect(tt).toMatchObject({
        id: f.id,
        severity: 'Minor',
        ticketType: 'fault',
        channel: { name: 'hotline' },
        relatedParty: [{ id: c.id }],
      });
    });

    it('answers 404 for an unknown id of any format and for a ticket of another region', async () => {
      const tt = await open();
      await t.http().get(`${TT}/46846846846`).set(bearer(agent)).expect(404);
      const res = await t.http().get(`${TT}/00000000-0000-4000-8000-000000000000`).set(bearer(agent)).expect(404);
      expect(res.body).toMatchObject({ status: '404', code: expect.any(String) });
      await t.http().get(`${TT}/${tt.id}`).set(bearer(beijing)).expect(404);
      await patch(beijing, tt.id, { status: 'inProgress' }).expect(404);
      const theirs = (await t.http().get(`${TT}?limit=500`).set(bearer(beijing)).expect(200)).body;
      expect(theirs.map((x: { id: string }) => x.id)).not.toContain(tt.id);
    });
  });

  describe('change', () => {
    it('moves the status through the lifecycle, refuses an illegal move with 409, appends notes', async () => {
      const tt = await open({ note: [{ author: 'NOC', text: 'alarm raised' }] });
      const moved = (await patch(agent, tt.id, { status: 'inProgress' }, 'application/json').expect(200)).body;
      expect(moved.status).toBe('inProgress');
      // pending needs its reason
      await patch(agent, tt.id, { status: 'pending' }).expect(400);
      const pending = (await patch(agent, tt.id, { status: 'pending', statusChangeReason: 'waiting for site access' }).expect(200)).body;
      expect(pending).toMatchObject({ status: 'pending', statusChangeReason: 'waiting for site access' });
      expect(pending.statusChange.map((s: { status: string }) => s.status)).toEqual(['acknowledged', 'inProgress', 'pending']);
      const refused = await patch(agent, tt.id, { status: 'closed', note: [{ text: 'must not be kept' }] }).expect(409);
      expect(refused.body).toMatchObject({ status: '409' });
      expect(refused.body.message).toContain('in_progress');
      await patch(agent, tt.id, { status: 'finished' }).expect(400);
      await patch(agent, tt.id, { description: 'rewritten' }).expect(400);

      const noted = (
        await patch(
          agent,
          tt.id,
          {
            note: [
              { author: 'NOC', text: 'alarm raised' },
              { author: 'field', text: 'on site' },
            ],
          },
          'application/merge-patch+json;charset=utf-8',
        ).expect(200)
      ).body;
      expect(noted.note.map((n: { text: string }) => n.text)).toEqual(['alarm raised', 'on site']);
      expect(noted.note[1].author).toBe('field');
      expect(noted.status).toBe('pending');
    });

    it('links an unlinked ticket to its customer by PATCH relatedParty or the console route; the queue shows unlinked ones', async () => {
      const c = await customer();
      const a = await open({ severity: 'Minor' });
      const b = await open({ severity: 'Minor' });
      const queue = async () =>
        (await t.http().get('/api/v1/console/queue?unlinked=true&kind=fault&limit=200').set(bearer(agent)).expect(200)).body.items.map(
          (i: { id: string }) => i.id,
        );
      expect(await queue()).toEqual(expect.arrayContaining([a.id, b.id]));
      const unlinked = (await t.http().get('/api/v1/faults?unlinked=true&limit=100').set(bearer(agent)).expect(200)).body.items;
      expect(unlinked.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining([a.id, b.id]));

      const linked = (
        await patch(agent, a.id, {
          relatedParty: [{ id: c.id, '@referredType': 'Organization' }],
          relatedEntity: [{ id: c.sites[0].id, role: 'site', '@referredType': 'Site' }],
        }).expect(200)
      ).body;
      expect(linked).toMatchObject({ relatedParty: [{ id: c.id, role: 'customer' }], relatedEntity: [{ id: c.sites[0].id }] });
      expect(await fault(a.id)).toMatchObject({ customerId: c.id, siteId: c.sites[0].id, priority: 'P3' });
      // linking again to another customer is a conflict
      const other = await customer();
      await patch(agent, a.id, { relatedParty: [{ id: other.id, role: 'customer', '@referredType': 'Organization' }] }).expect(409);

      const viaConsole = (await t.http().post(`/api/v1/faults/${b.id}/link`).set(bearer(agent)).send({ customerId: c.id }).expect(200))
        .body;
      expect(viaConsole).toMatchObject({ customerId: c.id });
      await t.http().post(`/api/v1/faults/${b.id}/link`).set(bearer(agent)).send({ customerId: c.id }).expect(409);
      const after = await queue();
      expect(after).not.toContain(a.id);
      expect(after).not.toContain(b.id);
      const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 AND action = 'fault.linked'`, [b.id]);
      expect(audit).toHaveLength(1);
    });
  });

  describe('hub', () => {
    it('delivers TroubleTicketCreateEvent, StatusChangeEvent and ResolvedEvent to a local listener, filtered by query', async () => {
      const secret = 'whsec-tmf621-hub-0123456789';
      const all = receiver.endpoint(secret);
      const resolvedOnly = receiver.endpoint(secret);
      const sub = (await t.http().post(`${ROOT}/hub`).set(bearer(t.admin)).send({ callback: all.url, secret }).expect(201)).body;
      expect(sub).toMatchObject({ id: expect.any(String), callback: all.url });
      await t
        .http()
        .post(`${ROOT}/hub`)
        .set(bearer(t.admin))
        .send({ callback: resolvedOnly.url, query: 'eventType=TroubleTicketResolvedEvent', secret })
        .expect(201);

      const tt = await open({ severity: 'Major' });
      await patch(agent, tt.id, { status: 'inProgress' }).expect(200);
      await patch(agent, tt.id, { status: 'resolved' }).expect(200);

      const mine = (path: string) =>
        receiver
          .at(path)
          .filter((h) => (h.body as unknown as { event: { troubleTicket: { id: string } } }).event?.troubleTicket?.id === tt.id);
      await waitFor(() => (mine(all.path).length >= 4 && mine(resolvedOnly.path).length >= 1 ? true : undefined), 20_000, 'the hub events');
      const types = mine(all.path).map((h) => (h.body as unknown as { eventType: string }).eventType);
      expect(types.sort()).toEqual([
        'TroubleTicketCreateEvent',
        'TroubleTicketResolvedEvent',
        'TroubleTicketStatusChangeEvent',
        'TroubleTicketStatusChangeEvent',
      ]);
      const created = mine(all.path).find((h) => (h.body as unknown as { eventType: string }).eventType === 'TroubleTicketCreateEvent')!;
      expect(created.signatureOk).toBe(true);
      expect(created.body).toMatchObject({
        eventId: expect.any(String),
        eventTime: expect.stringMatching(/Z$/),
        eventType: 'TroubleTicketCreateEvent',
        event: { troubleTicket: { id: tt.id, severity: 'Major', ticketType: 'device', href: expect.stringContaining(`${TT}/${tt.id}`) } },
      });
      expect(mine(resolvedOnly.path).map((h) => (h.body as unknown as { eventType: string }).eventType)).toEqual([
        'TroubleTicketResolvedEvent',
      ]);

      await t.http().delete(`${ROOT}/hub/${sub.id}`).set(bearer(t.admin)).expect(204);
    });
  });
});
