import { customerBody, faultBody } from '../support/factories';
import { bearer, startTestApp, unique, type StaffLogin, type TestApp } from '../support/test-app';

/**
 * Issue 11, point 1: a second open fault on the same service instance (or
 * the same site, when no instance is given) within 24 hours is flagged on
 * creation, in the 201 body and on the fault (stored, returned by GET), and
 * never refused.
 */
describe('possible duplicate faults (issue 11)', () => {
  let t: TestApp;
  let director: StaffLogin;
  let agent: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    director = await t.staff(['director'], ['440000']);
    agent = await t.staff(['agent'], ['440000']);
    // Nobody on duty: the dispatcher leaves these faults alone.
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
  });
  afterAll(() => t?.close());

  const customer = async () =>
    (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(
          customerBody({
            sites: [
              { name: '一号楼', region: '440605', address: '佛山市南海区一号' },
              { name: '二号楼', region: '440605', address: '佛山市南海区二号' },
            ],
          }),
        )
        .expect(201)
    ).body;
  const instance = async (c: { id: string; sites: { id: string }[] }, site = 0) =>
    (
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(director))
        .send({ productCode: 'DIA', siteId: c.sites[site].id, accessNo: unique('FS-DIA-'), state: 'active' })
        .expect(201)
    ).body;
  const open = async (customerId: string, overrides: Record<string, unknown>) =>
    (await t.http().post('/api/v1/faults').set(bearer(agent)).send(faultBody(customerId, overrides)).expect(201)).body;
  const get = async (id: string) => (await t.http().get(`/api/v1/faults/${id}`).set(bearer(agent)).expect(200)).body;
  const move = (id: string, to: string) => t.http().post(`/api/v1/faults/${id}/transitions`).set(bearer(agent)).send({ to }).expect(200);
  const ref = (f: { id: string; caseNo: string }) => ({ id: f.id, caseNo: f.caseNo });

  it('flags a second open fault on the same service instance, in the 201 body and on the fault', async () => {
    const c = await customer();
    const a = await instance(c);
    const first = await open(c.id, { serviceInstanceId: a.id });
    expect(first.possibleDuplicateOf).toEqual([]);
    const second = await open(c.id, { serviceInstanceId: a.id, title: '又断了' });
    expect(second.possibleDuplicateOf).toEqual([ref(first)]);
    expect((await get(second.id)).possibleDuplicateOf).toEqual([ref(first)]);
    expect((await get(first.id)).possibleDuplicateOf).toEqual([]);
    const third = await open(c.id, { serviceInstanceId: a.id });
    expect(third.possibleDuplicateOf).toEqual([ref(first), ref(second)]);
    // Stored: the list shows it too.
    const page = (await t.http().get(`/api/v1/faults?customerId=${c.id}`).set(bearer(agent)).expect(200)).body;
    expect(page.items.find((x: { id: string }) => x.id === third.id).possibleDuplicateOf).toEqual([ref(first), ref(second)]);
  });

  it('does not flag another instance, a complaint, a fault finished or cancelled, nor one older than 24 hours', async () => {
    const c = await customer();
    const [a, b] = [await instance(c), await instance(c)];
    const onA = await open(c.id, { serviceInstanceId: a.id });
    expect((await open(c.id, { serviceInstanceId: b.id })).possibleDuplicateOf).toEqual([]);
    // Complaints are neither flagged nor counted.
    expect((await open(c.id, { serviceInstanceId: a.id, category: 'complaint' })).possibleDuplicateOf).toEqual([]);

    // Resolved (waiting for the customer) and cancelled faults are no longer open.
    await move(onA.id, 'in_progress');
    await move(onA.id, 'resolved');
    const x = await instance(c);
    const cancelled = await open(c.id, { serviceInstanceId: x.id });
    await move(cancelled.id, 'cancelled');
    expect((await open(c.id, { serviceInstanceId: a.id })).possibleDuplicateOf).toEqual([]);
    expect((await open(c.id, { serviceInstanceId: x.id })).possibleDuplicateOf).toEqual([]);

    // Older than 24 hours.
    const y = await instance(c);
    const old = await open(c.id, { serviceInstanceId: y.id });
    await t.dataSource.query(`UPDATE faults SET created_at = now() - interval '24 hours 1 minute' WHERE id = $1`, [old.id]);
    const fresh = await open(c.id, { serviceInstanceId: y.id });
    expect(fresh.possibleDuplicateOf).toEqual([]);
    // Just inside 24 hours: flagged (oldest first).
    await t.dataSource.query(`UPDATE faults SET created_at = now() - interval '23 hours 59 minutes' WHERE id = $1`, [old.id]);
    expect((await open(c.id, { serviceInstanceId: y.id })).possibleDuplicateOf).toEqual([ref(old), ref(fresh)]);
  });

  it('falls back to the site when no instance is given', async () => {
    const c = await customer();
    const first = await open(c.id, { siteId: c.sites[1].id });
    expect(first.possibleDuplicateOf).toEqual([]);
    const second = await open(c.id, { siteId: c.sites[1].id });
    expect(second.possibleDuplicateOf).toEqual([ref(first)]);
    // Another site of the same customer: not flagged.
    expect((await open(c.id, { siteId: c.sites[0].id })).possibleDuplicateOf).toEqual([]);
    // Neither instance nor site: nothing to compare with.
    expect((await open(c.id, {})).possibleDuplicateOf).toEqual([]);
    expect((await open(c.id, {})).possibleDuplicateOf).toEqual([]);
  });

  it('never refuses: concurrent repeats on one instance are all created', async () => {
    const c = await customer();
    const a = await instance(c);
    await open(c.id, { serviceInstanceId: a.id });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t
          .http()
          .post('/api/v1/faults')
          .set(bearer(agent))
          .send(faultBody(c.id, { serviceInstanceId: a.id })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    // Each saw at least the first fault (concurrent ones may not see each other: one snapshot per intake).
    for (const r of results) expect(r.body.possibleDuplicateOf.length).toBeGreaterThanOrEqual(1);
  });

  it('documents the flag', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(doc.components.schemas.FaultDto.properties.possibleDuplicateOf).toMatchObject({ type: 'array' });
    expect(doc.components.schemas.FaultDto.required).toContain('possibleDuplicateOf');
  });
});
