import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

/** The TMF630 conventions every facade shares, seen from outside (the facades' own suites cover their routes). */
describe('TM Forum kit: root, errors, documents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const isTmfError = (res: { status: number; headers: Record<string, string>; body: unknown }, status: number, code?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      '@type': 'Error',
      code: code ?? expect.any(String),
      reason: expect.any(String),
      message: expect.any(String),
      status: String(status),
      referenceError: expect.any(String),
    });
  };

  it('answers errors under /tmf-api as the TMF Error object, unknown routes and missing tokens included', async () => {
    isTmfError(await t.http().get('/tmf-api/nothing/v4/here').set(bearer(t.admin)), 404, 'NOT_FOUND');
    isTmfError(await t.http().post('/tmf-api/customerManagement/v4/hub').send({ callback: 'http://x' }), 401);
    isTmfError(await t.http().post('/tmf-api/noSuchApi/v4/hub').set(bearer(t.admin)).send({ callback: 'http://x' }), 404, 'NOT_FOUND');
    // /api/v1 keeps problem+json
    const v1 = await t.http().get('/api/v1/nothing').set(bearer(t.admin)).expect(404);
    expect(v1.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('is not under /api/v1', async () => {
    await t.http().post('/api/v1/tmf-api/customerManagement/v4/hub').set(bearer(t.admin)).send({}).expect(404);
  });

  it('publishes its own OpenAPI document, and /api/docs-json leaves its routes out', async () => {
    const tmf = await t.http().get('/tmf-api/docs-json').expect(200);
    const paths = Object.keys(tmf.body.paths);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('/tmf-api/'))).toBe(true);
    expect(paths).toContain('/tmf-api/{apiName}/v4/hub');
    const v1 = await t.http().get('/api/docs-json').expect(200);
    expect(Object.keys(v1.body.paths).filter((p) => p.startsWith('/tmf-api'))).toEqual([]);
  });
});
