import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { subscribe as subscribeChannel, unsubscribe as unsubscribeChannel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { PostCommit } from '../../src/common/post-commit';
import { OutboxService } from '../../src/outbox/outbox.service';
import { QueueName } from '../../src/queues/queue-names';
import { fireJobId } from '../../src/sla/sla-clocks.service';
import type { Lookup } from '../../src/webhooks/url-guard';
import { HOST_LOOKUP } from '../../src/webhooks/webhook-targets';
import { customerBody, mobile } from '../support/factories';
import { PrivateRedis, startRedisServer, startRedisServerOn } from '../support/redis-server';
import { TestApp, bearer, startTestApp, unique } from '../support/test-app';
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
      .send({
        customerId: c.id,
        acceptedRegion: '440600',
        items: [
          {
            action: 'add',
            productCode: 'MPLS_VPN',
            siteId: c.sites[0].id,
            quantity: 1,
            attributes: { bandwidthMbps: 100, qosClass: 'gold' },
          },
        ],
      })
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
        .send({
          customerId: customer.id,
          category: 'fault',
          severity: 'critical',
          title: '专线中断（Redis 停机期间受理）',
          description: '光缆被挖断',
          reportedVia: 'hotline',
          reporterName: '李娜',
          reporterMobile: mobile(),
        })
        .catch((err: Error) => ({ status: 0, body: { error: err.message } }));
      const tookMs = Date.now() - startedAt;
      expect({ status: res.status, fast: tookMs < 1000 }).toEqual({ status: 201, fast: true });
      faultId = res.body.id as string;

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
