import fc from 'fast-check';
import { customerBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

/** Any body, however odd, gets a 2xx or a 4xx problem: never a 5xx. */
describe('POST /customers under random bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  // Values that tend to break naive code: huge numbers, NUL bytes, nested junk, prototype keys.
  const weird = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom(
      null,
      '',
      ' ',
      '\u0000',
      '9'.repeat(400),
      -1,
      2 ** 63,
      Number.MAX_SAFE_INTEGER + 2,
      '__proto__',
      '449999',
      '13812345678',
    ),
    fc.string({ maxLength: 300 }),
  );
  const field = fc.constantFrom(
    'name',
    'creditCode',
    'tier',
    'industry',
    'homeRegion',
    'greenChannel',
    'accountManagerId',
    'contacts',
    'sites',
    'constructor',
  );

  it('never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // a valid body with some fields replaced by weird values
          fc.record({ patch: fc.dictionary(field, weird, { maxKeys: 4 }) }).map(({ patch }) => ({ ...customerBody(), ...patch })),
          // contacts/sites arrays with weird members
          fc.array(weird, { maxLength: 3 }).map((contacts) => ({ ...customerBody(), contacts })),
          fc
            .array(fc.dictionary(fc.constantFrom('name', 'region', 'address', 'mobile', 'role'), weird), { maxLength: 3 })
            .map((sites) => ({ ...customerBody(), sites })),
          // entirely random JSON
          fc.anything(),
        ),
        async (body) => {
          const res = await t
            .http()
            .post('/api/v1/customers')
            .set(bearer(t.admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(body) ?? 'null');
          if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
          expect([201, 400, 409, 413, 415]).toContain(res.status);
          if (res.status !== 201) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
