import fc from 'fast-check';
import { customerBody, mobile } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

/** Any body to the inquiry and support intakes (and an inquiry's conversion) gets a 2xx or a 4xx problem: never a 5xx. */
describe('inquiry and support intake under random bodies', () => {
  let t: TestApp;
  let customerId: string;
  let otherSiteId: string;
  beforeAll(async () => {
    t = await startTestApp();
    customerId = (await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(customerBody()).expect(201)).body.id;
    otherSiteId = (await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(customerBody()).expect(201)).body.sites[0].id;
  });
  afterAll(() => t?.close());

  // Values that tend to break naive code: huge numbers, NUL bytes, nested junk, prototype keys, ids of the wrong thing.
  const weird = () =>
    fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom(
        null,
        '',
        ' ',
        '\u0000',
        '9'.repeat(400),
        -1,
        2 ** 63,
        '__proto__',
        '449999',
        '440605',
        '13812345678',
        'order',
        'support',
        '00000000-0000-0000-0000-000000000000',
        '2026-02-30T00:00:00Z',
        customerId,
        otherSiteId,
      ),
      fc.string({ maxLength: 300 }),
    );
  // How many bodies were accepted: the properties must reach the write path, not only the validation.
  let created = 0;
  const send = async (path: string, body: unknown, ok: number[]) => {
    const res = await t
      .http()
      .post(path)
      .set(bearer(t.admin))
      .set('content-type', 'application/json')
      .send(JSON.stringify(body) ?? 'null');
    if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
    expect([...ok, 400, 403, 404, 409, 413, 415]).toContain(res.status);
    if (res.status >= 400) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    else created += 1;
  };
  const inquiry = () => ({
    customerId,
    callerName: '张先生',
    callerMobile: mobile(),
    channel: 'hotline',
    topic: 'other',
    question: '咨询',
    region: '440605',
  });
  const support = () => ({ customerId, category: 'other', description: '技术支持', contactMobile: mobile() });

  beforeEach(() => {
    created = 0;
  });
  afterEach(() => {
    expect(created).toBeGreaterThan(0);
  });

  it('never answers 5xx to POST /inquiries', async () => {
    const field = fc.constantFrom(
      'customerId',
      'callerName',
      'callerMobile',
      'channel',
      'topic',
      'question',
      'region',
      'urgent',
      'constructor',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(field, weird(), { maxKeys: 4 }).map((patch) => ({ ...inquiry(), ...patch })),
          fc.anything(),
        ),
        async (body) => {
          await send('/api/v1/inquiries', body, [201]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never answers 5xx to POST /support-requests', async () => {
    const field = fc.constantFrom(
      'customerId',
      'category',
      'description',
      'siteId',
      'preferredAt',
      'contactName',
      'contactMobile',
      '__proto__',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(field, weird(), { maxKeys: 4 }).map((patch) => ({ ...support(), ...patch })),
          fc.anything(),
        ),
        async (body) => {
          await send('/api/v1/support-requests', body, [201]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never answers 5xx to POST /inquiries/{id}/convert', async () => {
    const field = fc.constantFrom('to', 'customerId', 'expectedVersion', 'category', 'description', 'siteId', 'preferredAt', 'order');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(field, weird(), { maxKeys: 4 }).map((patch) => ({ to: 'support', category: 'other', ...patch })),
          fc.anything(),
        ),
        async (body) => {
          const id = (await t.http().post('/api/v1/inquiries').set(bearer(t.admin)).send(inquiry()).expect(201)).body.id;
          await send(`/api/v1/inquiries/${id}/convert`, body, [201]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
