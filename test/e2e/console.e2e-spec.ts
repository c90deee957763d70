import { randomUUID } from 'node:crypto';
import { customerBody, faultBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

const masked = (m: string) => `${m.slice(0, 3)}****${m.slice(7)}`;
const ids = (items: { id: string }[]) => items.map((x) => x.id);

describe('the hotline console', () => {
  let t: TestApp;
  let director: StaffLogin;
  let gdAgent: StaffLogin;
  let bjAgent: StaffLogin;
  let foshanAm: StaffLogin;
  let otherAm: StaffLogin;
  let foshanBilling: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    director = await t.staff(['director'], ['440000']);
    gdAgent = await t.staff(['agent'], ['440000']);
    bjAgent = await t.staff(['agent'], ['110000']);
    foshanAm = await t.staff(['account_manager'], ['440600']);
    otherAm = await t.staff(['account_manager'], ['440600']);
    foshanBilling = await t.staff(['billing'], ['440600']);
    // No engineer is on duty, so the dispatcher never touches these tests' cases.
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
  });
  afterAll(() => t?.close());

  const customer = async (overrides: Record<string, unknown> = {}, who: StaffLogin = director) => {
    const res = await t.http().post('/api/v1/customers').set(bearer(who)).send(customerBody(overrides));
    if (res.status !== 201) throw new Error(`customer creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const open = async (customerId: string, overrides: Record<string, unknown> = {}, who: StaffLogin = gdAgent) => {
    const res = await t.http().post('/api/v1/faults').set(bearer(who)).send(faultBody(customerId, overrides));
    if (res.status !== 201) throw new Error(`fault creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const move = async (id: string, to: string, who: StaffLogin = gdAgent) =>
    (await t.http().post(`/api/v1/faults/${id}/transitions`).set(bearer(who)).send({ to, reason: '等待客户' }).expect(200)).body;
  const lookup = (who: StaffLogin, q: string, extra = '') =>
    t
      .http()
      .get(`/api/v1/console/lookup?q=${encodeURIComponent(q)}${extra}`)
      .set(bearer(who));
  const overview = (who: StaffLogin, id: string) => t.http().get(`/api/v1/customers/${id}/overview`).set(bearer(who));
  const queue = (who: StaffLogin, query = '') => t.http().get(`/api/v1/console/queue${query}`).set(bearer(who));
  const unmaskedReads = async (customerId: string) =>
    (
      await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.contacts_unmasked' AND entity_id = $1`, [
        customerId,
      ])
    )[0].n as number;

  describe('lookup', () => {
    it('finds a customer by every key in one box, contacts always masked, and says which key matched, even for an admin', async () => {
      const m = mobile();
      const tech = mobile();
      const c = await customer({
        name: '佛山市禅城区祖庙街道办事处',
        homeRegion: '440604',
        sites: [{ name: '祖庙街道办', region: '440604', address: '广东省佛山市禅城区祖庙路1号' }],
        contacts: [
          { name: '陈伟', mobile: tech, role: 'technical' },
          { name: '王芳', mobile: m, role: 'primary' }, // listed first on the hotline screen
        ],
        accountManagerId: foshanAm.id,
        greenChannel: true,
      });
      const accessNo = unique('FS-DIA-');
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(director))
        .send({ productCode: 'DIA', siteId: c.sites[0].id, accessNo, state: 'active' })
        .expect(201);

      const cases: [string, string][] = [
        [m, 'mobile'],
        [c.creditCode, 'credit_code'],
        [c.creditCode.toLowerCase(), 'credit_code'],
        [c.customerNo, 'customer_no'],
        [c.customerNo.toLowerCase(), 'customer_no'],
        [accessNo, 'access_no'],
        ['祖庙', 'name'],
        [`  ${m}  `, 'mobile'], // trimmed
      ];
      for (const [q, matchedBy] of cases) {
        for (const who of [t.admin, director, foshanAm, gdAgent]) {
          const res = await lookup(who, q).expect(200);
          expect({ q, who: who.username, items: res.body.items }).toEqual({
            q,
            who: who.username,
            items: [
              {
                id: c.id,
                customerNo: c.customerNo,
                name: '佛山市禅城区祖庙街道办事处',
                tier: 'key',
                greenChannel: true,
                homeRegion: '440604',
                homeRegionName: '广东省佛山市禅城区',
                accountManagerId: foshanAm.id,
                accountManager: { id: foshanAm.id, displayName: foshanAm.username, workPhone: null },
                contacts: [
                  { name: '王芳', mobile: masked(m), role: 'primary' },
                  { name: '陈伟', mobile: masked(tech), role: 'technical' },
                ],
                matchedBy,
              },
            ],
          });
          expect(res.body.total).toBe(1);
        }
      }
      // The hotline screen never shows a full number, so it leaves no unmasked-read audit row.
      expect(await unmaskedReads(c.id)).toBe(0);
    });

    it('keeps to the caller’s regions, like GET /customers', async () => {
      const m = mobile();
      const foshan = await customer({ contacts: [{ name: '李娜', mobile: m, role: 'primary' }] });
      expect(ids((await lookup(gdAgent, m).expect(200)).body.items)).toEqual([foshan.id]);
      expect((await lookup(bjAgent, m).expect(200)).body).toEqual({ items: [], total: 0 });
      expect((await lookup(bjAgent, foshan.customerNo).expect(200)).body.total).toBe(0);

      const bm = mobile();
      const beijing = await customer(
        {
          homeRegion: '110105',
          contacts: [{ name: '赵强', mobile: bm, role: 'primary' }],
          sites: [{ name: '朝阳', region: '110105', address: 'x' }],
        },
        t.admin,
      );
      expect(ids((await lookup(bjAgent, bm).expect(200)).body.items)).toEqual([beijing.id]);
      expect((await lookup(gdAgent, bm).expect(200)).body.total).toBe(0);

      // A site in Beijing brings a Foshan customer into the Beijing desk's scope.
      const sm = mobile();
      const both = await customer(
        {
          contacts: [{ name: '周敏', mobile: sm, role: 'primary' }],
          sites: [
            { name: '佛山', region: '440605', address: 'x' },
            { name: '北京分部', region: '110105', address: 'y' },
          ],
        },
        t.admin,
      );
      expect(ids((await lookup(bjAgent, sm).expect(200)).body.items)).toEqual([both.id]);
      // Every role may use the console; billing sees its own scope only.
      expect(ids((await lookup(foshanBilling, m).expect(200)).body.items)).toEqual([foshan.id]);
      expect((await lookup(foshanBilling, bm).expect(200)).body.total).toBe(0);
    });

    it('lists 20 by default and at most 50, with the total of all matches', async () => {
      const made = [];
      for (let i = 0; i < 22; i++) made.push(await customer({ name: `佛山市顺德区北滘测绘院第${i}分院`, homeRegion: '440606', sites: [] }));
      const first = await lookup(gdAgent, '测绘').expect(200);
      expect(first.body.items).toHaveLength(20);
      expect(first.body.total).toBe(22);
      expect(first.body.items.every((x: { matchedBy: string }) => x.matchedBy === 'name')).toBe(true);
      const all = await lookup(gdAgent, '测绘', '&limit=50').expect(200);
      expect(ids(all.body.items).sort()).toEqual(ids(made).sort());
      expect((await lookup(gdAgent, '测绘', '&limit=5').expect(200)).body.items).toHaveLength(5);
    });

    it('answers bad queries with 400, and LIKE characters match themselves', async () => {
      for (const path of [
        '/api/v1/console/lookup',
        '/api/v1/console/lookup?q=',
        '/api/v1/console/lookup?q=%20%20',
        `/api/v1/console/lookup?q=${'1'.repeat(65)}`,
        '/api/v1/console/lookup?q=abc&limit=51',
        '/api/v1/console/lookup?q=abc&limit=0',
        '/api/v1/console/lookup?q=abc&limit=x',
        '/api/v1/console/lookup?q=abc&offset=1',
      ]) {
        const res = await t.http().get(path).set(bearer(gdAgent));
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      expect((await lookup(gdAgent, 'q'.repeat(64)).expect(200)).body).toEqual({ items: [], total: 0 });
      expect((await lookup(gdAgent, '%%').expect(200)).body.total).toBe(0);
      expect((await lookup(gdAgent, '__').expect(200)).body.total).toBe(0);
      await lookup(gdAgent, '南').expect(400); // one character would match nearly everyone
      await t.http().get('/api/v1/console/lookup?q=abc').expect(401);
    });
  });

  describe('customer overview', () => {
    let c: { id: string; contacts: { mobile: string }[] };
    let fault: { id: string; sla: { responseDueAt: string; resolutionDueAt: string } };
    let complaint: { id: string };

    beforeAll(async () => {
      const policy = await t
        .http()
        .put('/api/v1/sla/policies/complaint:P1')
        .set(bearer(t.admin))
        .send({ responseSeconds: 1, resolutionSeconds: 600, warnAtPercent: 50 });
      expect(policy.status).toBe(200);
      c = await customer({ tier: 'key', accountManagerId: foshanAm.id });
    });

    it('shows open faults and complaints with SLA (most urgent first), open alerts and the last 10 closed cases', async () => {
      fault = await open(c.id);
      complaint = await open(c.id, { category: 'complaint', title: '装机延误投诉' });
      // closed, resolved and cancelled cases, in this order
      const closed = await open(c.id, { severity: 'minor' });
      await move(closed.id, 'in_progress');
      await move(closed.id, 'resolved');
      await move(closed.id, 'closed');
      const resolved = await open(c.id, { severity: 'minor' });
      await move(resolved.id, 'in_progress');
      await move(resolved.id, 'resolved');
      const cancelled = [];
      for (let i = 0; i < 9; i++) {
        const f = await open(c.id, { severity: 'minor' });
        await move(f.id, 'cancelled');
        cancelled.push(f);
      }

      // complaint:P1 answers in 1 s: warning, breach and two escalations on the response clock
      const alerts = await waitFor(
        async () => {
          const rows = await t.dataSource.query(
            `SELECT id, level FROM alerts WHERE case_id = $1 AND clock = 'response' ORDER BY raised_at DESC`,
            [complaint.id],
          );
          return rows.length === 4 ? rows : null;
        },
        15_000,
        'four response alerts of the complaint',
      );

      const res = await overview(gdAgent, c.id).expect(200);
      const body = res.body;
      expect(body.customer).toMatchObject({ id: c.id, contactsMasked: true, sites: [expect.objectContaining({ region: '440605' })] });
      expect(body.customer.contacts[0].mobile).toBe(masked(c.contacts[0].mobile));

      // the closed fault of a key customer left a satisfaction call-back, open work on its own clock (issue 14)
      const [callback] = await t.dataSource.query(`SELECT id FROM callbacks WHERE case_id = $1`, [closed.id]);
      const notCallbacks = (cases: { kind: string; id: string }[]) => cases.filter((o) => o.kind !== 'callback');
      expect(body.openCases.filter((o: { kind: string }) => o.kind === 'callback')).toEqual([
        expect.objectContaining({ id: callback.id, state: 'pending', sla: expect.objectContaining({ breached: false }) }),
      ]);
      // the breached complaint comes before the fault, whose clocks are still in time
      const cases = notCallbacks(body.openCases);
      expect(ids(cases)).toEqual([complaint.id, fault.id]);
      expect(body.openCasesTotal).toBe(3);
      expect(cases[0]).toMatchObject({ kind: 'complaint', state: 'acknowledged', priority: 'P1', sla: { breached: true } });
      expect(cases[1]).toEqual({
        kind: 'fault',
        id: fault.id,
        caseNo: expect.stringMatching(/^FLT-/),
        title: '专线中断',
        state: 'acknowledged',
        priority: 'P1',
        greenChannel: false,
        region: '440605',
        assigneeId: null,
        assignee: null,
        openedAt: expect.any(String),
        sla: { responseDueAt: fault.sla.responseDueAt, resolutionDueAt: fault.sla.resolutionDueAt, breached: false },
      });

      expect(ids(body.openAlerts)).toEqual(ids(alerts));
      expect(body.openAlertsTotal).toBe(4);
      expect(body.openAlerts[0]).toMatchObject({
        caseKind: 'complaint',
        caseId: complaint.id,
        clock: 'response',
        level: 'escalated_3',
        region: '440605',
      });

      // newest first, 10 at most: the closed one (the oldest) falls off
      expect(ids(body.recentClosedCases)).toEqual(
        [...cancelled]
          .reverse()
          .map((f) => f.id)
          .concat(resolved.id),
      );
      expect(body.recentClosedCases[0]).toMatchObject({ kind: 'fault', state: 'cancelled', priority: 'P3', closedAt: expect.any(String) });
      expect(body.recentClosedCases[9]).toMatchObject({ id: resolved.id, state: 'resolved', closedAt: null });

      // an acknowledged alert leaves the overview; a resolved-then-reopened case comes back to the open list
      await t.http().post(`/api/v1/alerts/${alerts[0].id}/ack`).set(bearer(gdAgent)).expect(200);
      await move(resolved.id, 'in_progress');
      const after = (await overview(gdAgent, c.id).expect(200)).body;
      expect(ids(after.openAlerts)).toEqual(ids(alerts.slice(1)));
      expect(after.openAlertsTotal).toBe(3);
      expect(ids(notCallbacks(after.openCases))).toEqual([complaint.id, fault.id, resolved.id]);
      expect(ids(after.recentClosedCases)).toEqual(
        [...cancelled]
          .reverse()
          .map((f) => f.id)
          .concat(closed.id),
      );
    });

    it('masks contacts unless the caller is an admin, a director or the customer’s own account manager, and audits unmasked reads', async () => {
      const m = c.contacts[0].mobile;
      const before = await unmaskedReads(c.id);
      for (const [who, full] of [
        [t.admin, true],
        [director, true],
        [foshanAm, true],
        [otherAm, false],
        [gdAgent, false],
        [foshanBilling, false],
      ] as const) {
        const body = (await overview(who, c.id).expect(200)).body;
        expect({ who: who.username, mobile: body.customer.contacts[0].mobile, masked: body.customer.contactsMasked }).toEqual({
          who: who.username,
          mobile: full ? m : masked(m),
          masked: !full,
        });
      }
      expect(await unmaskedReads(c.id)).toBe(before + 3);
    });

    it('is a 404 outside the caller’s regions, and for no customer', async () => {
      const res = await overview(bjAgent, c.id).expect(404);
      expect(res.body.code).toBe('CUSTOMER_NOT_FOUND');
      await overview(gdAgent, randomUUID()).expect(404);
      expect((await overview(gdAgent, 'not-a-uuid').expect(400)).body.errors[0].field).toBe('id');
      await t.http().get(`/api/v1/customers/${c.id}/overview`).expect(401);
    });

    it('shows a site’s desk only the cases of the regions it covers', async () => {
      const both = await customer(
        {
          sites: [
            { name: '佛山总部', region: '440605', address: 'x' },
            { name: '北京分部', region: '110105', address: 'y' },
          ],
        },
        t.admin,
      );
      const here = await open(both.id, { siteId: both.sites[0].id }, t.admin);
      const there = await open(both.id, { siteId: both.sites[1].id }, t.admin);
      expect(there.region).toBe('110105');
      const bj = (await overview(bjAgent, both.id).expect(200)).body;
      expect(ids(bj.openCases)).toEqual([there.id]);
      expect(bj.openCasesTotal).toBe(1);
      const gd = (await overview(gdAgent, both.id).expect(200)).body; // the home region's desk sees everything
      expect(ids(gd.openCases).sort()).toEqual([here.id, there.id].sort());
    });
  });

  describe('work queue', () => {
    const SHUNDE = '440606';
    const base = Date.now();
    // one base time, so that equal offsets are equal due times (the ties the order breaks)
    const minutes = (n: number) => new Date(base + n * 60_000);
    const setDue = (caseId: string, clock: string, at: Date) =>
      t.dataSource.query(`UPDATE sla_clocks SET due_at = $3 WHERE case_id = $1 AND clock = $2`, [caseId, clock, at]);
    let expected: string[];
    let byName: Record<string, { id: string; caseNo: string }>;
    let key: { id: string; name: string };

    beforeAll(async () => {
      key = await customer({
        name: '佛山市顺德区人民医院',
        tier: 'key',
        homeRegion: SHUNDE,
        sites: [{ name: '顺德医院', region: SHUNDE, address: 'x' }],
      });
      const green = await customer({
        tier: 'key',
        greenChannel: true,
        homeRegion: SHUNDE,
        sites: [{ name: '顺德', region: SHUNDE, address: 'y' }],
      });
      const f = async (name: string, customerId: string, overrides: Record<string, unknown>) =>
        [name, await open(customerId, { title: name, ...overrides })] as const;
      byName = Object.fromEntries([
        await f('A', key.id, { severity: 'minor' }), // P3, breached response clock
        await f('A2', key.id, { severity: 'critical' }), // P1, breached, response clock stopped since
        await f('B', key.id, { severity: 'critical' }), // P1, due in 10 min
        await f('C', key.id, { severity: 'major' }), // P2, due in 5 min
        await f('D', green.id, { severity: 'major' }), // P1 through the green channel, due in 20 min
        await f('E', key.id, { severity: 'critical' }), // P1, due in 20 min, no green channel
        await f('G', key.id, { severity: 'major' }), // P2, due in 30 min
        await f('H', key.id, { severity: 'critical' }), // P1, due in 30 min
        await f('I1', key.id, { severity: 'minor' }), // P3, due in 40 min, opened first
        await f('I2', key.id, { severity: 'minor' }), // P3, due in 40 min, opened second
        await f('K', key.id, { severity: 'minor', category: 'complaint' }), // P3 complaint, due in 60 min
        await f('F', key.id, { severity: 'critical' }), // pending: no clock runs
        await f('X', key.id, { severity: 'critical' }), // cancelled: not open
      ]);
      await open((await customer()).id); // elsewhere in Foshan (440605)
      for (const { id } of Object.values(byName)) await setDue(id, 'resolution', minutes(24 * 60));
      const due: Record<string, number> = { A: -10, B: 10, C: 5, D: 20, E: 20, G: 30, H: 30, I1: 40, I2: 40, K: 60 };
      for (const [name, n] of Object.entries(due)) await setDue(byName[name].id, 'response', minutes(n));
      await move(byName.A2.id, 'in_progress');
      await setDue(byName.A2.id, 'resolution', minutes(2 * 24 * 60));
      await t.dataSource.query(`UPDATE sla_clocks SET breached_at = now() WHERE case_id = ANY($1) AND clock = 'response'`, [
        [byName.A.id, byName.A2.id],
      ]);
      await move(byName.F.id, 'in_progress');
      await move(byName.F.id, 'pending');
      await move(byName.X.id, 'cancelled');
      expected = ['A', 'A2', 'C', 'B', 'D', 'E', 'H', 'G', 'I1', 'I2', 'K', 'F'].map((n) => byName[n].id);
    });

    it('orders open cases: breached first, then the nearest running due time, green channel first on ties, then priority, then age', async () => {
      const res = await queue(gdAgent, `?region=${SHUNDE}`).expect(200);
      expect(res.body).toMatchObject({ total: expected.length, limit: 50, offset: 0 });
      expect(ids(res.body.items)).toEqual(expected);
      const item = (name: string) => res.body.items.find((x: { id: string }) => x.id === byName[name].id);
      expect(item('B')).toEqual({
        kind: 'fault',
        id: byName.B.id,
        caseNo: byName.B.caseNo,
        customerId: key.id,
        customerName: '佛山市顺德区人民医院',
        title: 'B',
        state: 'acknowledged',
        priority: 'P1',
        greenChannel: false,
        region: SHUNDE,
        assigneeId: null,
        assignee: null,
        accountManager: null,
        openedAt: expect.any(String),
        breached: false,
        nextDueAt: expect.any(String),
        nextDueClock: 'response',
      });
      expect(item('A')).toMatchObject({ breached: true, nextDueClock: 'response', priority: 'P3' });
      expect(item('A2')).toMatchObject({ breached: true, nextDueClock: 'resolution', state: 'in_progress' });
      expect(item('D')).toMatchObject({ greenChannel: true, priority: 'P1' });
      expect(item('K')).toMatchObject({ kind: 'complaint', priority: 'P3' });
      expect(item('F')).toMatchObject({ state: 'pending', breached: false, nextDueAt: null, nextDueClock: null });
      expect(new Date(item('C').nextDueAt).getTime()).toBeLessThan(new Date(item('B').nextDueAt).getTime());
    });

    it('pages with a total, and filters by region prefix and kind', async () => {
      const page = await queue(gdAgent, `?region=${SHUNDE}&limit=3&offset=2`).expect(200);
      expect(page.body).toMatchObject({ total: expected.length, limit: 3, offset: 2 });
      expect(ids(page.body.items)).toEqual(expected.slice(2, 5));
      expect((await queue(gdAgent, `?region=${SHUNDE}&offset=100`).expect(200)).body).toMatchObject({ items: [], total: expected.length });

      expect(ids((await queue(gdAgent, `?region=${SHUNDE}&kind=complaint`).expect(200)).body.items)).toEqual([byName.K.id]);
      const faults = (await queue(gdAgent, `?region=${SHUNDE}&kind=fault`).expect(200)).body;
      expect(ids(faults.items)).toEqual(expected.filter((id) => id !== byName.K.id));

      // a wider prefix holds other Foshan cases too, in the same relative order
      for (const region of ['4406', '440600', '44', '440000']) {
        const wide = (await queue(gdAgent, `?region=${region}&limit=200`).expect(200)).body;
        expect(wide.total).toBeGreaterThan(expected.length);
        expect(ids(wide.items).filter((id) => expected.includes(id))).toEqual(expected);
        expect(wide.items.every((x: { region: string }) => x.region.startsWith('44'))).toBe(true);
      }
      expect((await queue(gdAgent, '?region=440604').expect(200)).body.items.some((x: { id: string }) => expected.includes(x.id))).toBe(
        false,
      );
    });

    it('shows each caller only the cases of the regions they cover', async () => {
      const bjCustomer = await customer({ homeRegion: '110105', sites: [{ name: '朝阳', region: '110105', address: 'x' }] }, t.admin);
      const bjFault = await open(bjCustomer.id, {}, t.admin);

      const bj = (await queue(bjAgent, '?limit=200').expect(200)).body;
      expect(ids(bj.items)).toContain(bjFault.id);
      expect(bj.items.every((x: { region: string }) => x.region.startsWith('11'))).toBe(true);
      expect((await queue(bjAgent, '?region=44').expect(200)).body).toMatchObject({ items: [], total: 0 }); // a filter narrows, never widens

      const gd = (await queue(gdAgent, '?limit=200').expect(200)).body;
      expect(ids(gd.items)).not.toContain(bjFault.id);
      expect(ids(gd.items).filter((id) => expected.includes(id))).toEqual(expected);

      // billing may use the console, inside its own scope
      const billing = (await queue(foshanBilling, `?region=${SHUNDE}`).expect(200)).body;
      expect(ids(billing.items)).toEqual(expected);
      const adminView = (await queue(t.admin, '?limit=200').expect(200)).body;
      expect(ids(adminView.items)).toEqual(expect.arrayContaining([bjFault.id, ...expected]));
      expect(ids(adminView.items)).not.toContain(byName.X.id);
    });

    it('rejects bad filters with 400', async () => {
      for (const query of ['?kind=ticket', '?region=4', '?region=44060', '?limit=201', '?offset=-1', '?foo=1']) {
        const res = await queue(gdAgent, query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
    });
  });

  it('documents the console in the OpenAPI file', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    for (const path of ['/api/v1/console/lookup', '/api/v1/console/queue', '/api/v1/customers/{id}/overview']) {
      expect(doc.paths[path].get.tags).toEqual(['console']);
      expect(doc.paths[path].get.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(doc.paths[path].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    }
    expect(Object.keys(doc.paths['/api/v1/customers/{id}/overview'].get.responses)).toContain('404');
    expect(doc.components.schemas.QueueItemDto.properties.nextDueClock).toBeDefined();
    expect(doc.components.schemas.LookupItemDto.properties.matchedBy.enum).toEqual([
      'mobile',
      'credit_code',
      'customer_no',
      'access_no',
      'name',
      'contact_name',
      'case_no',
      'bill_no',
    ]);
  });
});
