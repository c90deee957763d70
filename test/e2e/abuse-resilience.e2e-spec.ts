import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { subscribe as subscribeChannel, unsubscribe as unsubscribeChannel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { PostCommit } from '../../src/common/post-commit';
import { OutboxService } from '../../src/outbox/outbox.service';
import { QueueName } from '../../src/queues/queue-names';
import { fireJobId } from '../../src/sla/sla-clocks.service';
import type { Lookup } from '../../src/webhooks/url-guard';
import { HOST_LOOKUP } from '../../src/webhooks/webhook-targets.service';
import { customerBody, faultBody as faultIntake, mobile, orderBody } from '../support/factories';
import type { PrivateRedis } from '../support/redis-server';
import { startRedisServer, startRedisServerOn } from '../support/redis-server';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/**
 * The standing abuse suite: what an attacker and a crash found, kept as
 * probes so none of it comes back. Each describe names the hole it holds
 * shut. (The kill -9 probe of idempotency keys is long and lives in
 * idempotency-crash.e2e-spec.ts.)
 */

/** An address the guard takes for public: the attacker's name server answers the guard with it. */
const PUBLIC = '93.184.215.14';

interface Dial {
  host: string;
  address: string;
}

/**
 * Watches every TCP connection this process opens by name. A connection to a
 * name that resolved to anything but the loopback is cut right after its
 * address is chosen, before the SYN: no test traffic leaves the machine,
 * and the test still learns where the app was about to connect.
 */
function watchConnections(): { dials: Dial[]; stop(): void } {
  const dials: Dial[] = [];
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    socket.on('lookup', (err: Error | null, address: string, _family: number, host: string) => {
      if (err) return;
      dials.push({ host, address });
      if (address !== '127.0.0.1' && address !== '::1') socket.destroy(new Error(`test: connection to ${address} stopped before it left`));
    });
  };
  subscribeChannel('net.client.socket', onSocket);
  return { dials, stop: () => void unsubscribeChannel('net.client.socket', onSocket) };
}

describe('SSRF: a delivery connects to exactly the address the guard approved (DNS rebinding)', () => {
  let t: TestApp;
  const receiver = new Receiver();
  const watch = watchConnections();
  /** What the stub name server answers for every name, and whom it answered. */
  let answer = PUBLIC;
  const asked: string[] = [];
  const stub: Lookup = async (hostname) => {
    asked.push(hostname);
    return [{ address: answer, family: 4 }];
  };

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp(
      { WEBHOOK_ALLOW_PRIVATE: 'false', OUTBOX_POLL_MS: '200', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '2000' },
      { override: (b) => b.overrideProvider(HOST_LOOKUP).useValue(stub) },
    );
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
    watch.stop();
  });

  // `localhost` stands for the attacker's name: the guard hears PUBLIC from the stub, while any second
  // resolution of the name (the system's) would say 127.0.0.1, where the receiver listens.
  const onLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');
  const dialsTo = (port: string) => watch.dials.filter((d) => d.host === 'localhost').map((d) => `${d.address}:${port}`);

  it('webhook deliveries: every attempt dials the approved public address, never the loopback; a re-pointed name is refused', async () => {
    answer = PUBLIC;
    const secret = `whsec-${unique()}`;
    const endpoint = receiver.endpoint(secret);
    const url = onLocalhost(endpoint.url);
    const port = new URL(url).port;
    const sub = await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url, events: ['fault.created'], secret })
      .expect(201);
    const post = new PostCommit();
    await t.dataSource.transaction((em) => t.app.get(OutboxService).emit(em, post, 'fault.created', { probe: 'rebinding' }));
    await post.run();

    const deliveries = async () =>
      (await t.http().get(`/api/v1/webhooks/${sub.body.id}/deliveries`).set(bearer(t.admin)).expect(200)).body.items[0];
    const twoAttempts = await waitFor(async () => (await deliveries())?.attemptLog.length >= 2 && deliveries(), 15_000, 'two attempts');
    for (const a of twoAttempts.attemptLog)
      expect(a).toMatchObject({ statusCode: null, error: expect.stringContaining(`${PUBLIC} stopped`) });
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    expect(dialsTo(port).length).toBeGreaterThanOrEqual(2);
    expect(new Set(dialsTo(port))).toEqual(new Set([`${PUBLIC}:${port}`]));

    // The name now answers 127.0.0.1: the guard, asked again before the next attempt, refuses it.
    answer = '127.0.0.1';
    const refused = await waitFor(
      async () => {
        const d = await deliveries();
        return d.attemptLog.some((a: { error: string | null }) => a.error?.includes('loopback')) && d;
      },
      15_000,
      'an attempt refused by the guard',
    );
    expect(refused.lastError).toContain('refused');
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    expect(asked).toContain('localhost');
  });

  it('region work-order dispatch: the signed POST dials the approved public address, never the loopback', async () => {
    answer = PUBLIC;
    const secret = `whsec-${unique()}-0123456789`;
    const endpoint = receiver.endpoint(secret);
    const url = onLocalhost(endpoint.url);
    const port = new URL(url).port;
    await t.http().put('/api/v1/regions/440600/dispatch').set(bearer(t.admin)).send({ url, secret }).expect(200);
    const director = await t.staff(['director'], ['CN']);
    const c = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
    const before = dialsTo(port).length;
    await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(director))
      .send(orderBody(c.id, [c.sites[0].id]))
      .expect(201);
    await waitFor(() => dialsTo(port).length > before, 15_000, 'the dispatch attempt');
    expect(new Set(dialsTo(port).slice(before))).toEqual(new Set([`${PUBLIC}:${port}`]));
    expect(receiver.at(endpoint.path)).toHaveLength(0);
    await t.http().delete('/api/v1/regions/440600/dispatch').set(bearer(t.admin)).expect(204);
  });
});

