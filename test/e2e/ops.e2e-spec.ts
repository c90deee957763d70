import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { creditCodeCheckChar } from '../../src/customers/credit-code';
import { adminQuery } from '../support/test-database';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBLEM_REF = '#/components/schemas/ProblemDto';
/** Routes served outside /api/v1 (configureApp's prefix exclusions). */
const UNPREFIXED = ['/health/live', '/health/ready', '/metrics'];
/** Deliberately absent from the OpenAPI document. */
const UNDOCUMENTED = ['GET /metrics'];
/** Callable without a bearer token. */
const PUBLIC_OPERATIONS = ['GET /health/live', 'GET /health/ready', 'POST /api/v1/auth/token'];

function expectProblem(res: Response, status: number, code?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^urn:focus-one:problem:/),
      title: expect.any(String),
      detail: expect.any(String),
      code: code ?? expect.stringMatching(/^[A-Z_]+$/),
      requestId: res.headers['x-request-id'],
    }),
  );
}

/** Sum of http_request_duration_seconds_count over series whose labels include all of `labels`. */
function requestCount(metrics: string, labels: Record<string, string>): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('http_request_duration_seconds_count{'))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Every (METHOD, path) the Nest controllers declare, as OpenAPI paths (`{id}`), with the global prefix applied. */
function controllerRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!ctrl) continue;
      const base = [Reflect.getMetadata('path', ctrl) ?? ''].flat() as string[];
      for (let proto = ctrl.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = Object.getOwnPropertyDescriptor(proto, name)?.value;
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
          if (method === undefined) continue;
          for (const b of base) {
            for (const p of [Reflect.getMetadata('path', handler) ?? '/'].flat() as string[]) {
              const path = `/${[b, p].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
              // the TM Forum facades have their own root (and their own document, /tmf-api/docs-json)
              const full = UNPREFIXED.includes(path) || path.startsWith('/tmf-api/') ? path : `/api/v1${path}`;
              // ':name' is a parameter; '::' a literal colon (Fastify's escape, e.g. /billing/charges:batch)
              routes.push(
                `${RequestMethod[method]} ${full
                  .split('::')
                  .map((part) => part.replace(/:(\w+)/g, '{$1}'))
                  .join(':')}`,
              );
            }
          }
        }
      }
    }
  }
  return [...new Set(routes)].sort();
}

describe('operations: health, metrics, docs, request ids, queue dashboard', () => {
  let t: TestApp;
  let agent: StaffLogin;
  let doc: {
    openapi: string;
    security?: Record<string, string[]>[];
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme?: string }> };
  };
  interface Operation {
    security?: Record<string, string[]>[];
    parameters?: { name: string; in: string }[];
    requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
    responses: Record<string, { content?: Record<string, { schema?: { $ref?: string; allOf?: { $ref?: string }[] } }> }>;
  }
  interface Schema {
    properties?: Record<string, { example?: unknown; $ref?: string }>;
    required?: string[];
  }
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
    );

  beforeAll(async () => {
    t = await startTestApp();
    agent = await t.staff(['agent'], ['440600']);
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t?.close());

  describe('health', () => {
    it('answers liveness without a token', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body.status).toBe('ok');
    });

    it('answers readiness without a token, with PostgreSQL and Redis up', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    });

    it('is served outside the /api/v1 prefix', async () => {
      await t.http().get('/api/v1/health/ready').set(bearer(t.admin)).expect(404);
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text with process metrics, without a token', async () => {
      const res = await t.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
      expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      expect(res.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    });

    it('times requests by route template and status code, 401s and 404s included', async () => {
      const id = randomUUID();
      const byId = { method: 'GET', route: '/api/v1/customers/:id' };
      const before = (await t.http().get('/metrics')).text;

      await t.http().get(`/api/v1/customers/${id}`).expect(401);
      await t.http().get(`/api/v1/customers/${randomUUID()}`).set(bearer(t.admin)).expect(404);
      await t.http().get(`/api/v1/customers/${randomUUID()}`).set(bearer(t.admin)).expect(404);
      await t.http().get(`/no-such-route/${id}`).expect(404);
      await t.http().get('/api/v1/staff/me').set(bearer(t.admin)).expect(200);

      const after = (await t.http().get('/metrics')).text;
      const delta = (labels: Record<string, string>) => requestCount(after, labels) - requestCount(before, labels);
      expect(delta({ ...byId, status_code: '401' })).toBe(1);
      expect(delta({ ...byId, status_code: '404' })).toBe(2);
      expect(delta({ method: 'GET', route: '/api/v1/staff/me', status_code: '200' })).toBe(1);
      // an unmatched URL is counted, under one fixed label rather than its path
      expect(delta({ method: 'GET', status_code: '404' })).toBe(3);
      expect(after).toMatch(
        /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/customers\/:id",status_code="401"\} \d+$/m,
      );
      // ids never become label values
      expect(after).not.toContain(id);
      expect(after).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(after).not.toContain('route="/no-such-route');
    });

    it('is not under the /api/v1 prefix', async () => {
      await t.http().get('/api/v1/metrics').set(bearer(t.admin)).expect(404);
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI at /api/docs with its assets', async () => {
      const res = await t.http().get('/api/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/swagger-ui/i);
      const init = await t.http().get('/api/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('"swaggerDoc"');
      expect(init.text).toContain('/api/v1/customers/{id}');
      await t.http().get('/api/docs/swagger-ui.css').expect(200);
      await t.http().get('/api/docs/swagger-ui-bundle.js').expect(200);
    });

    it('serves an OpenAPI 3 document without a token', async () => {
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes).toEqual(
        expect.objectContaining({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) }),
      );
    });

    it('lists the known routes', () => {
      const expected: Record<string, string[]> = {
        '/api/v1/auth/token': ['post'],
        '/api/v1/staff': ['get', 'post'],
        '/api/v1/staff/me': ['get'],
        '/api/v1/staff/{id}': ['get'],
        '/api/v1/staff/{id}/deactivate': ['post'],
        '/api/v1/customers': ['get', 'post'],
        '/api/v1/customers/{id}': ['get', 'patch'],
        '/api/v1/customers/{id}/transfer': ['post'],
        '/api/v1/customers/{customerId}/contacts': ['get', 'post'],
        '/api/v1/customers/{customerId}/sites': ['get', 'post'],
        '/api/v1/customers/{customerId}/service-instances': ['get', 'post'],
        '/api/v1/products': ['get'],
        '/api/v1/regions': ['get'],
        '/api/v1/audit': ['get'],
        '/health/live': ['get'],
        '/health/ready': ['get'],
      };
      for (const [path, methods] of Object.entries(expected)) {
        expect({ path, methods: Object.keys(doc.paths[path] ?? {}) }).toEqual({ path, methods: expect.arrayContaining(methods) });
      }
    });

    it('documents every route the controllers serve, and only routes that exist', () => {
      const served = controllerRoutes(t);
      expect(served.length).toBeGreaterThan(20);
      const documented = operations()
        .map((o) => o.key)
        .sort();
      expect(documented).toEqual(served.filter((r) => !UNDOCUMENTED.includes(r) && !r.includes(' /tmf-api/')));
      // and each of them is really registered with Fastify under that path
      const fastify = t.app.getHttpAdapter().getInstance();
      for (const key of served) {
        const [method, path] = key.split(' ');
        expect({ key, registered: fastify.hasRoute({ method, url: path.replace(/:/g, '::').replace(/\{(\w+)\}/g, ':$1') }) }).toEqual({
          key,
          registered: true,
        });
      }
    });

    it('documents every TM Forum route in /tmf-api/docs-json, each with bearer security', async () => {
      const tmf = (await t.http().get('/tmf-api/docs-json').expect(200)).body as typeof doc;
      const documented = Object.entries(tmf.paths)
        .flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => {
            expect({ path, method, bearer: (op.security ?? []).some((x) => 'bearer' in x) }).toEqual({ path, method, bearer: true });
            return `${method.toUpperCase()} ${path}`;
          }),
        )
        .sort();
      expect(documented).toEqual(controllerRoutes(t).filter((r) => r.includes(' /tmf-api/')));
    });

    it('declares bearer security on every operation but health and token', () => {
      const wrong: string[] = [];
      for (const { key, op } of operations()) {
        const security = op.security ?? doc.security ?? [];
        const needsToken = security.some((s) => 'bearer' in s);
        if (needsToken === PUBLIC_OPERATIONS.includes(key)) wrong.push(`${key}: bearer ${needsToken ? 'declared' : 'missing'}`);
        if (needsToken && !('401' in op.responses)) wrong.push(`${key}: no 401 response`);
      }
      expect(wrong).toEqual([]);
    });

    it('matches what the server enforces: every secured operation refuses an anonymous caller', async () => {
      const answered: string[] = [];
      for (const { key, path, method } of operations()) {
        if (PUBLIC_OPERATIONS.includes(key)) continue;
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (/code/i.test(name) ? '440600' : randomUUID()));
        const res = await (t.http() as unknown as Record<string, (u: string) => Promise<Response>>)[method](url);
        if (res.status !== 401) answered.push(`${key}: ${res.status}`);
      }
      expect(answered).toEqual([]);
    });

    it('documents the Idempotency-Key header on every creating POST', () => {
      const creating = operations().filter((o) => o.method === 'post' && '201' in o.op.responses);
      expect(creating.map((o) => o.key)).toEqual(expect.arrayContaining(['POST /api/v1/customers', 'POST /api/v1/staff']));
      const undocumented: string[] = [];
      for (const { key, op } of creating) {
        const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
        if (!header) undocumented.push(`${key}: no Idempotency-Key header`);
        if (!('422' in op.responses)) undocumented.push(`${key}: no 422 response`);
      }
      expect(undocumented).toEqual([]);
    });

    it('describes every error response with the ProblemDto schema', () => {
      let errorResponses = 0;
      const other: string[] = [];
      for (const { key, op } of operations()) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (!/^4\d\d$/.test(status)) continue;
          errorResponses++;
          // the shared schema, narrowed per route to the codes it gives (allOf + code enum)
          const refs = Object.values(response.content ?? {}).map((c) => c.schema?.$ref ?? c.schema?.allOf?.[0]?.$ref);
          if (!refs.includes(PROBLEM_REF)) other.push(`${key} ${status}`);
        }
      }
      expect(other).toEqual([]);
      expect(errorResponses).toBeGreaterThan(50);
      const problem = doc.components.schemas.ProblemDto;
      expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
      expect(problem.properties!.errors).toBeDefined();
    });

    it('gives the schemas examples', () => {
      const s = doc.components.schemas;
      const creditCode = s.CreateCustomerDto.properties!.creditCode.example as string;
      expect(creditCode).toMatch(/^[0-9A-HJ-NPQRTUWXY]{18}$/);
      expect(creditCode[17]).toBe(creditCodeCheckChar(creditCode.slice(0, 17)));
      expect(s.CreateCustomerDto.properties!.homeRegion.example).toMatch(/^\d{6}$/);
      expect(s.ContactInput.properties!.mobile.example).toMatch(/^1\d{10}$/);
      expect(s.ContactDto.properties!.mobile.example).toBe('138****5678');
      expect(s.TokenRequestDto.properties!.username.example).toEqual(expect.any(String));
      expect(s.ProblemDto.properties!.type.example).toMatch(/^urn:focus-one:problem:/);
      // every request body has examples to start from
      const bare: string[] = [];
      for (const { key, op } of operations()) {
        const ref = op.requestBody?.content['application/json']?.schema.$ref;
        if (!ref) continue;
        const name = ref.split('/').pop()!;
        if (!Object.values(s[name].properties ?? {}).some((p) => p.example !== undefined)) bare.push(`${key} (${name})`);
      }
      expect(bare).toEqual([]);
    });
  });

  describe('request ids', () => {
    it('puts a fresh x-request-id on every response', async () => {
      const responses = await Promise.all([
        t.http().get('/health/live'),
        t.http().get('/metrics'),
        t.http().get('/api/docs-json'),
        t.http().get('/api/v1/staff/me').set(bearer(t.admin)),
        t.http().get('/api/v1/staff/me'),
        t.http().get('/api/v1/customers/not-a-uuid').set(bearer(t.admin)),
        t.http().get('/nowhere'),
        t.http().get('/queues'),
        t.http().get('/api/v1/customers/%E0%A4%A').set(bearer(t.admin)),
      ]);
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('echoes a sane incoming X-Request-Id, also as the problem’s requestId', async () => {
      const given = `trace-${randomUUID()}`;
      const ok = await t.http().get('/api/v1/staff/me').set(bearer(t.admin)).set('X-Request-Id', given).expect(200);
      expect(ok.headers['x-request-id']).toBe(given);
      const problem = await t.http().get('/api/v1/customers').set('X-Request-Id', given);
      expectProblem(problem, 401, 'UNAUTHENTICATED');
      expect(problem.headers['x-request-id']).toBe(given);
      expect(problem.body.requestId).toBe(given);
    });

    it('replaces an unusable incoming X-Request-Id with a new one', async () => {
      for (const bad of ['has spaces in it', 'x'.repeat(129), '<script>']) {
        const res = await t.http().get('/api/v1/customers').set('X-Request-Id', bad);
        expect(res.headers['x-request-id']).toMatch(UUID);
        expect(res.body.requestId).toBe(res.headers['x-request-id']);
      }
    });
  });

  describe('security headers', () => {
    it('sets the JSON API policy on API, health and error answers: nothing to load, no framing, no sniffing, no referrer', async () => {
      for (const res of [
        await t.http().get('/api/v1/staff/me').set(bearer(t.admin)),
        await t.http().get('/api/v1/staff/me'),
        await t.http().get('/api/v1/no-such-route'),
        await t.http().get('/health/ready'),
      ]) {
        expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        // HSTS only over TLS (behind a proxy that says so, with TRUST_PROXY): this test speaks plain HTTP
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('sets helmet’s full policy on the pages a browser renders: docs, queue board, report pages', async () => {
      const page = await t.http().get('/api/docs');
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    });
  });

  describe('queue dashboard', () => {
    it('refuses a caller without a token with a 401 problem', async () => {
      expectProblem(await t.http().get('/queues'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().get('/queues/api/queues'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().get('/queues').set('authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED');
    });

    it('refuses non-admins with a 403 problem, reading and acting alike', async () => {
      expectProblem(await t.http().get('/queues').set(bearer(agent)), 403, 'FORBIDDEN');
      expectProblem(await t.http().get('/queues/api/queues').set(bearer(agent)), 403, 'FORBIDDEN');
      expectProblem(await t.http().put('/queues/api/queues/housekeeping/pause').set(bearer(agent)), 403, 'FORBIDDEN');
      const viaQuery = await t.http().get(`/queues?token=${agent.token}`);
      expectProblem(viaQuery, 403, 'FORBIDDEN');
      expect(viaQuery.headers['set-cookie']).toBeUndefined();
    });

    it('serves the dashboard to an admin bearer', async () => {
      const res = await t.http().get('/queues').set(bearer(t.admin)).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Focus One queues');
    });

    it('lists the housekeeping queue through its API', async () => {
      const res = await t.http().get('/queues/api/queues').set(bearer(t.admin)).expect(200);
      expect(res.body.queues.map((q: { name: string }) => q.name)).toContain('housekeeping');
    });

    it('turns ?token= into an HttpOnly cookie for /queues and redirects to the clean URL', async () => {
      const res = await t.http().get(`/queues?token=${t.admin.token}`).redirects(0);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/queues');
      const cookies: string[] = [res.headers['set-cookie'] ?? []].flat();
      expect(cookies).toHaveLength(1);
      const attrs = cookies[0].split(';').map((a) => a.trim());
      expect(attrs[0]).toBe(`focus_one_queues=${t.admin.token}`);
      expect(attrs).toEqual(expect.arrayContaining(['Path=/queues', 'HttpOnly']));
      expect(attrs.find((a) => /^SameSite=/i.test(a))).toMatch(/^SameSite=(Strict|Lax)$/i);
      expect(attrs.some((a) => /^Path=\/?$/.test(a))).toBe(false);

      const cookie = attrs[0];
      const page = await t.http().get('/queues').set('cookie', cookie).expect(200);
      expect(page.text).toContain('Focus One queues');
      const api = await t.http().get('/queues/api/queues').set('cookie', cookie).expect(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toContain('housekeeping');
      // the cookie is worth nothing outside the dashboard
      await t.http().get('/api/v1/staff/me').set('cookie', cookie).expect(401);
    });

    it('does not accept a garbage ?token= or cookie', async () => {
      const res = await t.http().get('/queues?token=garbage').redirects(0);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.headers['set-cookie']).toBeUndefined();
      expectProblem(await t.http().get('/queues').set('cookie', 'focus_one_queues=garbage'), 401, 'UNAUTHENTICATED');
    });
  });

  // Last: takes this app's database away for a moment.
  describe('readiness when PostgreSQL is gone', () => {
    it('answers 503 naming postgres, and recovers when it is back', async () => {
      const db = decodeURIComponent(new URL(t.config.database.url).pathname.slice(1));
      await adminQuery(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS false`);
      try {
        await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
        const down = await t.http().get('/health/ready');
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ status: 'error', error: { postgres: { status: 'down' } }, info: { redis: { status: 'up' } } });
        await t.http().get('/health/live').expect(200);
      } finally {
        await adminQuery(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS true`);
      }
      const up = await t.http().get('/health/ready');
      expect(up.status).toBe(200);
    });
  });
});
