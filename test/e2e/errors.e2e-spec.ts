import type { Response } from 'supertest';
import { customerBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

/** Every client error is an RFC 9457 problem with our code and the request id; never a 5xx. */
function expectProblem(res: Response | InjectedResponse, status: number, code?: string) {
  const injected = typeof (res as InjectedResponse).json === 'function';
  const body = injected ? (res as InjectedResponse).json() : (res as Response).body;
  const headers = res.headers as Record<string, string | undefined>;
  const got = injected ? (res as InjectedResponse).statusCode : (res as Response).status;
  expect({ status: got, body }).toMatchObject({ status, body: { status } });
  expect(headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^urn:focus-one:problem:[a-z0-9-]+$/),
      title: expect.any(String),
      detail: expect.any(String),
      code: code ?? expect.stringMatching(/^[A-Z_]+$/),
      requestId: headers['x-request-id'],
    }),
  );
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  return body as { errors?: { field: string; message: string }[]; code: string };
}

interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): Record<string, unknown> & { title: string; detail: string };
}

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('error responses', () => {
  describe('with the default limits', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    const postJson = (url: string, raw: string, type = 'application/json') =>
      t.http().post(url).set(bearer(t.admin)).set('content-type', type).send(raw);

    it('answers malformed JSON with 400 MALFORMED_REQUEST, on public and guarded routes', async () => {
      for (const raw of ['{"username":', '{username: "admin"}', "{'a': 1}", '{"a":1}}', '\u0000']) {
        expectProblem(await postJson('/api/v1/auth/token', raw), 400, 'MALFORMED_REQUEST');
        expectProblem(await postJson('/api/v1/customers', raw), 400, 'MALFORMED_REQUEST');
      }
    });

    it('answers an empty JSON body with 400', async () => {
      expectProblem(await postJson('/api/v1/customers', ''), 400, 'MALFORMED_REQUEST');
    });

    it('refuses prototype-poisoning JSON with a 400', async () => {
      const res = await postJson('/api/v1/customers', JSON.stringify(customerBody()).replace(/^\{/, '{"__proto__":{"isAdmin":true},'));
      expectProblem(res, 400);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('answers JSON that is not an object with 400, never 500', async () => {
      for (const raw of ['[]', '[{"name":"x"}]', 'null', '42', '"text"', 'true']) {
        const res = await postJson('/api/v1/customers', raw);
        expect({ raw, status: res.status }).toEqual({ raw, status: 400 });
        expectProblem(res, 400);
      }
    });

    it('answers a body over the default 1 MiB limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const big = JSON.stringify({ ...customerBody(), industry: 'x'.repeat(2 * 1024 * 1024) });
      expectProblem(await postJson('/api/v1/customers', big), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await postJson('/api/v1/auth/token', big), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('rejects unknown body fields with 400 naming them, and creates nothing', async () => {
      const body = customerBody({ bogus: 1 });
      const res = await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(body);
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([{ field: 'bogus', message: expect.stringMatching(/should not exist/) }]);
      const found = await t.http().get(`/api/v1/customers?q=${body.creditCode}`).set(bearer(t.admin)).expect(200);
      expect(found.body.items).toHaveLength(0);
    });

    it('names unknown fields inside nested objects by their path', async () => {
      const body = customerBody();
      (body.contacts[0] as Record<string, unknown>).nickname = 'Nana';
      const res = await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(body);
      expect(fields(expectProblem(res, 400, 'VALIDATION_FAILED'))).toEqual(['contacts[0].nickname']);
    });

    it('rejects unknown query parameters with 400 naming them', async () => {
      const res = await t.http().get('/api/v1/customers?colour=red').set(bearer(t.admin));
      expect(fields(expectProblem(res, 400, 'VALIDATION_FAILED'))).toEqual(['colour']);
    });

    it('lists every bad field, each with a message', async () => {
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(t.admin))
        .send(customerBody({ tier: 'gold', homeRegion: 'x' }));
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(new Set(fields(problem))).toEqual(new Set(['tier', 'homeRegion']));
      for (const e of problem.errors!) expect(e.message).toEqual(expect.any(String));
    });

    it('stops at an unknown field: it alone is named, before any other rule is checked', async () => {
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(t.admin))
        .send(customerBody({ tier: 'gold', homeRegion: 'x', extra: true, more: 1 }));
      expect(fields(expectProblem(res, 400, 'VALIDATION_FAILED'))).toEqual(['extra']);
    });

    it('answers a body of the wrong media type with 400 or 415, never 500, and creates nothing', async () => {
      const body = customerBody();
      const text = await postJson('/api/v1/customers', JSON.stringify(body), 'text/plain');
      expect([400, 415]).toContain(text.status);
      expectProblem(text, text.status);
      const xml = await postJson('/api/v1/customers', '<customer/>', 'application/xml');
      expectProblem(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const login = await postJson('/api/v1/auth/token', 'username=admin', 'application/octet-stream');
      expectProblem(login, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const found = await t.http().get(`/api/v1/customers?q=${body.creditCode}`).set(bearer(t.admin)).expect(200);
      expect(found.body.items).toHaveLength(0);
    });

    it('answers a non-UUID id in a path with 400 naming id', async () => {
      for (const [method, url] of [
        ['get', '/api/v1/customers/not-a-uuid'],
        ['get', '/api/v1/customers/12345'],
        ['patch', '/api/v1/customers/not-a-uuid'],
        ['get', '/api/v1/staff/123'],
        ['post', '/api/v1/staff/abc/deactivate'],
      ] as const) {
        const res = await t
          .http()
          [method](url)
          .set(bearer(t.admin))
          .send(method === 'get' ? undefined : { expectedVersion: 1 });
        const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
        expect({ url, errors: problem.errors }).toEqual({ url, errors: [{ field: 'id', message: expect.stringMatching(/UUID/) }] });
      }
    });

    it('answers unknown routes and methods with a 404 problem', async () => {
      for (const req of [
        t.http().get('/api/v1/no-such-thing').set(bearer(t.admin)),
        t.http().get('/api/v1/no-such-thing'),
        t.http().delete('/api/v1/customers').set(bearer(t.admin)),
        t.http().get('/somewhere/else'),
        t.http().post('/api/v2/customers').send({}),
      ]) {
        expectProblem(await req, 404, 'NOT_FOUND');
      }
    });

    it('answers a URL with broken percent-encoding with a 400 problem', async () => {
      const res = await t.http().get('/api/v1/customers/%E0%A4%A').set(bearer(t.admin));
      expectProblem(res, 400, 'MALFORMED_REQUEST');
    });

    it('answers an over-long path parameter with a 414 problem', async () => {
      const res = await t
        .http()
        .get(`/api/v1/customers/${'a'.repeat(300)}`)
        .set(bearer(t.admin));
      expectProblem(res, 414);
    });

    it('answers a NUL character that PostgreSQL cannot store with 400, never 500', async () => {
      expectProblem(await t.http().get('/api/v1/products/%00').set(bearer(t.admin)), 400);
      const search = await t.http().get('/api/v1/customers?q=ab%00cd').set(bearer(t.admin));
      expectProblem(search, 400);
      const res = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(t.admin))
        .send(customerBody({ name: '佛山\u0000公司' }));
      expectProblem(res, 400);
    });

    it('answers an authentication failure with a 401 problem', async () => {
      expectProblem(await t.http().get('/api/v1/customers'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().get('/api/v1/customers').set('authorization', 'Bearer x.y.z'), 401, 'UNAUTHENTICATED');
      expectProblem(
        await t.http().post('/api/v1/auth/token').send({ username: 'nobody', password: 'wrong-password' }),
        401,
        'UNAUTHENTICATED',
      );
    });
  });

  describe('with BODY_LIMIT_BYTES=2048', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
    });
    afterAll(() => t?.close());

    it('answers a body over the configured limit with 413, and takes one under it', async () => {
      const over = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: 'someone', password: 'x'.repeat(3000) });
      expectProblem(over, 413, 'PAYLOAD_TOO_LARGE');
      const under = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: 'someone', password: 'x'.repeat(150) });
      expectProblem(under, 401, 'UNAUTHENTICATED');
    });
  });

  describe('login rate limit (AUTH_RATE_LIMIT_MAX=3)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ AUTH_RATE_LIMIT_MAX: '3' });
    });
    afterAll(() => t?.close());

    /** A login attempt from a given client address (the socket's, as Fastify sees it). */
    const attempt = (username: string, from: string, headers: Record<string, string> = {}) =>
      t.app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'POST',
          url: '/api/v1/auth/token',
          remoteAddress: from,
          headers,
          payload: { username, password: 'not-the-password' },
        }) as Promise<InjectedResponse & { headers: Record<string, string> }>;

    it('refuses the 4th attempt for one username from one address with 429 RATE_LIMITED', async () => {
      const from = '198.51.100.10';
      for (let i = 0; i < 3; i++) expectProblem(await attempt('li.na', from), 401, 'UNAUTHENTICATED');
      const limited = await attempt('li.na', from);
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // the same account however the name is cased
      expectProblem(await attempt('LI.NA', from), 429, 'RATE_LIMITED');
    });

    it('keys the limit by address and username: other usernames and other addresses still get 401', async () => {
      const from = '198.51.100.20';
      for (let i = 0; i < 4; i++) await attempt('wang.qiang', from);
      expectProblem(await attempt('wang.qiang', from), 429, 'RATE_LIMITED');
      expectProblem(await attempt('zhang.wei', from), 401, 'UNAUTHENTICATED');
      expectProblem(await attempt('wang.qiang', '198.51.100.21'), 401, 'UNAUTHENTICATED');
      // the real owner of a limited account elsewhere is not locked out
      expectProblem(await attempt('wang.qiang', '203.0.113.99'), 401, 'UNAUTHENTICATED');
    });

    it('does not let a client pick a fresh address with X-Forwarded-For (TRUST_PROXY is off by default)', async () => {
      const from = '198.51.100.30';
      for (let i = 0; i < 3; i++) await attempt('chen.jing', from, { 'x-forwarded-for': `203.0.113.${i + 1}` });
      expectProblem(await attempt('chen.jing', from, { 'x-forwarded-for': '203.0.113.200' }), 429, 'RATE_LIMITED');
    });

    it('still lets a good login through for a username that is not limited', async () => {
      const staff = await t.staff(['agent'], ['440600']);
      expect(staff.token.split('.')).toHaveLength(3);
    });
  });

  describe('login rate limit behind a trusted proxy (TRUST_PROXY=true)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ AUTH_RATE_LIMIT_MAX: '2', TRUST_PROXY: 'true' });
    });
    afterAll(() => t?.close());

    it('counts per forwarded client address', async () => {
      const proxy = '10.0.0.5';
      const attempt = (client: string) =>
        t.app
          .getHttpAdapter()
          .getInstance()
          .inject({
            method: 'POST',
            url: '/api/v1/auth/token',
            remoteAddress: proxy,
            headers: { 'x-forwarded-for': client },
            payload: { username: 'zhao.lei', password: 'not-the-password' },
          }) as Promise<InjectedResponse>;
      expectProblem(await attempt('203.0.113.1'), 401);
      expectProblem(await attempt('203.0.113.1'), 401);
      expectProblem(await attempt('203.0.113.1'), 429, 'RATE_LIMITED');
      expectProblem(await attempt('203.0.113.2'), 401, 'UNAUTHENTICATED');
    });

    it('sends HSTS on a JSON answer only when the proxy says the request came over TLS', async () => {
      const live = (proto: string) =>
        t.app
          .getHttpAdapter()
          .getInstance()
          .inject({ method: 'GET', url: '/health/live', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-proto': proto } });
      expect((await live('https')).headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect((await live('http')).headers['strict-transport-security']).toBeUndefined();
    });
  });
});
