import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

describe('Idempotency-Key on creating POSTs', () => {
  let t: TestApp;
  let am: StaffLogin;
  beforeAll(async () => {
    t = await startTestApp();
    am = await t.staff(['account_manager'], ['440600']);
  });
  afterAll(() => t?.close());

  const countByCode = async (code: string) =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM customers WHERE credit_code = $1', [code]))[0].n as number;

  it('replays the first response for the same key and body', async () => {
    const key = unique('k-');
    const body = customerBody();
    const first = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countByCode(body.creditCode)).toBe(1);
  });

  it('treats key order in the body as the same body', async () => {
    const key = unique('k-');
    const body = customerBody();
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(body).expect(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(reordered).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 422 when the key is reused with another body, creating nothing', async () => {
    const key = unique('k-');
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(customerBody()).expect(201);
    const other = customerBody();
    const res = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(other);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countByCode(other.creditCode)).toBe(0);
  });

  it('creates exactly one customer from 20 concurrent requests with one key', async () => {
    const key = unique('k-');
    const body = customerBody();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(body)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await countByCode(body.creditCode)).toBe(1);
    const audits = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.created' AND entity_id = $1`,
      [results[0].body.id],
    );
    expect(audits[0].n).toBe(1);
  });

  it('scopes keys to the caller', async () => {
    const other = await t.staff(['account_manager'], ['440600']);
    const key = unique('k-');
    const a = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(customerBody()).expect(201);
    const b = await t.http().post('/api/v1/customers').set(bearer(other)).set('Idempotency-Key', key).send(customerBody()).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('frees the key when the request fails, so a corrected retry can use it', async () => {
    const key = unique('k-');
    const bad = customerBody({ homeRegion: '449999' });
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(bad).expect(400);
    const good = customerBody();
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(good).expect(201);
  });

  it('rejects a malformed key with 400', async () => {
    const res = await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', 'x'.repeat(300)).send(customerBody());
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('applies to staff creation too', async () => {
    const key = unique('k-');
    const body = { username: unique('idem.'), password: 'a-long-password-3', displayName: 'I', roles: ['agent'], regions: ['440600'] };
    const first = await t.http().post('/api/v1/staff').set(bearer(t.admin)).set('Idempotency-Key', key).send(body).expect(201);
    const again = await t.http().post('/api/v1/staff').set(bearer(t.admin)).set('Idempotency-Key', key).send(body).expect(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('applies to the customer’s contacts, sites and service instances', async () => {
    const c = (await t.http().post('/api/v1/customers').set(bearer(am)).send(customerBody()).expect(201)).body;
    const key = unique('k-');
    const body = { name: '周杰', mobile: '13700001111', role: 'technical' };
    const first = await t
      .http()
      .post(`/api/v1/customers/${c.id}/contacts`)
      .set(bearer(am))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const again = await t
      .http()
      .post(`/api/v1/customers/${c.id}/contacts`)
      .set(bearer(am))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(again.body.id).toBe(first.body.id);
    const contacts = await t.http().get(`/api/v1/customers/${c.id}/contacts`).set(bearer(am)).expect(200);
    expect(contacts.body).toHaveLength(2);
  });

  it('expires keys after their time to live (housekeeping purge)', async () => {
    const key = unique('k-');
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(customerBody()).expect(201);
    await t.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    expect(await t.app.get(IdempotencyService).purgeExpired()).toBeGreaterThanOrEqual(1);
    // the key can be used for a new request now
    await t.http().post('/api/v1/customers').set(bearer(am)).set('Idempotency-Key', key).send(customerBody()).expect(201);
  });
});
