import type { TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

describe('staff and authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('issues a bearer token for valid credentials', async () => {
    const agent = await t.staff(['agent'], ['440600']);
    const me = await t.http().get('/api/v1/staff/me').set(bearer(agent)).expect(200);
    expect(me.body).toMatchObject({ username: agent.username, roles: ['agent'], regions: ['440600'], active: true });
    expect(me.body.passwordHash).toBeUndefined();
  });

  it('answers wrong password and unknown user alike with 401, saying nothing of which', async () => {
    const agent = await t.staff(['agent'], ['440600']);
    const wrong = await t.http().post('/api/v1/auth/token').send({ username: agent.username, password: 'not-the-password' });
    const unknown = await t.http().post('/api/v1/auth/token').send({ username: 'nobody-here', password: 'whatever-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  it('returns the token shape of the contract', async () => {
    const agent = await t.staff(['agent'], ['440600']);
    expect(agent.token.split('.')).toHaveLength(3);
    const res = await t.http().post('/api/v1/auth/token').send({ username: agent.username, password: 'x' });
    expect(res.status).toBe(401);
  });

  it('requires a token on every route except health, docs and token', async () => {
    for (const path of ['/api/v1/staff', '/api/v1/staff/me', '/api/v1/customers', '/api/v1/products', '/api/v1/audit', '/api/v1/regions']) {
      const res = await t.http().get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    await t.http().get('/api/v1/customers').set('authorization', 'Bearer not.a.token').expect(401);
    await t.http().get('/health/live').expect(200);
    await t.http().get('/api/docs-json').expect(200);
  });

  it('lets only admins create staff', async () => {
    const agent = await t.staff(['agent'], ['440600']);
    const body = { username: unique('x.'), password: 'a-long-password-1', displayName: 'X', roles: ['agent'], regions: ['440600'] };
    const res = await t.http().post('/api/v1/staff').set(bearer(agent)).send(body);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    await t.http().post('/api/v1/staff').set(bearer(t.admin)).send(body).expect(201);
    await t.http().post('/api/v1/staff').set(bearer(t.admin)).send(body).expect(409);
  });

  it.each([
    [{ roles: [] }, 'roles'],
    [{ roles: ['janitor'] }, 'roles'],
    [{ regions: ['999999'] }, 'regions'],
    [{ regions: ['44'] }, 'regions'],
    [{ regions: [] }, 'regions'],
    [{ password: 'short' }, 'password'],
    [{ username: 'Bad Name' }, 'username'],
    [{ extra: 'field' }, 'extra'],
  ])('rejects staff body %j with a 400 naming %s', async (patch, field) => {
    const body = {
      username: unique('v.'),
      password: 'a-long-password-1',
      displayName: 'V',
      roles: ['agent'],
      regions: ['440600'],
      ...patch,
    };
    const res = await t.http().post('/api/v1/staff').set(bearer(t.admin)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('stops a deactivated member’s tokens at once, and refuses their login', async () => {
    const password = 'a-long-password-2';
    const username = unique('leaver.');
    const created = await t
      .http()
      .post('/api/v1/staff')
      .set(bearer(t.admin))
      .send({ username, password, displayName: 'Leaver', roles: ['agent'], regions: ['440600'] })
      .expect(201);
    const token = await t.login(username, password);
    await t.http().get('/api/v1/staff/me').set('authorization', `Bearer ${token}`).expect(200);
    await t.http().post(`/api/v1/staff/${created.body.id}/deactivate`).set(bearer(t.admin)).expect(200);
    const after = await t.http().get('/api/v1/staff/me').set('authorization', `Bearer ${token}`);
    expect(after.status).toBe(401);
    await t.http().post('/api/v1/auth/token').send({ username, password }).expect(401);
    // re-activation does not revive old tokens
    await t.http().post(`/api/v1/staff/${created.body.id}/activate`).set(bearer(t.admin)).expect(200);
    await t.http().get('/api/v1/staff/me').set('authorization', `Bearer ${token}`).expect(401);
    await t.login(username, password);
  });

  it('keeps admins from deactivating themselves', async () => {
    const res = await t.http().post(`/api/v1/staff/${t.admin.id}/deactivate`).set(bearer(t.admin));
    expect(res.status).toBe(409);
  });

  it('lists staff by role and by the region their scope covers', async () => {
    const foshan = await t.staff(['engineer'], ['440600']);
    const gd = await t.staff(['engineer'], ['440000']);
    const bj = await t.staff(['engineer'], ['110000']);
    const res = await t.http().get('/api/v1/staff?role=engineer&region=440605&limit=200').set(bearer(t.admin)).expect(200);
    const names = res.body.items.map((s: { username: string }) => s.username);
    expect(names).toEqual(expect.arrayContaining([foshan.username, gd.username]));
    expect(names).not.toContain(bj.username);
  });

  it('audits staff creation without the password', async () => {
    const s = await t.staff(['billing'], ['440600']);
    const res = await t.http().get(`/api/v1/audit?entity=staff&entityId=${s.id}`).set(bearer(t.admin)).expect(200);
    expect(res.body.items[0]).toMatchObject({ action: 'staff.created', actorUsername: 'admin' });
    expect(JSON.stringify(res.body.items[0].changes)).not.toMatch(/password/i);
  });
});