describe('Redis down: an intake is answered at once, and its timers are re-armed when Redis returns', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    t = await startTestApp({ REDIS_URL: redis.url, SLA_SWEEP_SECONDS: '1' });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('answers POST /faults with 201 within a second while Redis is stopped, reports Redis down, and the sweep re-arms the clocks after', async () => {
    const director = await t.staff(['director'], ['CN']);
    // fault:P1 with a response warning 4 s after opening: due after Redis is back, so a timer must be armed for it.
    await t
      .http()
      .put('/api/v1/sla/policies/fault:P1')
      .set(bearer(t.admin))
      .send({ responseSeconds: 8, resolutionSeconds: 60, warnAtPercent: 50 })
      .expect(200);
    const customer = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ tier: 'key' }))
        .expect(201)
    ).body;
    const slaQueue = t.app.get<Queue>(getQueueToken(QueueName.sla));
    const password = 'a-long-password-for-redis-down';
    const agent = { username: unique('agent.'), password };
    await t
      .http()
      .post('/api/v1/staff')
      .set(bearer(t.admin))
      .send({ ...agent, displayName: '夜班坐席', roles: ['agent'], regions: ['440000'] })
      .expect(201);

    let faultId = '';
    await redis.stop();
    let stopped = true;
    try {
      const startedAt = Date.now();
      const res = await t
        .http()
        .post('/api/v1/faults')
        .set(bearer(director))
        .timeout(10_000)
        .send(faultIntake(customer.id, { title: '专线中断（Redis 停机期间受理）', description: '光缆被挖断' }))
        .catch((err: Error) => ({ status: 0, body: { error: err.message } }));
      const tookMs = Date.now() - startedAt;
      expect({ status: res.status, fast: tookMs < 1000 }).toEqual({ status: 201, fast: true });
      faultId = res.body.id as string;

      // Sign-in is not locked out by the limiter's store being down (the limits count again once Redis is back).
      const signInStarted = Date.now();
      const signIn = await t.http().post('/api/v1/auth/token').timeout(5000).send(agent);
      expect({ status: signIn.status, fast: Date.now() - signInStarted < 1000 }).toEqual({ status: 200, fast: true });

      const ready = await t.http().get('/health/ready').timeout(5000);
      expect(ready.status).toBe(503);
      expect(ready.body.error?.redis ?? ready.body.details?.redis).toMatchObject({ status: 'down' });

      redis = await startRedisServerOn(redis.port);
      stopped = false;
    } finally {
      // A failure above must not leave the app without its Redis (closing it would wait for one).
      if (stopped) redis = await startRedisServerOn(redis.port);
    }
    // Nothing of the intake's post-commit work reached Redis: the sweep finds the running clocks in PostgreSQL and arms them.
    const [clock] = await t.dataSource.query(
      `SELECT id, generation, next_level AS "nextLevel" FROM sla_clocks WHERE case_id = $1 AND clock = 'response'`,
      [faultId],
    );
    await waitFor(
      async () => (await slaQueue.getJob(fireJobId(clock)).catch(() => undefined)) ?? null,
      20_000,
      'the re-armed response timer',
    );
    await waitFor(
      async () =>
        (await t.dataSource.query(`SELECT 1 FROM alerts WHERE case_id = $1 AND clock = 'response' AND level = 'warning'`, [faultId]))
          .length,
      20_000,
      'the response warning',
    );
    const healthy = await waitFor(async () => (await t.http().get('/health/ready')).status === 200, 20_000, 'ready again');
    expect(healthy).toBe(true);
  });
});

