import { writeFileSync } from 'node:fs';
import { TestApp, bearer, startTestApp } from '../support/test-app';

describe('probe', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(() => t?.close());
  it('dumps', async () => {
    const out: Record<string, unknown> = {};
    const doc = await t.http().get('/api/docs-json');
    writeFileSync('/tmp/scratch/openapi.json', JSON.stringify(doc.body, null, 2));
    const agent = await t.staff(['agent'], ['440600']);
    await t.http().get('/api/v1/customers/6f1c2a8e-4b7d-4c1e-9a55-3f0e7d2b9c11').set(bearer(t.admin));
    await t.http().get('/nope');
    await t.http().get('/api/v1/customers');
    for (const [name, req] of Object.entries({
      live: t.http().get('/health/live'),
      ready: t.http().get('/health/ready'),
      docs: t.http().get('/api/docs'),
      docsSlash: t.http().get('/api/docs/'),
      qNo: t.http().get('/queues'),
      qAgent: t.http().get('/queues').set(bearer(agent)),
      qAdmin: t.http().get('/queues').set(bearer(t.admin)),
      qTok: t.http().get(`/queues?token=${t.admin.token}`),
      qApi: t.http().get('/queues/api/queues').set(bearer(t.admin)),
      malformed: t.http().post('/api/v1/auth/token').set('content-type', 'application/json').send('{"username":'),
      text: t.http().post('/api/v1/auth/token').set('content-type', 'text/plain').send('hello'),
      nonuuid: t.http().get('/api/v1/customers/abc').set(bearer(t.admin)),
      reqid: t.http().get('/api/v1/nope').set('x-request-id', 'abc-123'),
      metrics: t.http().get('/metrics'),
    })) {
      const r = await req;
      out[name] = { status: r.status, headers: r.headers, body: name === 'metrics' ? r.text.split('\n').filter((l) => /http_request|process_cpu/.test(l)).slice(0, 40) : (r.body && Object.keys(r.body).length ? r.body : r.text?.slice(0, 300)) };
    }
    writeFileSync('/tmp/scratch/probe.json', JSON.stringify(out, null, 2));
  });
});
