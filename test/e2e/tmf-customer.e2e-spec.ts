import { creditCode, customerBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

const ROOT = '/tmf-api/customerManagement/v4/customer';

/** A TMF629 create body carrying what POST /api/v1/customers requires, as characteristics. */
function tmfCustomer(overrides: Record<string, unknown> = {}, characteristics: Record<string, unknown> = {}) {
  const values = {
    creditCode: creditCode(),
    tier: 'key',
    industry: 'government',
    homeRegion: '440605',
    greenChannel: false,
    ...characteristics,
  };
  return {
    name: '佛山市南海区人民政府',
    '@type': 'Customer',
    characteristic: Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([name, value]) => ({ name, value })),
    contactMedium: [{ mediumType: 'mobile', characteristic: { contactType: 'primary', contactName: '李娜', phoneNumber: mobile() } }],
    ...overrides,
  };
}

const characteristic = (c: { characteristic: { name: string; value: unknown }[] }, name: string) =>
  c.characteristic.find((x) => x.name === name)?.value;

describe('TMF629 Customer', () => {
  let t: TestApp;
  let director: StaffLogin;
  let agent: StaffLogin;
  let am: StaffLogin;
  let beijing: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    [director, agent, am, beijing] = await Promise.all([
      t.staff(['director'], ['440000']),
      t.staff(['agent'], ['440600']),
      t.staff(['account_manager'], ['440600']),
      t.staff(['agent'], ['110000']),
    ]);
  });
  afterAll(() => t?.close());

  const post = (who: StaffLogin, body: unknown) =>
    t
      .http()
      .post(ROOT)
      .set(bearer(who))
      .send(body as object);

  describe('create', () => {
    it('creates the record from characteristics: 201 with id, absolute href, @type, dates in UTC; read-only attributes ignored', async () => {
      const body = tmfCustomer({
        id: 'mine',
        href: 'http://elsewhere/x',
        status: 'archived',
        validFor: { startDateTime: '2000-01-01T00:00:00Z' },
      });
      const res = await post(director, body).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const c = res.body;
      expect(c).toMatchObject({ '@type': 'Customer', name: '佛山市南海区人民政府', status: 'active' });
      expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(c.href).toMatch(new RegExp(`^http://[^/]+${ROOT}/${c.id}$`));
      expect(c.validFor.startDateTime).toMatch(/Z$/);
      expect(Date.now() - Date.parse(c.validFor.startDateTime)).toBeLessThan(60_000);
      expect(c.engagedParty).toEqual({ id: characteristic(body, 'creditCode'), name: c.name, '@referredType': 'Organization' });
      expect(characteristic(c, 'tier')).toBe('key');
      expect(characteristic(c, 'homeRegionName')).toBe('广东省佛山市南海区');
      expect(characteristic(c, 'customerNo')).toMatch(/^KA\d+$/);
      // the director sees the mobile in full; the record is the one /api/v1 serves
      expect(c.contactMedium[0]).toMatchObject({
        mediumType: 'mobile',
        preferred: true,
        characteristic: { contactType: 'primary', contactName: '李娜' },
      });
      const v1 = await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(director)).expect(200);
      expect(c.contactMedium[0].characteristic.phoneNumber).toBe(v1.body.contacts[0].mobile);
      expect(v1.body).toMatchObject({
        creditCode: characteristic(body, 'creditCode'),
        tier: 'key',
        homeRegion: '440605',
        greenChannel: false,
      });
      expect(c.account[0]).toMatchObject({
        '@referredType': 'BillingAccount',
        href: expect.stringMatching(new RegExp(`/api/v1/customers/${c.id}/account$`)),
      });
    });

    it('takes the credit code from engagedParty.id, and the account manager from relatedParty', async () => {
      const code = creditCode();
      const body = tmfCustomer(
        { engagedParty: { id: code, '@referredType': 'Organization' }, relatedParty: [{ id: am.id, role: 'accountManager' }] },
        { creditCode: undefined },
      );
      const c = (await post(director, body).expect(201)).body;
      expect(c.engagedParty.id).toBe(code);
      expect(c.relatedParty).toEqual([{ id: am.id, name: am.username, role: 'accountManager', '@referredType': 'Individual' }]);
    });

    it('refuses what POST /api/v1/customers refuses, with the same codes, naming the TMF attribute', async () => {
      const tmfError = (res: { status: number; body: Record<string, unknown> }, status: number, code: string, field: string) => {
        expect(res.status).toBe(status);
        expect(res.body).toMatchObject({ '@type': 'Error', code, status: String(status) });
        expect(res.body.message).toContain(field);
      };
      tmfError(
        await post(director, tmfCustomer({}, { creditCode: undefined })),
        400,
        'VALIDATION_FAILED',
        'characteristic.creditCode is required',
      );
      tmfError(
        await post(director, tmfCustomer({}, { creditCode: '914403001922038217' })),
        400,
        'VALIDATION_FAILED',
        'characteristic.creditCode must be',
      );
      tmfError(await post(director, tmfCustomer({}, { homeRegion: '440699' })), 400, 'VALIDATION_FAILED', 'characteristic.homeRegion');
      tmfError(await post(director, tmfCustomer({}, { tier: 'gold' })), 400, 'VALIDATION_FAILED', 'characteristic.tier');
      tmfError(
        await post(director, tmfCustomer({}, { greenChannel: undefined })),
        400,
        'VALIDATION_FAILED',
        'characteristic.greenChannel is required',
      );
      tmfError(await post(director, tmfCustomer({ name: '' })), 400, 'VALIDATION_FAILED', 'name');
      tmfError(await post(director, tmfCustomer({}, { colour: 'red' })), 400, 'VALIDATION_FAILED', 'characteristic.colour');
      tmfError(
        await post(
          director,
          tmfCustomer({
            contactMedium: [
              { mediumType: 'mobile', characteristic: { contactType: 'primary', contactName: '李娜', phoneNumber: '12345' } },
            ],
          }),
        ),
        400,
        'VALIDATION_FAILED',
        'contactMedium[0].characteristic.phoneNumber',
      );
      tmfError(
        await post(director, tmfCustomer({ contactMedium: [{ mediumType: 'email', characteristic: {} }] })),
        400,
        'VALIDATION_FAILED',
        'contactMedium[0].mediumType',
      );
      tmfError(
        await post(director, tmfCustomer({ relatedParty: [{ id: agent.id, role: 'accountManager' }] })),
        400,
        'VALIDATION_FAILED',
        'relatedParty.id',
      );
      tmfError(await post(director, [tmfCustomer()]), 400, 'VALIDATION_FAILED', 'body');
      // the same rules as /api/v1: a taken credit code, a home region out of scope, a grant only directors make
      const code = creditCode();
      await post(director, tmfCustomer({}, { creditCode: code })).expect(201);
      const v1 = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ creditCode: code }))
        .expect(409);
      tmfError(await post(director, tmfCustomer({}, { creditCode: code })), 409, v1.body.code, code);
      tmfError(await post(am, tmfCustomer({}, { homeRegion: '110105' })), 403, 'CUSTOMER_OUT_OF_SCOPE', '110105');
      tmfError(
        await post(am, tmfCustomer({}, { homeRegion: '440605', greenChannel: true })),
        403,
        'CUSTOMER_CHANGE_NEEDS_DIRECTOR',
        'greenChannel',
      );
      tmfError(await post(agent, tmfCustomer()), 403, 'FORBIDDEN', 'roles');
      // nothing was written by any of those
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM customers WHERE credit_code = $1`, [code]);
      expect(n).toBe(1);
    });

    it('works without an Idempotency-Key and honours one when sent', async () => {
      const body = tmfCustomer();
      const first = await post(director, body).set('Idempotency-Key', 'tmf-create-1').expect(201);
      const again = await post(director, body).set('Idempotency-Key', 'tmf-create-1').expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      await post(director, tmfCustomer()).set('Idempotency-Key', 'tmf-create-1').expect(422);
    });
  });

  describe('read', () => {
    let ids: string[];
    beforeAll(async () => {
      ids = [];
      for (const name of ['顺德区政府', '禅城区政府', '高明区政府']) {
        ids.push((await post(director, tmfCustomer({ name }, { homeRegion: '440606' })).expect(201)).body.id);
      }
    });

    it('lists a bare array, newest first, with X-Total-Count and X-Result-Count, paged by offset and limit', async () => {
      const all = await t.http().get(ROOT).set(bearer(director)).expect(200);
      expect(Array.isArray(all.body)).toBe(true);
      expect(Number(all.headers['x-total-count'])).toBe(all.body.length);
      expect(Number(all.headers['x-result-count'])).toBe(all.body.length);
      expect(all.body.slice(0, 3).map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
      const starts = all.body.map((c: { validFor: { startDateTime: string } }) => c.validFor.startDateTime);
      expect([...starts].sort().reverse()).toEqual(starts);
      const page = await t.http().get(`${ROOT}?offset=1&limit=1`).set(bearer(director)).expect(200);
      expect(page.body.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
      expect(page.headers['x-total-count']).toBe(all.headers['x-total-count']);
      expect(page.headers['x-result-count']).toBe('1');
    });

    it('filters by exact id and name, by date bounds, and refuses an unknown filter', async () => {
      const byId = await t.http().get(`${ROOT}?id=${ids[0]}`).set(bearer(director)).expect(200);
      expect(byId.body.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
      const byName = await t
        .http()
        .get(`${ROOT}?name=${encodeURIComponent('禅城区政府')}`)
        .set(bearer(director))
        .expect(200);
      expect(byName.body.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
      const either = await t.http().get(`${ROOT}?id=${ids[0]},${ids[2]}`).set(bearer(director)).expect(200);
      expect(either.body.map((c: { id: string }) => c.id).sort()).toEqual([ids[0], ids[2]].sort());
      await t.http().get(`${ROOT}?id=42`).set(bearer(director)).expect(200, []);
      const second = (await t.http().get(`${ROOT}/${ids[1]}`).set(bearer(director)).expect(200)).body.validFor.startDateTime;
      const after = await t
        .http()
        .get(`${ROOT}?validFor.startDateTime.gt=${second}&name=${encodeURIComponent('高明区政府')},${encodeURIComponent('禅城区政府')}`)
        .set(bearer(director))
        .expect(200);
      expect(after.body.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
      const bad = await t.http().get(`${ROOT}?colour=red`).set(bearer(director)).expect(400);
      expect(bad.body).toMatchObject({ '@type': 'Error', code: 'VALIDATION_FAILED', status: '400' });
    });

    it('keeps exactly the fields asked for, in a list and in one resource', async () => {
      const list = await t.http().get(`${ROOT}?fields=name&id=${ids[0]}`).set(bearer(director)).expect(200);
      expect(list.body).toEqual([{ name: '顺德区政府' }]);
      const one = await t.http().get(`${ROOT}/${ids[0]}?fields=id,href`).set(bearer(director)).expect(200);
      expect(Object.keys(one.body).sort()).toEqual(['href', 'id']);
    });

    it('reaches the same handler with a trailing slash', async () => {
      const res = await t.http().get(`${ROOT}/?id=${ids[0]}`).set(bearer(director)).expect(200);
      expect(res.body).toHaveLength(1);
    });

    it('answers 404 for an unknown id of any format, and for a customer out of the caller’s regions', async () => {
      for (const id of ['c2df1950-c17c-4576-9c22-e59073a4a86a', '42', 'not-an-id']) {
        const res = await t.http().get(`${ROOT}/${id}`).set(bearer(director)).expect(404);
        expect(res.body).toMatchObject({ '@type': 'Error', status: '404' });
      }
      await t.http().get(`${ROOT}/${ids[0]}`).set(bearer(beijing)).expect(404);
      const list = await t.http().get(`${ROOT}?id=${ids[0]}`).set(bearer(beijing)).expect(200);
      expect(list.body).toEqual([]);
    });

    it('masks contact mobiles by the record’s rule, and audits a full read', async () => {
      const c = (await t.http().get(`${ROOT}/${ids[0]}`).set(bearer(agent)).expect(200)).body;
      expect(c.contactMedium[0].characteristic.phoneNumber).toMatch(/^1\d{2}\*{4}\d{4}$/);
      const listed = (await t.http().get(`${ROOT}?id=${ids[0]}`).set(bearer(agent)).expect(200)).body[0];
      expect(listed.contactMedium[0].characteristic.phoneNumber).toMatch(/\*{4}/);
      const full = (await t.http().get(`${ROOT}/${ids[0]}`).set(bearer(director)).expect(200)).body;
      expect(full.contactMedium[0].characteristic.phoneNumber).toMatch(/^1\d{10}$/);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.contacts_unmasked' AND entity_id = $1 AND actor_id = $2`,
        [ids[0], director.id],
      );
      expect(n).toBeGreaterThanOrEqual(1);
    });
  });

  describe('patch', () => {
    it('applies a merge patch in either content type onto the versioned update', async () => {
      const c = (await post(director, tmfCustomer()).expect(201)).body;
      const res = await t
        .http()
        .patch(`${ROOT}/${c.id}`)
        .set(bearer(director))
        .set('content-type', 'application/merge-patch+json')
        .send(
          JSON.stringify({
            name: '南海区人民政府办公室',
            characteristic: [
              { name: 'tier', value: 'strategic' },
              { name: 'version', value: 99 },
            ],
          }),
        )
        .expect(200);
      expect(res.body.name).toBe('南海区人民政府办公室');
      expect(characteristic(res.body, 'tier')).toBe('strategic');
      expect(characteristic(res.body, 'industry')).toBe('government');
      expect(characteristic(res.body, 'version')).toBe(2);
      const json = await t
        .http()
        .patch(`${ROOT}/${c.id}`)
        .set(bearer(director))
        .set('content-type', 'application/json;charset=utf-8')
        .send(JSON.stringify({ characteristic: [{ name: 'greenChannel', value: 'true' }] }))
        .expect(200);
      expect(characteristic(json.body, 'greenChannel')).toBe(true);
      const audit = await t.dataSource.query(
        `SELECT changes FROM audit_log WHERE action = 'customer.updated' AND entity_id = $1 ORDER BY id`,
        [c.id],
      );
      expect(audit).toHaveLength(2);
      await t
        .http()
        .patch(`${ROOT}/${c.id}`)
        .set(bearer(director))
        .set('content-type', 'application/json-patch+json')
        .send('[]')
        .expect(415);
    });

    it('refuses what it cannot change, and what the record’s rules refuse', async () => {
      const c = (
        await post(director, tmfCustomer({ name: `归档测试${Date.now()}`, relatedParty: [{ id: am.id, role: 'accountManager' }] })).expect(
          201,
        )
      ).body;
      const patch = (who: StaffLogin, body: unknown) =>
        t
          .http()
          .patch(`${ROOT}/${c.id}`)
          .set(bearer(who))
          .send(body as object);
      for (const [body, field] of [
        [{ characteristic: [{ name: 'creditCode', value: creditCode() }] }, 'characteristic.creditCode'],
        [{ contactMedium: [] }, 'contactMedium'],
        [{ relatedParty: [] }, 'relatedParty'],
        [{ status: 'archived' }, 'status'],
        [{ characteristic: [{ name: 'homeRegion', value: '4406' }] }, 'characteristic.homeRegion'],
        [{ name: 42 }, 'name'],
      ] as const) {
        const res = await patch(director, body).expect(400);
        expect(res.body.message).toContain(field);
      }
      // the account manager manages their record, but the tier is a director's call (as PATCH /api/v1/customers)
      expect((await patch(am, { characteristic: [{ name: 'tier', value: 'strategic' }] }).expect(403)).body.code).toBe(
        'CUSTOMER_CHANGE_NEEDS_DIRECTOR',
      );
      await patch(am, { characteristic: [{ name: 'industry', value: 'education' }] }).expect(200);
      await patch(agent, { name: '某某' }).expect(403);
      await patch(beijing, { name: '某某' }).expect(403);
      await t.http().patch(`${ROOT}/c2df1950-c17c-4576-9c22-e59073a4a86a`).set(bearer(director)).send({ name: 'x1' }).expect(404);
      await t.http().patch(`${ROOT}/42`).set(bearer(director)).send({ name: 'x1' }).expect(404);
      // an archived record is frozen, as on /api/v1
      await t.http().post(`/api/v1/customers/${c.id}/archive`).set(bearer(director)).send({ reason: '合同终止' }).expect(200);
      expect((await patch(director, { name: '某某' }).expect(409)).body.code).toBe('CUSTOMER_ARCHIVED');
      const archived = (await t.http().get(`${ROOT}/${c.id}`).set(bearer(director)).expect(200)).body;
      expect(archived).toMatchObject({ status: 'archived', statusReason: '合同终止' });
      expect((await t.http().get(`${ROOT}?status=archived&id=${c.id}`).set(bearer(director)).expect(200)).body).toHaveLength(1);
      expect(
        (
          await t
            .http()
            .get(`${ROOT}?status=active&name=${encodeURIComponent(archived.name)}`)
            .set(bearer(director))
            .expect(200)
        ).body,
      ).toEqual([]);
    });

    it('stays safe against concurrent writers: every change applied once, none lost, one version each', async () => {
      const c = (await post(director, tmfCustomer()).expect(201)).body;
      const results = await Promise.all(
        ['education', 'energy', 'finance'].map((industry) =>
          t
            .http()
            .patch(`${ROOT}/${c.id}`)
            .set(bearer(director))
            .send({ characteristic: [{ name: 'industry', value: industry }] }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      // a /api/v1 writer with a stale version still gets its 409: the facade did not weaken the rule
      await t.http().patch(`/api/v1/customers/${c.id}`).set(bearer(director)).send({ name: 'x2x', expectedVersion: 1 }).expect(409);
      const v1 = (await t.http().get(`/api/v1/customers/${c.id}`).set(bearer(director)).expect(200)).body;
      expect(v1.version).toBe(4);
      const audits = await t.dataSource.query(`SELECT changes FROM audit_log WHERE action = 'customer.updated' AND entity_id = $1`, [c.id]);
      expect(audits).toHaveLength(3);
      expect(['education', 'energy', 'finance']).toContain(v1.industry);
    });
  });
});