describe('Idempotency: an Idempotency-Key’s outcome commits with its write', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      IDEMPOTENCY_ABANDON_SECONDS: '1',
      NOTIFY_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    await t.dataSource.query(`UPDATE staff SET on_duty = false`);
  });
  afterAll(() => t?.close());

  type Sent = { status: number; body: any; headers: Record<string, string> };
  const send = (path: string, body: object, key: string): Promise<Sent> =>
    t
      .http()
      .post(path)
      .set(bearer(t.admin))
      .set('Idempotency-Key', key)
      .send(body)
      .then((r) => ({ status: r.status, body: r.body, headers: r.headers }));
  const created = async (path: string, body: object) => {
    const res = await t.http().post(path).set(bearer(t.admin)).send(body);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const faultBody = (customerId: string, title = '专线中断') =>
    faultIntake(customerId, { severity: 'major', title, description: '光缆被挖断' });

  /** Every creating POST that takes an Idempotency-Key (the OpenAPI document lists the header on exactly those). */
  async function idempotentRoutes(): Promise<string[]> {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
  }

  it('every idempotent route: a retry after the process died between its commit and its answer replays the one write', async () => {
    const c = await created('/api/v1/customers', customerBody());
    const site = c.sites[0];
    const fault = await created('/api/v1/faults', faultBody(c.id));
    const support = await created('/api/v1/support-requests', {
      customerId: c.id,
      category: 'maintenance',
      description: '核心交换机巡检',
      contactName: '王工',
      contactMobile: mobile(),
    });
    const inquiry = await created('/api/v1/inquiries', {
      customerId: c.id,
      callerName: '张先生',
      callerMobile: mobile(),
      channel: 'hotline',
      topic: 'tariff',
      question: '专线升级的资费？',
    });
    // A finished (failed) delivery to redeliver: its receiver never answers, so it is written as the sender would leave it.
    const hook = await created('/api/v1/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['fault.created'],
      secret: `whsec-${unique()}-0123456789`,
    });
    const [{ id: deliveryId }] = await t.dataSource.query(
      `WITH e AS (INSERT INTO outbox_events (type, data, relayed_at) VALUES ('fault.created', '{}', now()) RETURNING id)
       INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status, attempts, last_error)
       SELECT $1, e.id, 'fault.created', 'failed', 12, 'connect ECONNREFUSED' FROM e RETURNING id`,
      [hook.id],
    );
    // In Beijing: an engineer covering this customer's region would be dispatched its cases, changing their versions mid-probe.
    const engineer = await created('/api/v1/staff', {
      username: unique('eng.'),
      password: 'a-long-password-4',
      displayName: 'E',
      roles: ['engineer'],
      regions: ['110105'],
    });
    // Two call-backs (a key customer's closed faults), of another customer so the fault count below stays this customer's.
    const other = await created('/api/v1/customers', customerBody());
    const closedFaultCallback = async () => {
      const f = await created('/api/v1/faults', faultBody(other.id));
      for (const to of ['in_progress', 'resolved', 'closed']) await created(`/api/v1/faults/${f.id}/transitions`, { to });
      const [cb] = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM callbacks WHERE case_id = $1`, [f.id]);
      return cb.id;
    };
    const [attemptedCallback, complainedCallback] = [await closedFaultCallback(), await closedFaultCallback()];
    await created(`/api/v1/callbacks/${complainedCallback}/attempts`, { reached: true, score: 1, comment: '修复太慢' });
    const charge = (sourceRef = unique('SRC-')) => ({
      customerId: c.id,
      serviceRegion: site.region,
      period: '2026-06',
      kind: 'recurring',
      amountFen: 120_000,
      description: '互联网专线月租',
      sourceRef,
    });
    const probes: Record<string, { path: string; body: object }> = {
      'POST /api/v1/customers': { path: '/api/v1/customers', body: customerBody() },
      'POST /api/v1/customers/{customerId}/contacts': {
        path: `/api/v1/customers/${c.id}/contacts`,
        body: { name: '周杰', mobile: mobile(), role: 'technical' },
      },
      'POST /api/v1/customers/{customerId}/sites': {
        path: `/api/v1/customers/${c.id}/sites`,
        body: { name: '桂城机房', region: '440605', address: '佛山市南海区桂城街道1号' },
      },
      'POST /api/v1/customers/{customerId}/service-instances': {
        path: `/api/v1/customers/${c.id}/service-instances`,
        body: { productCode: 'DIA', siteId: site.id, accessNo: unique('FS-DIA-'), state: 'active' },
      },
      'POST /api/v1/staff': {
        path: '/api/v1/staff',
        body: { username: unique('idem.'), password: 'a-long-password-3', displayName: 'I', roles: ['agent'], regions: ['440600'] },
      },
      'POST /api/v1/faults': { path: '/api/v1/faults', body: faultBody(c.id) },
      'POST /api/v1/faults/{id}/notes': { path: `/api/v1/faults/${fault.id}/notes`, body: { text: '已派单' } },
      'POST /api/v1/support-requests': {
        path: '/api/v1/support-requests',
        body: { customerId: c.id, category: 'other', description: '咨询', contactName: '王工', contactMobile: mobile() },
      },
      'POST /api/v1/support-requests/{id}/notes': { path: `/api/v1/support-requests/${support.id}/notes`, body: { text: '已联系' } },
      'POST /api/v1/inquiries': {
        path: '/api/v1/inquiries',
        body: { callerName: '赵女士', callerMobile: mobile(), channel: 'hotline', topic: 'tariff', question: '资费？', region: '440605' },
      },
      'POST /api/v1/inquiries/{id}/convert': {
        path: `/api/v1/inquiries/${inquiry.id}/convert`,
        body: { to: 'support', category: 'network_design' },
      },
      'POST /api/v1/orders': {
        path: '/api/v1/orders',
        body: {
          customerId: c.id,
          acceptedRegion: '440600',
          items: [
            { action: 'add', productCode: 'MPLS_VPN', siteId: site.id, quantity: 1, attributes: { bandwidthMbps: 100, qosClass: 'gold' } },
          ],
        },
      },
      'POST /api/v1/webhooks': {
        path: '/api/v1/webhooks',
        body: { url: 'http://127.0.0.1:9/hooks', events: ['sla.escalated'], secret: `whsec-${unique()}-0123456789` },
      },
      'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
        path: `/api/v1/webhooks/${hook.id}/deliveries/${deliveryId}/redeliver`,
        body: {},
      },
      'POST /api/v1/rosters/shifts': {
        path: '/api/v1/rosters/shifts',
        body: {
          region: '110105',
          dutyRole: 'engineer',
          staffId: engineer.id,
          from: '2026-12-07T08:00:00+08:00',
          to: '2026-12-07T20:00:00+08:00',
        },
      },
      'POST /api/v1/notification-channels': {
        path: '/api/v1/notification-channels',
        body: {
          region: '440600',
          type: 'wecom_robot',
          name: unique('群'),
          webhookUrl: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=k-0123456789',
        },
      },
      'POST /api/v1/billing/charges': { path: '/api/v1/billing/charges', body: charge() },
      'POST /api/v1/billing/charges:batch': { path: '/api/v1/billing/charges:batch', body: { charges: [charge(), charge()] } },
      'POST /api/v1/payments': {
        path: '/api/v1/payments',
        body: { customerId: c.id, amountFen: 50_000, collectedRegion: '440600', method: 'bank_transfer' },
      },
      'POST /api/v1/billing/bill-runs': { path: '/api/v1/billing/bill-runs', body: { period: '2026-05' } },
      'POST /api/v1/calendars': {
        path: '/api/v1/calendars',
        body: { key: 'crash-office', name: '政务中心', weekly: { 1: [{ start: '09:00', end: '17:00' }] } },
      },
      'POST /api/v1/reports/rebuild': { path: '/api/v1/reports/rebuild', body: { from: '2026-01-01', to: '2026-01-02' } },
      'POST /api/v1/customer-warnings/evaluate': { path: '/api/v1/customer-warnings/evaluate', body: {} },
      'POST /api/v1/callbacks/{id}/attempts': { path: `/api/v1/callbacks/${attemptedCallback}/attempts`, body: { reached: false } },
      'POST /api/v1/callbacks/{id}/complaint': { path: `/api/v1/callbacks/${complainedCallback}/complaint`, body: {} },
    };
    expect(Object.keys(probes).sort()).toEqual((await idempotentRoutes()).sort());

    const outcomes: string[] = [];
    for (const [route, { path, body }] of Object.entries(probes)) {
      const key = unique('crash-');
      const first = await send(path, body, key);
      // The body is in the comparison so that a failure says why the first call failed.
      expect({ route, status: first.status, body: first.status < 300 ? 'ok' : first.body }).toEqual({
        route,
        status: first.status < 300 ? first.status : 'a 2xx',
        body: 'ok',
      });
      const [commit] = await t.dataSource.query(
        `SELECT status_code, resource, response_body IS NOT NULL AS has_body FROM idempotency_commits WHERE key = $1`,
        [key],
      );
      expect({ route, committed: !!commit }).toEqual({ route, committed: true });
      outcomes.push(`${route} → ${commit.resource ?? 'body'}`);
      // The process dies after its commit, before its response is stored: the key is left 'processing', its claim a while old.
      await t.dataSource.query(
        `UPDATE idempotency_keys SET state = 'processing', status_code = NULL, response_body = NULL, locked_at = now() - interval '1 hour' WHERE key = $1`,
        [key],
      );
      const retry = await send(path, body, key);
      expect({ route, status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({
        route,
        status: first.status,
        replayed: 'true',
      });
      // Rebuilt answers are the resource as it reads now; a second run would show as another id, a new version, or a 409.
      const identity = (b: any) => (b?.id ? { id: b.id, version: b.version } : b);
      expect({ route, body: identity(retry.body) }).toEqual({ route, body: identity(first.body) });
      const again = await send(path, body, key);
      expect({ route, status: again.status, body: again.body }).toEqual({ route, status: retry.status, body: retry.body });
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM faults WHERE customer_id = $1`, [c.id]);
    expect(n).toBe(2); // the one made above and the one probed, not a third
  });

  it('a key abandoned with nothing committed is taken over by a retry, which runs once; the late original cannot commit', async () => {
    const c = await created('/api/v1/customers', customerBody());
    const key = unique('abandoned-');
    const title = `被接管的申告 ${key}`;
    const body = faultBody(c.id, title);
    // Hold every fault insert: the original claims its key, then waits in its write.
    const lock = t.dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    try {
      await lock.query(`LOCK TABLE faults IN SHARE MODE`);
      const original = send('/api/v1/faults', body, key);
      await waitFor(
        async () => (await t.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key])).length,
        10_000,
        'the claim',
      );
      await new Promise((r) => setTimeout(r, 1500)); // past IDEMPOTENCY_ABANDON_SECONDS: the original looks dead
      const retry = send('/api/v1/faults', body, key);
      await waitFor(
        async () =>
          (await t.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1 AND locked_at > now() - interval '1 second'`, [key]))
            .length,
        10_000,
        'the take-over',
      );
      await lock.rollbackTransaction();
      const [late, taker] = await Promise.all([original, retry]);
      expect(taker.status).toBe(201);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      const rows = await t.dataSource.query(`SELECT id FROM faults WHERE title = $1`, [title]);
      expect(rows).toEqual([{ id: taker.body.id }]);
      const replay = await send('/api/v1/faults', body, key);
      expect({ status: replay.status, id: replay.body.id, replayed: replay.headers['idempotent-replayed'] }).toEqual({
        status: 201,
        id: taker.body.id,
        replayed: 'true',
      });
    } finally {
      if (lock.isTransactionActive) await lock.rollbackTransaction();
      await lock.release();
    }
  });
});
