import fc from 'fast-check';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { WORKDAY_MS, workingBetween, workingDue } from '../support/working-time';

const SITES = [
  { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' },
  { name: '北京办事处', region: '110105', address: '北京市朝阳区建国路1号' },
];

describe('orders: bad input, product rules, the commitment and the clocks', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let director: StaffLogin;
  let c: { id: string; sites: { id: string }[] };
  let other: { id: string; sites: { id: string }[] };

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '1' });
    agent = await t.staff(['agent'], ['440000']);
    director = await t.staff(['director'], ['CN']);
    c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ sites: SITES }))
        .expect(201)
    ).body;
    other = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
  });
  afterAll(() => t?.close());

  const item = (overrides: Record<string, unknown> = {}) => ({
    action: 'add',
    productCode: 'DIA',
    siteId: c.sites[0].id,
    quantity: 1,
    attributes: { bandwidthMbps: 200 },
    ...overrides,
  });
  const body = (overrides: Record<string, unknown> = {}) => ({ customerId: c.id, acceptedRegion: '440600', items: [item()], ...overrides });
  const post = (b: unknown, by: StaffLogin = agent) =>
    t
      .http()
      .post('/api/v1/orders')
      .set(bearer(by))
      .send(b as object);
  const fieldsOf = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  it.each([
    ['an unknown product', () => ({ items: [item({ productCode: 'TELEPORT' })] }), 'items[0].productCode'],
    ['a site of another customer', () => ({ items: [item(), item({ siteId: other.sites[0].id })] }), 'items[1].siteId'],
    [
      'missing attributes',
      () => ({ items: [item({ productCode: 'MPLS_VPN', attributes: { bandwidthMbps: 100 } })] }),
      'items[0].attributes.qosClass',
    ],
    ['no attributes at all', () => ({ items: [item({ attributes: undefined })] }), 'items[0].attributes.bandwidthMbps'],
    ['an attribute out of range', () => ({ items: [item({ attributes: { bandwidthMbps: 1 } })] }), 'items[0].attributes.bandwidthMbps'],
    [
      'an attribute the product does not know',
      () => ({ items: [item({ attributes: { bandwidthMbps: 100, colour: 'red' } })] }),
      'items[0].attributes.colour',
    ],
    ['a negative quantity', () => ({ items: [item({ quantity: -1 })] }), 'items[0].quantity'],
    ['a fractional quantity', () => ({ items: [item({ quantity: 1.5 })] }), 'items[0].quantity'],
    ['an empty item list', () => ({ items: [] }), 'items'],
    ['no item list', () => ({ items: undefined }), 'items'],
    ['an unknown action', () => ({ items: [item({ action: 'upgrade' })] }), 'items[0].action'],
    [
      'an action the product does not allow',
      () => ({
        items: [item({ productCode: 'EMERGENCY_COMM', action: 'modify', serviceInstanceId: undefined, attributes: { durationDays: 3 } })],
      }),
      'items[0].action',
    ],
    ['modify without a service instance', () => ({ items: [item({ action: 'modify' })] }), 'items[0].serviceInstanceId'],
    ['an unknown region', () => ({ acceptedRegion: '449999' }), 'acceptedRegion'],
    ['a region outside the caller’s scope', () => ({ acceptedRegion: '110105' }), 'acceptedRegion'],
    ['a requested date in the past', () => ({ requestedCompletionAt: '2020-01-01T00:00:00Z' }), 'requestedCompletionAt'],
    ['a requested date that is no date', () => ({ requestedCompletionAt: 'soon' }), 'requestedCompletionAt'],
    ['an unknown field', () => ({ discount: 50 }), 'discount'],
    ['an unknown item field', () => ({ items: [item({ price: 1 })] }), 'items[0].price'],
  ] as [string, () => Record<string, unknown>, string][])('refuses %s with 400 naming the field', async (_, overrides, field) => {
    const b = body(overrides());
    const res = await post(b);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fieldsOf(res)).toContain(field);
  });

  it('reports every bad line at once and writes nothing', async () => {
    const res = await post(
      body({ items: [item({ productCode: 'TELEPORT' }), item({ siteId: other.sites[0].id }), item({ attributes: {} })] }),
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res).sort()).toEqual(['items[0].productCode', 'items[1].siteId', 'items[2].attributes.bandwidthMbps']);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM orders WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(0);
  });

  it('refuses an archived customer with 409', async () => {
    const gone = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
    await t.http().post(`/api/v1/customers/${gone.id}/archive`).set(bearer(director)).send({ reason: '客户注销' }).expect(200);
    const res = await post({ ...body(), customerId: gone.id, items: [item({ siteId: gone.sites[0].id })] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ORDER_CUSTOMER_ARCHIVED');
  });

  it('modifies and terminates the customer’s own service instances only', async () => {
    const si = (
      await t
        .http()
        .post(`/api/v1/customers/${c.id}/service-instances`)
        .set(bearer(director))
        .send({ productCode: 'DIA', siteId: c.sites[0].id, accessNo: unique('FS-DIA-'), state: 'active' })
        .expect(201)
    ).body;
    const theirs = (
      await t
        .http()
        .post(`/api/v1/customers/${other.id}/service-instances`)
        .set(bearer(director))
        .send({ productCode: 'DIA', siteId: other.sites[0].id, accessNo: unique('FS-DIA-'), state: 'active' })
        .expect(201)
    ).body;
    const modify = await post(
      body({ items: [item({ action: 'modify', serviceInstanceId: si.id, attributes: { bandwidthMbps: 1000 } })] }),
    ).expect(201);
    expect(modify.body.workOrders[0].items[0]).toMatchObject({ action: 'modify', serviceInstanceId: si.id });
    await post(body({ items: [item({ action: 'terminate', serviceInstanceId: si.id, attributes: {} })] })).expect(201);
    const foreign = await post(body({ items: [item({ action: 'terminate', serviceInstanceId: theirs.id, attributes: {} })] }));
    expect(foreign.status).toBe(400);
    expect(fieldsOf(foreign)).toEqual(['items[0].serviceInstanceId']);
    const wrongProduct = await post(
      body({ items: [item({ action: 'modify', productCode: 'SDWAN', serviceInstanceId: si.id, attributes: { bandwidthMbps: 100 } })] }),
    );
    expect(fieldsOf(wrongProduct)).toEqual(['items[0].serviceInstanceId']);
  });

  it('hides other regions’ customers and keeps billing staff out', async () => {
    const bj = await t.staff(['agent'], ['110000']);
    await post({ ...body(), customerId: other.id, acceptedRegion: '110000' }, bj).expect(404);
    const billing = await t.staff(['billing'], ['440000']);
    await post(body(), billing).expect(403);
    // only a director may override arrears
    const override = await post(body({ arrearsOverride: true }));
    expect(override.status).toBe(403);
    expect(override.body.code).toBe('ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR');
  });

  it('commits to the policy, the lead time or the requested date, whichever is latest; urgent and green channel move the priority', async () => {
    const policies = (await t.http().get('/api/v1/sla/policies').set(bearer(agent)).expect(200)).body as {
      key: string;
      resolutionSeconds: number;
    }[];
    const p3 = policies.find((p) => p.key === 'order:P3')!.resolutionSeconds * 1000;
    const p2 = policies.find((p) => p.key === 'order:P2')!.resolutionSeconds * 1000;
    // CLOUD_HOST: one day of lead time, less than the policy
    let before = Date.now();
    const cloud = (
      await post(body({ items: [item({ productCode: 'CLOUD_HOST', attributes: { vcpu: 8, memoryGb: 32, diskGb: 100 } })] })).expect(201)
    ).body;
    // targets are working time on `workday` (issue 12)
    expect(new Date(cloud.committedCompletionAt).getTime()).toBeGreaterThanOrEqual(workingDue(t, 'workday', before, p3));
    expect(new Date(cloud.committedCompletionAt).getTime()).toBeLessThanOrEqual(workingDue(t, 'workday', Date.now(), p3));
    // urgent: P2 and its shorter target
    before = Date.now();
    const urgent = (
      await post(
        body({ urgent: true, items: [item({ productCode: 'CLOUD_HOST', attributes: { vcpu: 8, memoryGb: 32, diskGb: 100 } })] }),
      ).expect(201)
    ).body;
    expect(urgent).toMatchObject({ priority: 'P2', urgent: true, sla: { policyKey: 'order:P2' } });
    expect(new Date(urgent.committedCompletionAt).getTime()).toBeGreaterThanOrEqual(workingDue(t, 'workday', before, p2));
    expect(new Date(urgent.committedCompletionAt).getTime()).toBeLessThanOrEqual(workingDue(t, 'workday', Date.now(), p2));
    // a requested date later than both: committed to the end of the working time before it (to the second)
    const requested = new Date(Date.now() + 60 * 86_400_000);
    const late = (await post(body({ requestedCompletionAt: requested.toISOString() })).expect(201)).body;
    const committed = new Date(late.committedCompletionAt).getTime();
    expect(committed).toBeLessThanOrEqual(requested.getTime());
    expect(workingBetween(t, 'workday', committed, requested)).toBeLessThan(1000);
    expect(workingBetween(t, 'workday', Date.now(), committed)).toBeGreaterThan(30 * WORKDAY_MS);
    expect(late.sla.resolutionDueAt).toBe(late.committedCompletionAt);
    expect(new Date(late.requestedCompletionAt).getTime()).toBe(requested.getTime());
    // green channel: −1
    const green = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ greenChannel: true }))
        .expect(201)
    ).body;
    const g = (await post({ ...body(), customerId: green.id, items: [item({ siteId: green.sites[0].id })] }).expect(201)).body;
    expect(g).toMatchObject({ priority: 'P2', greenChannel: true });
  });

  it('raises alerts for a work order that risks missing its target, like any case', async () => {
    await t
      .http()
      .put('/api/v1/sla/policies/order:P4')
      .set(bearer(t.admin))
      .send({ responseSeconds: 2, resolutionSeconds: 86_400, warnAtPercent: 50, responseCalendar: '24x7', resolutionCalendar: '24x7' })
      .expect(200);
    const std = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ tier: 'standard', sites: SITES }))
        .expect(201)
    ).body;
    const o = (
      await post({ ...body(), customerId: std.id, items: std.sites.map((s: { id: string }) => item({ siteId: s.id })) }).expect(201)
    ).body;
    expect(o.priority).toBe('P4');
    const ids = [o.id, ...o.workOrders.map((w: { id: string }) => w.id)];
    const alerts = await waitFor(
      async () => {
        const rows: { case_kind: string; level: string }[] = await t.dataSource.query(
          `SELECT case_kind, level FROM alerts WHERE case_id = ANY($1::uuid[]) AND clock = 'response' AND level = 'breached'`,
          [ids],
        );
        return rows.length === 3 && rows;
      },
      15_000,
      'response breaches',
    );
    expect(alerts.map((a) => a.case_kind).sort()).toEqual(['order', 'work_order', 'work_order']);
    const listed = await t.http().get('/api/v1/alerts?kind=work_order').set(bearer(director)).expect(200);
    expect(listed.body.items.filter((a: { caseId: string }) => ids.includes(a.caseId)).length).toBeGreaterThanOrEqual(2);
  });

  it('lists orders by customer, state, region and overdue', async () => {
    const list = async (q: string) => (await t.http().get(`/api/v1/orders?${q}`).set(bearer(agent)).expect(200)).body;
    const mine = await list(`customerId=${c.id}`);
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((o: { customerId: string }) => o.customerId === c.id)).toBe(true);
    expect((await list(`customerId=${c.id}&state=completed`)).total).toBe(0);
    expect((await list(`customerId=${c.id}&region=4406`)).total).toBe(mine.total);
    expect((await list(`customerId=${c.id}&overdue=true`)).total).toBe(0);
    expect((await list(`customerId=${c.id}&overdue=false`)).total).toBe(mine.total);
    const bad = await t.http().get('/api/v1/orders?state=done').set(bearer(agent));
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['state']);
  });

  it('never answers 5xx to random bodies', async () => {
    const weird = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(
        null,
        '',
        ' ',
        '\u0000',
        '9'.repeat(400),
        -1,
        0,
        2 ** 63,
        Number.MAX_SAFE_INTEGER + 2,
        '__proto__',
        '449999',
        'DIA',
        'add',
      ),
      fc.string({ maxLength: 100 }),
      fc.uuid(),
    );
    const field = fc.constantFrom(
      'customerId',
      'acceptedRegion',
      'contractNo',
      'urgent',
      'requestedCompletionAt',
      'note',
      'items',
      'arrearsOverride',
      'constructor',
    );
    const itemField = fc.constantFrom('action', 'productCode', 'siteId', 'serviceInstanceId', 'quantity', 'attributes', 'toString');
    const attrs = fc.dictionary(fc.constantFrom('bandwidthMbps', 'ipv4Addresses', 'qosClass', '__proto__', 'x'), weird, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(field, weird, { maxKeys: 4 }).map((patch) => ({ ...body(), ...patch })),
          fc
            .array(
              fc.dictionary(itemField, weird, { maxKeys: 3 }).map((patch) => ({ ...item(), ...patch })),
              { maxLength: 4 },
            )
            .map((items) => body({ items })),
          attrs.map((attributes) => body({ items: [item({ attributes })] })),
          fc.array(weird, { maxLength: 3 }).map((items) => body({ items })),
          fc.anything(),
        ),
        async (b) => {
          const res = await t
            .http()
            .post('/api/v1/orders')
            .set(bearer(director))
            .set('content-type', 'application/json')
            .send(JSON.stringify(b) ?? 'null');
          if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(b)}: ${JSON.stringify(res.body)}`);
          expect([201, 400, 404, 409, 413, 415]).toContain(res.status);
          if (res.status !== 201) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
