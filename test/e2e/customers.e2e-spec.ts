import { customerBody, creditCode, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

describe('the shared customer record', () => {
  let t: TestApp;
  let director: StaffLogin;
  let foshanAm: StaffLogin;
  let otherAm: StaffLogin;
  let foshanAgent: StaffLogin;
  let beijingAgent: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    director = await t.staff(['director'], ['440000']);
    foshanAm = await t.staff(['account_manager'], ['440600']);
    otherAm = await t.staff(['account_manager'], ['440600']);
    foshanAgent = await t.staff(['agent'], ['440600']);
    beijingAgent = await t.staff(['agent'], ['110000']);
  });
  afterAll(() => t?.close());

  const create = async (who: StaffLogin, overrides: Record<string, unknown> = {}) => {
    const res = await t.http().post('/api/v1/customers').set(bearer(who)).send(customerBody(overrides));
    if (res.status !== 201) throw new Error(`create failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  describe('creation and validation', () => {
    it('creates a customer with number, version, contacts and sites', async () => {
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(foshanAm))
        .send(customerBody({ creditCode: '914403001922038216' }))
        .expect(201);
      expect(res.body).toMatchObject({
        customerNo: expect.stringMatching(/^KA\d{8}$/),
        version: 1,
        creditCode: '914403001922038216',
        homeRegion: '440605',
        homeRegionName: '广东省佛山市南海区',
        greenChannel: false, // granting it is a director's call
        accountManagerId: foshanAm.id, // an account manager creating a customer owns it
        contactsMasked: false,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.contacts).toHaveLength(1);
      expect(res.body.sites[0]).toMatchObject({ region: '440605', regionName: '广东省佛山市南海区', version: 1 });
    });

    it('accepts the real code 91110000100017643K and refuses the same code with one character changed', async () => {
      await create(director, { creditCode: '91110000100017643K', homeRegion: '440100' });
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ creditCode: '91110000100017643J' }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'creditCode' })]);
    });

    it('refuses a second customer with the same credit code with 409', async () => {
      const code = creditCode();
      await create(director, { creditCode: code });
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ creditCode: code }));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CUSTOMER_CREDIT_CODE_TAKEN');
    });

    it.each([
      ['a mobile of 10 digits', { contacts: [{ name: 'A', mobile: '1381234567', role: 'primary' }] }, 'contacts[0].mobile'],
      ['a mobile starting 12', { contacts: [{ name: 'A', mobile: '12812345678', role: 'primary' }] }, 'contacts[0].mobile'],
      ['a landline', { contacts: [{ name: 'A', mobile: '075712345678', role: 'primary' }] }, 'contacts[0].mobile'],
      ['an unknown contact role', { contacts: [{ name: 'A', mobile: '13812345678', role: 'boss' }] }, 'contacts[0].role'],
      ['a home region not in GB/T 2260', { homeRegion: '449999' }, 'homeRegion'],
      ['a 4-digit home region', { homeRegion: '4406' }, 'homeRegion'],
      ['a site region not in GB/T 2260', { sites: [{ name: 'S', region: '440699', address: 'x' }] }, 'sites[0].region'],
      ['an unknown tier', { tier: 'gold' }, 'tier'],
      ['a non-boolean green channel', { greenChannel: 'yes' }, 'greenChannel'],
      ['a one-character name', { name: 'A' }, 'name'],
      ['a lower-case credit code', { creditCode: '91110000100017643k' }, 'creditCode'],
      ['an unknown field', { vip: true }, 'vip'],
      ['an account manager who is not one', { accountManagerId: '00000000-0000-4000-8000-000000000000' }, 'accountManagerId'],
    ])('rejects %s with 400 naming the field', async (_label, overrides, field) => {
      const before = await t.dataSource.query('SELECT count(*)::int AS n FROM customers');
      const res = await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody(overrides));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      const after = await t.dataSource.query('SELECT count(*)::int AS n FROM customers');
      expect(after[0].n).toBe(before[0].n); // nothing half-written
    });

    it('accepts province, city and district codes', async () => {
      for (const region of ['440000', '440600', '440605', '110105']) {
        const c = await create(t.admin, { homeRegion: region, sites: [{ name: 'S', region, address: 'addr' }] });
        expect(c.homeRegion).toBe(region);
      }
    });

    it('lets only admins, directors and account managers create, and only in their scope', async () => {
      const res = await t.http().post('/api/v1/customers').set(bearer(foshanAgent)).send(customerBody());
      expect(res.status).toBe(403);
      const out = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(foshanAm))
        .send(customerBody({ homeRegion: '110105' }));
      expect(out.status).toBe(403);
      expect(out.body.code).toBe('CUSTOMER_OUT_OF_SCOPE');
    });
  });

  describe('masking by role', () => {
    it('shows full mobiles to admin, director and the own account manager, masked to others', async () => {
      const m = mobile();
      const c = await create(foshanAm, { contacts: [{ name: '王强', mobile: m, role: 'technical' }] });
      const masked = `${m.slice(0, 3)}****${m.slice(7)}`;
      const seen = async (who: StaffLogin) => (await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(who)).expect(200)).body;
      expect((await seen(t.admin)).contacts[0].mobile).toBe(m);
      expect((await seen(director)).contacts[0].mobile).toBe(m);
      expect((await seen(foshanAm)).contacts[0].mobile).toBe(m);
      const byAgent = await seen(foshanAgent);
      expect(byAgent.contacts[0].mobile).toBe(masked);
      expect(byAgent.contactsMasked).toBe(true);
      expect((await seen(otherAm)).contacts[0].mobile).toBe(masked);
      const list = await t.http().get(`/api/v1/customers/${c.id}/contacts`).set(bearer(foshanAgent)).expect(200);
      expect(list.body[0].mobile).toBe(masked);
    });

    it('writes an audit row for every unmasked read and none for masked ones', async () => {
      const c = await create(foshanAm);
      const count = async () =>
        (
          await t.dataSource.query(
            `SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.contacts_unmasked' AND entity_id = $1`,
            [c.id],
          )
        )[0].n;
      await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(foshanAgent)).expect(200);
      expect(await count()).toBe(0);
      await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(director)).expect(200);
      await t.http().get(`/api/v1/customers/${c.id}/contacts`).set(bearer(foshanAm)).expect(200);
      expect(await count()).toBe(2);
    });
  });

  describe('region scope', () => {
    it('hides another region’s customer as 404 and leaves it out of lists', async () => {
      const c = await create(director, {
        name: '佛山市顺德区水务局',
        homeRegion: '440606',
        sites: [{ name: '水厂', region: '440606', address: 'x' }],
      });
      const res = await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(beijingAgent));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CUSTOMER_NOT_FOUND');
      await t.http().get(`/api/v1/customers/${c.id}/sites`).set(bearer(beijingAgent)).expect(404);
      const list = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent('顺德区水务')}`)
        .set(bearer(beijingAgent))
        .expect(200);
      expect(list.body.total).toBe(0);
      const local = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent('顺德区水务')}`)
        .set(bearer(foshanAgent))
        .expect(200);
      expect(local.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    });

    it('shows a cross-region customer to each region where it has a site', async () => {
      const c = await create(director, {
        sites: [
          { name: '佛山总部', region: '440605', address: 'x' },
          { name: '北京办事处', region: '110105', address: 'y' },
        ],
      });
      await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(beijingAgent)).expect(200);
      const sh = await t.staff(['agent'], ['310000']);
      await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(sh)).expect(404);
    });

    it('refuses out-of-scope changes with 404 and in-scope non-owners with 403', async () => {
      const c = await create(foshanAm);
      const patch = { industry: 'health', expectedVersion: 1 };
      await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(await t.staff(['director'], ['110000'])))
        .send(patch)
        .expect(404);
      const notOwner = await t.http().patch(`/api/v1/customers/${c.id}`).set(bearer(otherAm)).send(patch);
      expect(notOwner.status).toBe(403);
      expect(notOwner.body.code).toBe('CUSTOMER_NOT_YOURS');
      await t.http().patch(`/api/v1/customers/${c.id}`).set(bearer(foshanAgent)).send(patch).expect(403);
      await t.http().patch(`/api/v1/customers/${c.id}`).set(bearer(foshanAm)).send(patch).expect(200);
    });
  });

  describe('updates and optimistic concurrency', () => {
    it('bumps the version and refuses a stale expectedVersion with 409', async () => {
      const c = await create(foshanAm);
      const ok = await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(foshanAm))
        .send({ industry: 'health', expectedVersion: 1 })
        .expect(200);
      expect(ok.body).toMatchObject({ industry: 'health', version: 2 });
      const stale = await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(foshanAm))
        .send({ industry: 'finance', expectedVersion: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });
    });

    it('lets exactly one of 10 concurrent updates with the same version win', async () => {
      const c = await create(foshanAm);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t
            .http()
            .patch(`/api/v1/customers/${c.id}`)
            .set(bearer(director))
            .send({ industry: `industry-${i}`, expectedVersion: 1 }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
      const final = await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(director)).expect(200);
      expect(final.body.version).toBe(2);
      const winner = results.find((r) => r.status === 200)!;
      expect(final.body.industry).toBe(winner.body.industry);
    });

    it('audits the change with from and to', async () => {
      const c = await create(foshanAm);
      await t.http().patch(`/api/v1/customers/${c.id}`).set(bearer(director)).send({ greenChannel: true, expectedVersion: 1 }).expect(200);
      const audit = await t.http().get(`/api/v1/audit?entity=customer&entityId=${c.id}`).set(bearer(director)).expect(200);
      const actions = audit.body.items.map((a: { action: string }) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['customer.created', 'customer.updated']));
      const update = audit.body.items.find((a: { action: string }) => a.action === 'customer.updated');
      expect(update).toMatchObject({ actorId: director.id, changes: { greenChannel: { from: false, to: true } } });
      expect(update.requestId).toBeTruthy();
      const created = audit.body.items.find((a: { action: string }) => a.action === 'customer.created');
      expect(created.changes.contacts[0].mobile).toMatch(/^\d{3}\*{4}\d{4}$/); // PII masked in the log
      await t.http().get(`/api/v1/audit`).set(bearer(foshanAgent)).expect(403);
    });
  });

  describe('search and filters', () => {
    let target: { id: string; customerNo: string; creditCode: string };
    const m = mobile();
    beforeAll(async () => {
      // the director grants the green channel and the tier; foshanAm owns the customer
      target = await create(director, {
        accountManagerId: foshanAm.id,
        name: '佛山市南海区第一人民医院',
        tier: 'strategic',
        greenChannel: true,
        contacts: [{ name: '陈医生', mobile: m, role: 'primary' }],
      });
      const site = (await t.http().get(`/api/v1/customers/${target.id}/sites`).set(bearer(foshanAm)).expect(200)).body[0];
      await t
        .http()
        .post(`/api/v1/customers/${target.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'DIA', siteId: site.id, accessNo: 'FS-DIA-HOSP-0001', state: 'active' })
        .expect(201);
      await create(director, {
        name: '深圳市福田区教育局',
        homeRegion: '440304',
        tier: 'standard',
        sites: [{ name: '局机关', region: '440304', address: 'x' }],
      });
    });

    it.each([
      ['customer number', () => target.customerNo],
      ['credit code', () => target.creditCode],
      ['contact mobile', () => m],
      ['access number', () => 'FS-DIA-HOSP-0001'],
      ['a two-character name fragment', () => '医院'],
      ['a longer fragment', () => '南海区第一人民'],
    ])('finds the customer by %s', async (_label, q) => {
      const res = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent(q())}`)
        .set(bearer(foshanAgent))
        .expect(200);
      expect(res.body.items.map((c: { id: string }) => c.id)).toContain(target.id);
    });

    it('asks for at least two characters of a name, and counts a broad match up to a cap', async () => {
      const one = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent('医')}`)
        .set(bearer(t.admin));
      expect(one.status).toBe(400);
      expect(one.body.errors[0].field).toBe('q');
      const broad = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent('佛山')}&limit=1`)
        .set(bearer(t.admin))
        .expect(200);
      expect(broad.body.total).toBeGreaterThan(1);
      expect(broad.body.totalCapped).toBeUndefined();
    });

    it('treats LIKE wildcards in q literally', async () => {
      const res = await t
        .http()
        .get(`/api/v1/customers?q=${encodeURIComponent('%_')}`)
        .set(bearer(t.admin))
        .expect(200);
      expect(res.body.total).toBe(0);
    });

    it('filters by tier, region prefix, green channel and account manager, with a total', async () => {
      const ids = async (qs: string) =>
        (await t.http().get(`/api/v1/customers?limit=200&${qs}`).set(bearer(t.admin)).expect(200)).body.items.map(
          (c: { id: string }) => c.id,
        );
      expect(await ids('tier=strategic')).toContain(target.id);
      expect(await ids('tier=standard')).not.toContain(target.id);
      expect(await ids('region=4406')).toContain(target.id);
      expect(await ids('region=440600')).toContain(target.id);
      expect(await ids('region=4403')).not.toContain(target.id);
      expect(await ids('greenChannel=true')).toContain(target.id);
      expect(await ids('greenChannel=false')).not.toContain(target.id);
      expect(await ids(`accountManagerId=${foshanAm.id}`)).toContain(target.id);
      expect(await ids(`accountManagerId=${otherAm.id}`)).not.toContain(target.id);
      const page = await t.http().get('/api/v1/customers?limit=1&offset=0').set(bearer(t.admin)).expect(200);
      expect(page.body).toMatchObject({ limit: 1, offset: 0, items: [expect.any(Object)] });
      expect(page.body.total).toBeGreaterThan(1);
    });

    it.each(['limit=0', 'limit=201', 'offset=-1', 'tier=gold', 'region=4', 'greenChannel=maybe', 'accountManagerId=x', 'bogus=1'])(
      'rejects the query %s with 400',
      async (qs) => {
        await t.http().get(`/api/v1/customers?${qs}`).set(bearer(t.admin)).expect(400);
      },
    );
  });

  describe('contacts, sites and service instances', () => {
    it('creates, updates and lists each part, with versions', async () => {
      const c = await create(foshanAm);
      const contact = await t
        .http()
        .post(`/api/v1/customers/${c.id}/contacts`)
        .set(bearer(foshanAm))
        .send({ name: '赵敏', mobile: mobile(), role: 'billing' })
        .expect(201);
      const upd = await t
        .http()
        .patch(`/api/v1/customers/${c.id}/contacts/${contact.body.id}`)
        .set(bearer(foshanAm))
        .send({ role: 'executive', expectedVersion: 1 })
        .expect(200);
      expect(upd.body).toMatchObject({ role: 'executive', version: 2 });
      await t
        .http()
        .patch(`/api/v1/customers/${c.id}/contacts/${contact.body.id}`)
        .set(bearer(foshanAm))
        .send({ role: 'other', expectedVersion: 1 })
        .expect(409);
      expect((await t.http().get(`/api/v1/customers/${c.id}/contacts`).set(bearer(foshanAm)).expect(200)).body).toHaveLength(2);

      const site = await t
        .http()
        .post(`/api/v1/customers/${c.id}/sites`)
        .set(bearer(foshanAm))
        .send({ name: '广州分部', region: '440106', address: '天河路1号' })
        .expect(201);
      expect(site.body.regionName).toBe('广东省广州市天河区');
      await t
        .http()
        .patch(`/api/v1/customers/${c.id}/sites/${site.body.id}`)
        .set(bearer(foshanAm))
        .send({ region: '449999', expectedVersion: 1 })
        .expect(400);
      await t
        .http()
        .patch(`/api/v1/customers/${c.id}/sites/${site.body.id}`)
        .set(bearer(foshanAm))
        .send({ address: '天河路2号', expectedVersion: 1 })
        .expect(200);

      const si = await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'MPLS_VPN', siteId: site.body.id, accessNo: `GZ-VPN-${Date.now()}`, state: 'pending' })
        .expect(201);
      const active = await t
        .http()
        .patch(`/api/v1/customers/${c.id}/service-instances/${si.body.id}`)
        .set(bearer(foshanAm))
        .send({ state: 'active', expectedVersion: 1 })
        .expect(200);
      expect(active.body).toMatchObject({ state: 'active', version: 2 });
      const list = await t.http().get(`/api/v1/customers/${c.id}/service-instances`).set(bearer(foshanAgent)).expect(200);
      expect(list.body).toHaveLength(1);
    });

    it('refuses a service instance at another customer’s site, an unknown product or a taken access number', async () => {
      const a = await create(foshanAm);
      const b = await create(foshanAm);
      const siteOfB = b.sites[0].id;
      const bad = await t
        .http()
        .post(`/api/v1/customers/${a.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'DIA', siteId: siteOfB, accessNo: 'X-1-ABC', state: 'active' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('siteId');
      const unknown = await t
        .http()
        .post(`/api/v1/customers/${a.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'NOPE', siteId: a.sites[0].id, accessNo: 'X-2-ABC', state: 'active' });
      expect(unknown.status).toBe(400);
      const accessNo = `FS-${Date.now()}`;
      await t
        .http()
        .post(`/api/v1/customers/${a.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'DIA', siteId: a.sites[0].id, accessNo, state: 'active' })
        .expect(201);
      const dup = await t
        .http()
        .post(`/api/v1/customers/${b.id}/service-instances`)
        .set(bearer(foshanAm))
        .send({ productCode: 'DIA', siteId: siteOfB, accessNo, state: 'active' });
      expect(dup.status).toBe(409);
    });

    it('lets fulfilment in scope add service instances but not contacts', async () => {
      const c = await create(foshanAm);
      const fulfil = await t.staff(['fulfilment'], ['440600']);
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(fulfil))
        .send({ productCode: 'SDWAN', siteId: c.sites[0].id, accessNo: `FS-SDWAN-${Date.now()}`, state: 'pending' })
        .expect(201);
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/contacts`)
        .set(bearer(fulfil))
        .send({ name: 'X', mobile: mobile(), role: 'other' })
        .expect(403);
      const far = await t.staff(['fulfilment'], ['110000']);
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(far))
        .send({ productCode: 'SDWAN', siteId: c.sites[0].id, accessNo: `BJ-SDWAN-${Date.now()}`, state: 'pending' })
        .expect(404);
    });
  });

  describe('ownership and archiving', () => {
    it('transfers to another account manager and keeps the history', async () => {
      const c = await create(foshanAm);
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/transfer`)
        .set(bearer(foshanAm))
        .send({ toAccountManagerId: otherAm.id, reason: 'x' })
        .expect(403);
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/transfer`)
        .set(bearer(director))
        .send({ toAccountManagerId: foshanAgent.id, reason: 'x' })
        .expect(400);
      const moved = await t
        .http()
        .post(`/api/v1/customers/${c.id}/transfer`)
        .set(bearer(director))
        .send({ toAccountManagerId: otherAm.id, reason: '客户经理离职' })
        .expect(200);
      expect(moved.body).toMatchObject({ accountManagerId: otherAm.id, version: 2 });
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/transfer`)
        .set(bearer(director))
        .send({ toAccountManagerId: otherAm.id, reason: 'again' })
        .expect(409);
      const history = await t.http().get(`/api/v1/customers/${c.id}/transfers`).set(bearer(foshanAgent)).expect(200);
      expect(
        history.body.map((h: { fromAccountManagerId: string | null; toAccountManagerId: string }) => [
          h.fromAccountManagerId,
          h.toAccountManagerId,
        ]),
      ).toEqual([
        [null, foshanAm.id],
        [foshanAm.id, otherAm.id],
      ]);
      // the new owner sees full mobiles; the old one no longer does
      const byNew = await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(otherAm)).expect(200);
      expect(byNew.body.contactsMasked).toBe(false);
      const byOld = await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(foshanAm)).expect(200);
      expect(byOld.body.contactsMasked).toBe(true);
    });

    it('archives instead of deleting: hidden by default, frozen, restorable; no DELETE route', async () => {
      const c = await create(foshanAm, { name: '佛山市归档测试公司' });
      await t.http().post(`/api/v1/customers/${c.id}/archive`).set(bearer(foshanAm)).send({ reason: 'x' }).expect(403);
      const archived = await t
        .http()
        .post(`/api/v1/customers/${c.id}/archive`)
        .set(bearer(director))
        .send({ reason: '合同终止' })
        .expect(200);
      expect(archived.body.archivedAt).toBeTruthy();
      const q = `q=${encodeURIComponent('归档测试')}`;
      expect((await t.http().get(`/api/v1/customers?${q}`).set(bearer(director)).expect(200)).body.total).toBe(0);
      expect((await t.http().get(`/api/v1/customers?${q}&archived=true`).set(bearer(director)).expect(200)).body.total).toBe(1);
      const frozen = await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(director))
        .send({ industry: 'x', expectedVersion: archived.body.version });
      expect(frozen.status).toBe(409);
      expect(frozen.body.code).toBe('CUSTOMER_ARCHIVED');
      await t.http().delete(`/api/v1/customers/${c.id}`).set(bearer(t.admin)).expect(404);
      await t.http().post(`/api/v1/customers/${c.id}/restore`).set(bearer(director)).expect(200);
      expect((await t.http().get(`/api/v1/customers?${q}`).set(bearer(director)).expect(200)).body.total).toBe(1);
    });
  });

  it('serves the product catalogue with attributes', async () => {
    const res = await t.http().get('/api/v1/products').set(bearer(foshanAgent)).expect(200);
    const codes = res.body.map((p: { code: string }) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining(['DIA', 'MPLS_VPN', 'SDWAN', 'IDC_RACK', 'CLOUD_HOST', 'VIDEO_CONF', 'CONF_CALL', 'EMERGENCY_COMM']),
    );
    const dia = res.body.find((p: { code: string }) => p.code === 'DIA');
    expect(dia).toMatchObject({ nameZh: '互联网专线', nameEn: 'Dedicated Internet Access' });
    expect(dia.attributes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'bandwidthMbps', unit: 'Mbit/s', required: true })]),
    );
  });

  it('knows each region’s parent chain', async () => {
    const res = await t.http().get('/api/v1/regions/440605').set(bearer(foshanAgent)).expect(200);
    expect(res.body.map((r: { code: string }) => r.code)).toEqual(['440605', '440600', '440000']);
    const provinces = await t.http().get('/api/v1/regions').set(bearer(foshanAgent)).expect(200);
    expect(provinces.body.length).toBeGreaterThanOrEqual(31);
  });
});
