import { customerBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { workingBetween } from '../support/working-time';

/**
 * Issue 11, point 3: a time without an offset is refused (its zone would be a
 * guess), `Z` and `+08:00` name the same instant, and a date-only value means
 * the end of that day in China. Answers are UTC.
 */
describe('times mean China time unless they say otherwise', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let c: { id: string; sites: { id: string }[] };

  beforeAll(async () => {
    t = await startTestApp();
    agent = await t.staff(['agent'], ['440000']);
    // no engineer is on duty here: nothing is dispatched
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
    const director = await t.staff(['director'], ['440000']);
    c = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
  });
  afterAll(() => t?.close());

  const order = (extra: Record<string, unknown>) => ({
    customerId: c.id,
    acceptedRegion: '440600',
    items: [{ action: 'add', productCode: 'DIA', siteId: c.sites[0].id, quantity: 1, attributes: { bandwidthMbps: 200 } }],
    ...extra,
  });
  const support = (extra: Record<string, unknown>) => ({
    customerId: c.id,
    category: 'maintenance',
    description: '机房巡检',
    contactName: '王工',
    contactMobile: mobile(),
    ...extra,
  });
  const inquiry = async () =>
    (
      await t
        .http()
        .post('/api/v1/inquiries')
        .set(bearer(agent))
        .send({
          customerId: c.id,
          callerName: '张先生',
          callerMobile: mobile(),
          channel: 'hotline',
          topic: 'product',
          question: '专线开通？',
        })
        .expect(201)
    ).body as { id: string };
  /** A China calendar day `days` from today, as YYYY-MM-DD. */
  const chinaDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

  const LOCAL_TIMES = ['2026-12-07 09:00', '2026-12-07T09:00:00', '2026-12-07T09:00'];

  describe.each(LOCAL_TIMES)('a time without an offset (%s)', (local) => {
    it('is refused by POST /orders, naming requestedCompletionAt', async () => {
      const res = await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(agent))
        .send(order({ requestedCompletionAt: local }))
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'requestedCompletionAt', message: expect.stringContaining('offset') }]);
    });

    it('is refused by POST /support-requests, naming preferredAt', async () => {
      const res = await t
        .http()
        .post('/api/v1/support-requests')
        .set(bearer(agent))
        .send(support({ preferredAt: local }))
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'preferredAt', message: expect.stringContaining('offset') }]);
    });

    it('is refused by POST /inquiries/:id/convert, for support and for an order, and the inquiry stays open', async () => {
      const q = await inquiry();
      const toSupport = await t
        .http()
        .post(`/api/v1/inquiries/${q.id}/convert`)
        .set(bearer(agent))
        .send({ to: 'support', category: 'other', preferredAt: local })
        .expect(400);
      expect(toSupport.body.errors.map((e: { field: string }) => e.field)).toEqual(['preferredAt']);
      const toOrder = await t
        .http()
        .post(`/api/v1/inquiries/${q.id}/convert`)
        .set(bearer(agent))
        .send({ to: 'order', order: { ...order({ requestedCompletionAt: local }), customerId: undefined } })
        .expect(400);
      expect(toOrder.body.errors.map((e: { field: string }) => e.field)).toEqual(['order.requestedCompletionAt']);
      expect((await t.http().get(`/api/v1/inquiries/${q.id}`).set(bearer(agent)).expect(200)).body.state).toBe('open');
    });
  });

  it('stores +08:00 and Z as the same instant and answers in UTC', async () => {
    const beijing = (
      await t
        .http()
        .post('/api/v1/support-requests')
        .set(bearer(agent))
        .send(support({ preferredAt: '2026-12-07T09:00:00+08:00' }))
        .expect(201)
    ).body;
    const utc = (
      await t
        .http()
        .post('/api/v1/support-requests')
        .set(bearer(agent))
        .send(support({ preferredAt: '2026-12-07T01:00:00Z' }))
        .expect(201)
    ).body;
    expect(beijing.preferredAt).toBe('2026-12-07T01:00:00.000Z');
    expect(utc.preferredAt).toBe('2026-12-07T01:00:00.000Z');
    const [row] = await t.dataSource.query(`SELECT preferred_at = '2026-12-07 01:00:00+00' AS same FROM support_requests WHERE id = $1`, [
      beijing.id,
    ]);
    expect(row.same).toBe(true);

    const at = `${chinaDay(20)}T10:00:00`;
    const a = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(agent))
        .send(order({ requestedCompletionAt: `${at}+08:00` }))
        .expect(201)
    ).body;
    const b = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(agent))
        .send(order({ requestedCompletionAt: `${chinaDay(20)}T02:00:00Z` }))
        .expect(201)
    ).body;
    expect(a.requestedCompletionAt).toBe(`${chinaDay(20)}T02:00:00.000Z`);
    expect(b.requestedCompletionAt).toBe(a.requestedCompletionAt);
  });

  it('reads a date-only requestedCompletionAt as the end of that day in China (23:59:59.999+08:00)', async () => {
    const day = chinaDay(60); // later than any product's lead time, so the commitment is the requested date
    const o = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(agent))
        .send(order({ requestedCompletionAt: day }))
        .expect(201)
    ).body;
    expect(o.requestedCompletionAt).toBe(`${day}T15:59:59.999Z`);
    // committed to the end of the working time on or before it (targets are working time, issue 12)
    const end = new Date(`${day}T23:59:59.999+08:00`).getTime();
    const committed = new Date(o.committedCompletionAt).getTime();
    expect(committed).toBeLessThanOrEqual(end);
    expect(workingBetween(t, 'workday', committed, end)).toBeLessThan(1000);
    expect(committed).toBeGreaterThan(end - 10 * 86_400_000); // only the non-working time before it is left out
    // also through an inquiry's conversion (the orders module validates the body there)
    const q = await inquiry();
    await t
      .http()
      .post(`/api/v1/inquiries/${q.id}/convert`)
      .set(bearer(agent))
      .send({ to: 'order', order: { ...order({ requestedCompletionAt: day }), customerId: undefined } })
      .expect(201);
    const [row] = await t.dataSource.query(`SELECT requested_completion_at AS at FROM orders WHERE inquiry_id = $1`, [q.id]);
    expect(new Date(row.at).toISOString()).toBe(`${day}T15:59:59.999Z`);
  });

  it.each([
    ['a day that does not exist', '2027-02-30'],
    ['an offset beyond ±14:00', '2026-12-31T10:00:00+15:00'],
    ['a preferred time given as a date (a time is what the field means)', 'DATE'],
  ])('refuses %s', async (_what, value) => {
    if (value === 'DATE') {
      const res = await t
        .http()
        .post('/api/v1/support-requests')
        .set(bearer(agent))
        .send(support({ preferredAt: chinaDay(3) }))
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['preferredAt']);
      return;
    }
    const res = await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(agent))
      .send(order({ requestedCompletionAt: value }))
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['requestedCompletionAt']);
  });

  it('documents the rule in the OpenAPI schema (description and example)', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const prop = (schema: string, field: string) => doc.components.schemas[schema].properties[field];
    expect(prop('CreateOrderDto', 'requestedCompletionAt')).toMatchObject({
      format: 'date-time',
      example: '2026-12-31',
      description: expect.stringContaining('23:59:59.999+08:00'),
    });
    expect(prop('CreateSupportRequestDto', 'preferredAt')).toMatchObject({
      format: 'date-time',
      example: expect.stringMatching(/\+08:00$/),
      description: expect.stringContaining('offset'),
    });
  });
});
