import { customerBody, faultBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

/** Issue 11, point 6: staff can be managed (edit, own password, contact fields, on-duty). */
describe('staff management', () => {
  let t: TestApp;
  let gdDirector: StaffLogin;
  let bjDirector: StaffLogin;
  let agent: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    [gdDirector, bjDirector, agent] = await Promise.all([
      t.staff(['director'], ['440000']),
      t.staff(['director'], ['110000']),
      t.staff(['agent'], ['440600']),
    ]);
  });
  afterAll(() => t?.close());

  const contacts = { workPhone: '(0757) 8633 8888', email: 'zhang.wei@example.cn', wecomUserId: 'ZhangWei', dingtalkUserId: 'manager7721' };
  const createStaff = async (body: Record<string, unknown> = {}) => {
    const username = unique('s.');
    const password = 'a-long-password-1';
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set(bearer(t.admin))
      .send({ username, password, displayName: '张伟', roles: ['engineer'], regions: ['440605'], ...body });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return { ...res.body, password, token: await t.login(username, password) } as Record<string, unknown> & {
      id: string;
      username: string;
      password: string;
      token: string;
      version: number;
    };
  };
  const auditOf = async (id: string) =>
    await t.dataSource.query<{ action: string; changes: Record<string, unknown> | null }[]>(
      `SELECT action, changes FROM audit_log WHERE entity = 'staff' AND entity_id = $1 ORDER BY id`,
      [id],
    );

  describe('contact fields', () => {
    it('are set on creation, the work phone normalised, and shown in full to admins, directors in scope and the person', async () => {
      const s = await createStaff(contacts);
      const full = { workPhone: '0757-86338888', email: 'zhang.wei@example.cn', wecomUserId: 'ZhangWei', dingtalkUserId: 'manager7721' };
      expect(s).toMatchObject({ ...full, contactsMasked: false, onDuty: true });
      for (const who of [t.admin, gdDirector]) {
        expect((await t.http().get(`/api/v1/staff/${s.id}`).set(bearer(who)).expect(200)).body).toMatchObject({
          ...full,
          contactsMasked: false,
        });
      }
      expect((await t.http().get('/api/v1/staff/me').set(bearer(s)).expect(200)).body).toMatchObject(full);
    });

    it('are masked, but for the work phone, in a list read by a director out of scope; who gets 404 for the record', async () => {
      const s = await createStaff(contacts);
      await t.http().get(`/api/v1/staff/${s.id}`).set(bearer(bjDirector)).expect(404);
      const page = (await t.http().get('/api/v1/staff?role=engineer&limit=100').set(bearer(bjDirector)).expect(200)).body;
      const seen = page.items.find((x: { id: string }) => x.id === s.id);
      expect(seen).toMatchObject({
        workPhone: '0757-86338888',
        email: 'z***@example.cn',
        wecomUserId: 'Zh***',
        dingtalkUserId: 'ma***',
        contactsMasked: true,
      });
    });

    it('give an agent the name and work phone only, through the card', async () => {
      const s = await createStaff(contacts);
      await t.http().get(`/api/v1/staff/${s.id}`).set(bearer(agent)).expect(403);
      const card = (await t.http().get(`/api/v1/staff/${s.id}/card`).set(bearer(agent)).expect(200)).body;
      expect(card).toEqual({ id: s.id, displayName: '张伟', workPhone: '0757-86338888', active: true });
      await t.http().get(`/api/v1/staff/00000000-0000-4000-8000-000000000000/card`).set(bearer(agent)).expect(404);
    });

    it.each([
      [{ workPhone: '12345' }, 'workPhone'],
      [{ workPhone: '0757-863' }, 'workPhone'],
      [{ workPhone: 12345678901 }, 'workPhone'],
      [{ email: 'not-an-address' }, 'email'],
      [{ wecomUserId: 'has space' }, 'wecomUserId'],
      [{ dingtalkUserId: 'x'.repeat(65) }, 'dingtalkUserId'],
    ])('refuses %j with 400 naming %s', async (patch, field) => {
      const res = await t
        .http()
        .post('/api/v1/staff')
        .set(bearer(t.admin))
        .send({ username: unique('v.'), password: 'a-long-password-1', displayName: 'V', roles: ['agent'], regions: ['440600'], ...patch });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    });
  });

  describe('PATCH /staff/:id', () => {
    it('changes name, roles, regions and contacts, bumps the version and audits it; roles apply on the next request', async () => {
      const s = await createStaff({ roles: ['agent'], regions: ['440600'], ...contacts });
      await t.http().get('/api/v1/staff').set(bearer(s)).expect(403);
      const res = await t
        .http()
        .patch(`/api/v1/staff/${s.id}`)
        .set(bearer(t.admin))
        .send({
          displayName: '张伟（组长）',
          roles: ['agent', 'director'],
          regions: ['440000'],
          email: null,
          workPhone: '020-83338888',
          expectedVersion: s.version,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        displayName: '张伟（组长）',
        roles: ['agent', 'director'],
        regions: ['440000'],
        email: null,
        workPhone: '020-83338888',
        wecomUserId: 'ZhangWei',
        version: s.version + 1,
      });
      // the same token, now a director: the guard reloads roles on every request (no sign-in needed, none revoked)
      await t.http().get('/api/v1/staff').set(bearer(s)).expect(200);
      const audit = await auditOf(s.id);
      expect(audit.map((a) => a.action)).toEqual(['staff.created', 'staff.updated']);
      expect(audit[1].changes).toMatchObject({
        displayName: { from: '张伟', to: '张伟（组长）' },
        regions: { from: ['440600'], to: ['440000'] },
      });
      expect(JSON.stringify(audit[1].changes)).not.toContain('83338888'); // phones masked in the audit log
    });

    it('answers a stale expectedVersion with 409 and the current version; of two concurrent edits one wins', async () => {
      const s = await createStaff();
      const edit = (displayName: string) =>
        t.http().patch(`/api/v1/staff/${s.id}`).set(bearer(t.admin)).send({ displayName, expectedVersion: s.version });
      const results = await Promise.all([edit('甲'), edit('乙'), edit('丙')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      const winner = results.find((r) => r.status === 200)!.body.displayName;
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: s.version + 1 });
      expect((await t.http().get(`/api/v1/staff/${s.id}`).set(bearer(t.admin)).expect(200)).body.displayName).toBe(winner);
      expect((await auditOf(s.id)).filter((a) => a.action === 'staff.updated')).toHaveLength(1);
    });

    it.each([
      [{ roles: [] }, 'roles'],
      [{ roles: ['janitor'] }, 'roles'],
      [{ regions: [] }, 'regions'],
      [{ regions: ['999999'] }, 'regions'],
      [{ displayName: null }, 'displayName'],
      [{ displayName: '' }, 'displayName'],
      [{ workPhone: '110' }, 'workPhone'],
      [{ username: 'renamed' }, 'username'],
    ])('refuses %j with 400 naming %s, and writes nothing', async (patch, field) => {
      const s = await createStaff();
      const res = await t
        .http()
        .patch(`/api/v1/staff/${s.id}`)
        .set(bearer(t.admin))
        .send({ expectedVersion: s.version, ...patch });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await t.http().get(`/api/v1/staff/${s.id}`).set(bearer(t.admin))).body.version).toBe(s.version);
    });

    it('says expectedVersion "is required" when it is missing', async () => {
      const s = await createStaff();
      const res = await t.http().patch(`/api/v1/staff/${s.id}`).set(bearer(t.admin)).send({ displayName: 'x' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'expectedVersion', message: 'is required' }]);
    });

    it('is for admins only (403), 404 for an unknown id, and an admin cannot drop their own admin role (409)', async () => {
      const s = await createStaff();
      await t.http().patch(`/api/v1/staff/${s.id}`).set(bearer(gdDirector)).send({ displayName: 'x', expectedVersion: 1 }).expect(403);
      await t
        .http()
        .patch('/api/v1/staff/00000000-0000-4000-8000-000000000000')
        .set(bearer(t.admin))
        .send({ displayName: 'x', expectedVersion: 1 })
        .expect(404);
      const me = (await t.http().get('/api/v1/staff/me').set(bearer(t.admin))).body;
      const res = await t
        .http()
        .patch(`/api/v1/staff/${me.id}`)
        .set(bearer(t.admin))
        .send({ roles: ['director'], expectedVersion: me.version })
        .expect(409);
      expect(res.body.code).toBe('STAFF_CANNOT_DEMOTE_SELF');
    });
  });

  describe('POST /staff/me/password', () => {
    it('changes the password, revokes every older token and audits it (without the passwords)', async () => {
      const s = await createStaff();
      const second = await t.login(s.username, s.password);
      await t
        .http()
        .post('/api/v1/staff/me/password')
        .set(bearer(s))
        .send({ oldPassword: s.password, newPassword: 'a brand new passphrase' })
        .expect(204);
      for (const token of [s.token, second]) await t.http().get('/api/v1/staff/me').set(bearer({ token })).expect(401);
      await t.http().post('/api/v1/auth/token').send({ username: s.username, password: s.password }).expect(401);
      const fresh = await t.login(s.username, 'a brand new passphrase');
      await t
        .http()
        .get('/api/v1/staff/me')
        .set(bearer({ token: fresh }))
        .expect(200);
      const audit = await auditOf(s.id);
      expect(audit.map((a) => a.action)).toEqual(['staff.created', 'staff.password_changed']);
      expect(JSON.stringify(audit)).not.toContain('passphrase');
    });

    it.each([
      [{ oldPassword: 'not-the-password', newPassword: 'a brand new passphrase' }, 'oldPassword'],
      [{ newPassword: 'short' }, 'newPassword'],
      [{ newPassword: 'x'.repeat(201) }, 'newPassword'],
      [{ newPassword: undefined }, 'newPassword'],
      [{ newPassword: 'SAME' }, 'newPassword'],
    ])('refuses %j with 400 naming %s; the token and password keep working', async (patch, field) => {
      const s = await createStaff();
      const body: Record<string, unknown> = Object.assign({ oldPassword: s.password, newPassword: 'a brand new passphrase' }, patch);
      if (body.newPassword === 'SAME') body.newPassword = s.password;
      const res = await t.http().post('/api/v1/staff/me/password').set(bearer(s)).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      await t.http().get('/api/v1/staff/me').set(bearer(s)).expect(200);
      await t.login(s.username, s.password);
    });

    it('needs a token (401)', async () => {
      await t.http().post('/api/v1/staff/me/password').send({ oldPassword: 'x', newPassword: 'a brand new passphrase' }).expect(401);
    });
  });

  it('limits password attempts like sign-in: per address and token (429)', async () => {
    const limited = await startTestApp({ AUTH_RATE_LIMIT_MAX: '3' });
    try {
      const a = await limited.staff(['agent'], ['440600']);
      const b = await limited.staff(['agent'], ['440600']);
      const attempt = (who: StaffLogin) =>
        limited
          .http()
          .post('/api/v1/staff/me/password')
          .set(bearer(who))
          .send({ oldPassword: 'wrong-guess', newPassword: 'a brand new passphrase' });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt(a)).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
      expect((await attempt(a)).body.code).toBe('RATE_LIMITED');
      // another account (another token) from the same address is counted apart
      expect((await attempt(b)).status).toBe(400);
    } finally {
      await limited.close();
    }
  });

  describe('PUT /staff/:id/on-duty', () => {
    it('is set by the engineer, a director in scope or an admin, audited; others get 403/404/409', async () => {
      const engineer = await createStaff({ roles: ['engineer'], regions: ['440605'] });
      const other = await createStaff({ roles: ['engineer'], regions: ['440605'] });
      const put = (who: { token: string }, id: string, onDuty: unknown) =>
        t.http().put(`/api/v1/staff/${id}/on-duty`).set(bearer(who)).send({ onDuty });

      expect((await put(engineer, engineer.id, false).expect(200)).body).toMatchObject({ onDuty: false, version: engineer.version + 1 });
      expect((await put(gdDirector, engineer.id, true).expect(200)).body.onDuty).toBe(true);
      expect((await put(t.admin, engineer.id, false).expect(200)).body.onDuty).toBe(false);
      expect((await put(t.admin, engineer.id, false).expect(200)).body.version).toBe(engineer.version + 3); // no change, no bump

      expect((await put(other, engineer.id, true)).status).toBe(403);
      expect((await put(agent, engineer.id, true)).status).toBe(403);
      expect((await put(bjDirector, engineer.id, true)).status).toBe(404);
      expect((await put(t.admin, agent.id, true)).body.code).toBe('STAFF_NOT_ENGINEER');
      expect((await put(t.admin, engineer.id, 'yes')).status).toBe(400);
      const missing = await put(t.admin, engineer.id, undefined);
      expect(missing.body.errors).toEqual([{ field: 'onDuty', message: 'is required' }]);

      const audit = await auditOf(engineer.id);
      expect(audit.filter((a) => a.action === 'staff.on_duty_changed').map((a) => a.changes)).toEqual([
        { onDuty: { from: true, to: false } },
        { onDuty: { from: false, to: true } },
        { onDuty: { from: true, to: false } },
      ]);
    });

    it('is used by dispatch at once: off duty gets nothing, put on duty gets the next fault of their region', async () => {
      // Guangzhou Tianhe: this test's two engineers are the only ones there
      const [busy, idle] = [
        await createStaff({ roles: ['engineer'], regions: ['440106'] }),
        await createStaff({ roles: ['engineer'], regions: ['440106'] }),
      ];
      const director = await t.staff(['director'], ['440100']);
      const duty = (who: { token: string }, id: string, onDuty: boolean) =>
        t.http().put(`/api/v1/staff/${id}/on-duty`).set(bearer(who)).send({ onDuty }).expect(200);
      await duty(busy, busy.id, false);
      await duty(director, idle.id, false);
      const c = (
        await t
          .http()
          .post('/api/v1/customers')
          .set(bearer(gdDirector))
          .send(customerBody({ homeRegion: '440106', sites: [{ name: '天河', region: '440106', address: '广州市天河区体育西路1号' }] }))
          .expect(201)
      ).body;
      const open = async () => (await t.http().post('/api/v1/faults').set(bearer(gdDirector)).send(faultBody(c.id)).expect(201)).body;
      const assigneeOf = (id: string) =>
        waitFor(async () => (await t.http().get(`/api/v1/faults/${id}`).set(bearer(gdDirector))).body.assigneeId, 10_000, 'dispatch');
      // nobody on duty: assigned by hand, so `busy` has one open fault and `idle` none
      const first = await open();
      await t.http().post(`/api/v1/faults/${first.id}/assign`).set(bearer(gdDirector)).send({ engineerId: busy.id }).expect(200);

      // `idle` is less busy but off duty: the next fault goes to `busy`, put on duty by an admin
      await duty(t.admin, busy.id, true);
      expect(await assigneeOf((await open()).id)).toBe(busy.id);
      // `idle` puts themself on duty: the least busy engineer on duty takes the next one
      await duty(idle, idle.id, true);
      expect(await assigneeOf((await open()).id)).toBe(idle.id);
    });
  });
});
