import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { PostCommit } from '../../src/common/post-commit';
import type { EventType } from '../../src/outbox/event-types.port';
import { OutboxService } from '../../src/outbox/outbox.service';
import { QueueName } from '../../src/queues/queue-names';
import { enqueueDeliveries } from '../../src/webhooks/delivery-jobs';
import { deliveryJobId } from '../../src/webhooks/delivery-protocol';
import { OutboxRelay } from '../../src/webhooks/outbox-relay';
import { DELIVERY_SWEEP, RELAY_POLL } from '../../src/webhooks/webhook-schedulers';
import { TEST_REDIS_URL } from '../support/test-database';
import { waitFor } from '../support/wait';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { Receiver } from '../support/webhook-receiver';
import { waitForDeliveriesSettled } from '../support/webhooks';

const secretOf = () => `whsec-${unique()}-${unique()}`;

async function emit(t: TestApp, type: EventType, data: Record<string, unknown>, wake = true): Promise<string> {
  const post = new PostCommit();
  const id = await t.dataSource.transaction((em) => t.app.get(OutboxService).emit(em, post, type, data));
  if (wake) await post.run();
  return id;
}

async function subscribe(t: TestApp, url: string, events: EventType[], secret: string): Promise<{ id: string; secretHint: string }> {
  const res = await t.http().post('/api/v1/webhooks').set(bearer(t.admin)).send({ url, events, secret });
  if (res.status !== 201) throw new Error(`subscribe failed ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until nothing more can reach these subscriptions (see waitForDeliveriesSettled). */
const settled = (t: TestApp, subscriptionIds: string[], timeoutMs?: number) =>
  waitForDeliveriesSettled(
    (sql, params) => t.dataSource.query(sql, params),
    t.app.get<Queue>(getQueueToken(QueueName.webhooks)),
    subscriptionIds,
    timeoutMs,
  );

const deliveriesOf = async (t: TestApp, subscriptionId: string) =>
  (await t.http().get(`/api/v1/webhooks/${subscriptionId}/deliveries`).set(bearer(t.admin)).expect(200)).body;

/** Deletes this app's BullMQ keys only (other suites share the Redis): what a FLUSHALL does to this app. */
async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new IORedis(TEST_REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

describe('webhooks: subscriptions and delivery', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200', WEBHOOK_RETRY_BASE_MS: '100' });
  });
  afterAll(() => t?.close());
  // Each test owns its subscriptions: end the live ones so no test receives another's events.
  afterEach(async () => {
    await t.dataSource.query(`UPDATE webhook_subscriptions SET deleted_at = now() WHERE deleted_at IS NULL`);
    await t.dataSource.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = 'test over' WHERE status = 'pending'`);
  });

  it('creates a subscription without ever returning the secret, and audits it', async () => {
    const secret = secretOf();
    const { url } = receiver.endpoint(secret);
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url, events: ['fault.created', 'sla.breached'], secret })
      .expect(201);
    expect(res.body).toMatchObject({
      url,
      events: ['fault.created', 'sla.breached'],
      secretHint: `…${secret.slice(-4)}`,
      deletedAt: null,
      createdBy: t.admin.id,
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain(secret);

    const one = await t.http().get(`/api/v1/webhooks/${res.body.id}`).set(bearer(t.admin)).expect(200);
    const list = await t.http().get('/api/v1/webhooks').set(bearer(t.admin)).expect(200);
    expect(one.body).toEqual(res.body);
    expect(list.body.items).toContainEqual(res.body);
    expect(JSON.stringify([one.body, list.body])).not.toContain(secret);

    const [audit] = await t.dataSource.query(
      `SELECT actor_id, changes FROM audit_log WHERE action = 'webhook.created' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toMatchObject({ actor_id: t.admin.id, changes: { url, events: ['fault.created', 'sla.breached'] } });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('replays a creation with the same Idempotency-Key instead of subscribing twice', async () => {
    const secret = secretOf();
    const { url } = receiver.endpoint(secret);
    const key = unique('key-');
    const body = { url, events: ['fault.created'], secret };
    const first = await t.http().post('/api/v1/webhooks').set(bearer(t.admin)).set('idempotency-key', key).send(body).expect(201);
    const again = await t.http().post('/api/v1/webhooks').set(bearer(t.admin)).set('idempotency-key', key).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE url = $1`, [url]);
    expect(n).toBe(1);
  });

  it('delivers a signed event with the documented headers and body, once', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const sub = await subscribe(t, url, ['fault.created'], secret);
    const data = { caseNo: 'FLT-20261127-000042', title: '专线中断 (leased line down)', priority: 1 };
    const eventId = await emit(t, 'fault.created', data);

    const [hit] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 10_000, 'the delivery');
    expect(hit.signatureOk).toBe(true);
    expect(hit.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'FocusOne-Webhooks/1',
      'x-focusone-event': 'fault.created',
      'x-focusone-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-focusone-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(Object.keys(hit.body)).toEqual(['id', 'type', 'occurredAt', 'data']);
    expect(hit.body).toEqual({ id: eventId, type: 'fault.created', occurredAt: expect.any(String), data });
    expect(new Date(hit.body.occurredAt).toISOString()).toBe(hit.body.occurredAt);

    const page = await waitFor(
      async () => {
        const p = await deliveriesOf(t, sub.id);
        return p.items[0]?.status === 'delivered' && p;
      },
      10_000,
      'delivered status',
    );
    expect(page).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(page.items[0]).toMatchObject({
      id: hit.headers['x-focusone-delivery'],
      eventId,
      eventType: 'fault.created',
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: expect.any(String),
      attemptLog: [{ attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), statusCode: 200, error: null }],
    });
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('delivers only the event types a subscription asked for', async () => {
    const secretA = secretOf();
    const secretB = secretOf();
    const a = receiver.endpoint(secretA);
    const b = receiver.endpoint(secretB);
    const subA = await subscribe(t, a.url, ['fault.created'], secretA);
    const subB = await subscribe(t, b.url, ['sla.breached', 'sla.escalated'], secretB);
    await emit(t, 'fault.assigned', { n: 1 });
    const created = await emit(t, 'fault.created', { n: 2 });
    const breached = await emit(t, 'sla.breached', { n: 3 });
    await emit(t, 'sla.warning', { n: 4 });

    await waitFor(() => receiver.at(a.path).length >= 1 && receiver.at(b.path).length >= 1, 10_000, 'both deliveries');
    await waitFor(
      async () => {
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE relayed_at IS NULL`);
        return n === 0;
      },
      10_000,
      'every event relayed',
    );
    await settled(t, [subA.id, subB.id]);
    expect(receiver.at(a.path).map((h) => [h.body.type, h.body.id, h.signatureOk])).toEqual([['fault.created', created, true]]);
    expect(receiver.at(b.path).map((h) => [h.body.type, h.body.id, h.signatureOk])).toEqual([['sla.breached', breached, true]]);
    expect((await deliveriesOf(t, subA.id)).total).toBe(1);
    expect((await deliveriesOf(t, subB.id)).total).toBe(1);
  });

  it('relays an event whose wake-up was lost, on the next poll', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    await subscribe(t, url, ['fault.state_changed'], secret);
    const eventId = await emit(t, 'fault.state_changed', { to: 'in_progress' }, false);
    const [hit] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 5_000, 'the polled delivery');
    expect(hit.body.id).toBe(eventId);
  });

  it('retries a failing receiver with backoff: same delivery id and bytes every time, one success, 3 attempts listed', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret, (n) => (n <= 2 ? 500 : 200));
    const sub = await subscribe(t, url, ['sla.escalated'], secret);
    const eventId = await emit(t, 'sla.escalated', { level: 'escalated_2' });

    await waitFor(() => receiver.at(path).length === 3, 10_000, 'the third attempt');
    const hits = receiver.at(path);
    expect(hits.map((h) => h.status)).toEqual([500, 500, 200]);
    expect(new Set(hits.map((h) => h.headers['x-focusone-delivery'])).size).toBe(1);
    expect(hits.every((h) => h.signatureOk && h.body.id === eventId)).toBe(true);
    expect(hits[1].raw.equals(hits[0].raw) && hits[2].raw.equals(hits[0].raw)).toBe(true);

    const page = await waitFor(
      async () => {
        const p = await deliveriesOf(t, sub.id);
        return p.items[0]?.status === 'delivered' && p;
      },
      10_000,
      'delivered status',
    );
    const [delivery] = page.items;
    expect(delivery).toMatchObject({
      id: hits[0].headers['x-focusone-delivery'],
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(
      delivery.attemptLog.map((a: { attempt: number; statusCode: number; error: string | null }) => [a.attempt, a.statusCode, a.error]),
    ).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 200, null],
    ]);
    // Exponential backoff from 100 ms: about 100 ms, then 200 ms, between attempts.
    const starts = delivery.attemptLog.map((a: { startedAt: string }) => new Date(a.startedAt).getTime());
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(100);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(200);
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(3);
  });

  it('sends nothing more to a deleted subscription, keeps its history, and audits the delete', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const sub = await subscribe(t, url, ['fault.created'], secret);
    await emit(t, 'fault.created', { n: 1 });
    await waitFor(() => receiver.at(path).length === 1, 10_000, 'the first delivery');

    await t.http().delete(`/api/v1/webhooks/${sub.id}`).set(bearer(t.admin)).expect(204);
    await t.http().delete(`/api/v1/webhooks/${sub.id}`).set(bearer(t.admin)).expect(204); // already deleted: no error
    const after = await t.http().get(`/api/v1/webhooks/${sub.id}`).set(bearer(t.admin)).expect(200);
    expect(after.body.deletedAt).toEqual(expect.any(String));
    const live = await t.http().get('/api/v1/webhooks').set(bearer(t.admin)).expect(200);
    expect(live.body.items.map((s: { id: string }) => s.id)).not.toContain(sub.id);
    const all = await t.http().get('/api/v1/webhooks?includeDeleted=true').set(bearer(t.admin)).expect(200);
    expect(all.body.items.map((s: { id: string }) => s.id)).toContain(sub.id);

    const second = await emit(t, 'fault.created', { n: 2 });
    await waitFor(
      async () => {
        const [row] = await t.dataSource.query(`SELECT relayed_at FROM outbox_events WHERE id = $1`, [second]);
        return row.relayed_at !== null;
      },
      10_000,
      'the event relayed',
    );
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(1);
    expect((await deliveriesOf(t, sub.id)).total).toBe(1);
    const audits = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [sub.id]);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['webhook.created', 'webhook.deleted']);
  });

  it('lets two relays race over the same events without creating any delivery twice', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const sub = await subscribe(t, url, ['fault.assigned'], secret);
    const COUNT = 1_100; // more than two batches of 500
    // Committed but never woken: only the relays below (and the poll) find them.
    await t.dataSource.query(
      `INSERT INTO outbox_events (type, data) SELECT 'fault.assigned', jsonb_build_object('n', g) FROM generate_series(1, $1) g`,
      [COUNT],
    );
    const relay = t.app.get(OutboxRelay);
    const [r1, r2] = await Promise.all([relay.drain(), relay.drain()]);
    expect(r1.events + r2.events).toBeLessThanOrEqual(COUNT);
    expect(r1.deliveries + r2.deliveries).toBeLessThanOrEqual(COUNT);

    // The app's own relay poll may have taken a batch the two skipped (SKIP LOCKED) and
    // still be committing it: wait for the end state, then check it has no duplicate.
    const relayed = async () => {
      const [{ unrelayed }] = await t.dataSource.query(`SELECT count(*)::int AS unrelayed FROM outbox_events WHERE relayed_at IS NULL`);
      return unrelayed === 0;
    };
    await waitFor(relayed, 10_000, 'every event relayed');
    const [counts] = await t.dataSource.query(
      `SELECT count(*)::int AS deliveries, count(DISTINCT event_id)::int AS events FROM webhook_deliveries WHERE subscription_id = $1`,
      [sub.id],
    );
    expect(counts).toEqual({ deliveries: COUNT, events: COUNT });

    await waitFor(() => receiver.at(path).length >= COUNT, 40_000, 'every delivery');
    await settled(t, [sub.id]);
    const ids = receiver.at(path).map((h) => h.headers['x-focusone-delivery']);
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
  }, 60_000);

  /** An event already relayed and one pending delivery for it, written behind the relay's back. */
  async function orphanDelivery(subscriptionId: string, nextAttemptIn: string): Promise<{ eventId: string; deliveryId: string }> {
    const [{ id: eventId }] = await t.dataSource.query(
      `INSERT INTO outbox_events (type, data, relayed_at) VALUES ('fault.created', '{"orphan": true}', now()) RETURNING id`,
    );
    const [{ id: deliveryId }] = await t.dataSource.query(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status, next_attempt_at)
       VALUES ($1, $2, 'fault.created', 'pending', now() + $3::interval) RETURNING id`,
      [subscriptionId, eventId, nextAttemptIn],
    );
    return { eventId, deliveryId };
  }

  it('sweeps up a pending delivery whose job was never added (a relay that died after its commit)', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const sub = await subscribe(t, url, ['fault.created'], secret);
    const { eventId, deliveryId } = await orphanDelivery(sub.id, '-5 seconds');
    const [hit] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 5_000, 'the swept delivery');
    expect(hit).toMatchObject({ signatureOk: true, body: { id: eventId } });
    expect(hit.headers['x-focusone-delivery']).toBe(deliveryId);
  });

  it('puts back to sleep a job that wakes before next_attempt_at (clock skew), and delivers it on time', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const sub = await subscribe(t, url, ['fault.created'], secret);
    const { deliveryId } = await orphanDelivery(sub.id, '1.5 seconds');
    const webhooks = t.app.get<Queue>(getQueueToken(QueueName.webhooks));
    const added = Date.now();
    await enqueueDeliveries(webhooks, [{ data: { deliveryId, attempt: 1 } }]); // due "now" by this host's clock
    await waitFor(
      async () => (await (await webhooks.getJob(deliveryJobId(deliveryId, 1)))?.getState()) === 'delayed',
      1_000,
      'the job moved to delayed',
    );
    expect(receiver.at(path)).toHaveLength(0);
    await waitFor(() => receiver.at(path).length === 1, 5_000, 'the delivery');
    expect(Date.now() - added).toBeGreaterThanOrEqual(1_400);
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(1);
    expect((await deliveriesOf(t, sub.id)).items[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('has its job schedulers in Redis', async () => {
    const outbox = t.app.get<Queue>(getQueueToken(QueueName.outbox));
    expect(await outbox.getJobScheduler(RELAY_POLL)).toMatchObject({ every: 200 });
    expect(await outbox.getJobScheduler(DELIVERY_SWEEP)).toMatchObject({ every: 1000 });
  });

  describe('validation and access', () => {
    let agent: StaffLogin;
    beforeAll(async () => {
      agent = await t.staff(['agent'], ['440600']);
    });
    const valid = () => ({ url: 'http://127.0.0.1:9/hook', events: ['fault.created'], secret: secretOf() });

    it('is for admins only (403 for anyone else, 401 without a token)', async () => {
      const res = await t.http().post('/api/v1/webhooks').set(bearer(agent)).send(valid());
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http().get('/api/v1/webhooks').set(bearer(agent)).expect(403);
      await t.http().get('/api/v1/webhooks').expect(401);
    });

    it.each([
      ['an unknown event type', { events: ['fault.created', 'fault.exploded'] }, 'events'],
      ['no event types', { events: [] }, 'events'],
      ['events that are no list', { events: 'fault.created' }, 'events'],
      ['a repeated event type', { events: ['fault.created', 'fault.created'] }, 'events'],
      ['a secret under 16 characters', { secret: 'short-secret-15' }, 'secret'],
      ['no secret', { secret: undefined }, 'secret'],
      ['no url', { url: undefined }, 'url'],
      ['an unknown field', { active: true }, 'active'],
      ['an ftp URL', { url: 'ftp://example.com/' }, 'url'],
      ['something that is no URL', { url: 'hooks at example dot com' }, 'url'],
    ])('rejects %s with 400 naming the field', async (_label, overrides, field) => {
      const res = await t
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(t.admin))
        .send({ ...valid(), ...overrides });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('answers 404 for an unknown subscription and 400 for a malformed id', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      expect((await t.http().get(`/api/v1/webhooks/${missing}`).set(bearer(t.admin))).status).toBe(404);
      expect((await t.http().get(`/api/v1/webhooks/${missing}/deliveries`).set(bearer(t.admin))).body.code).toBe('WEBHOOK_NOT_FOUND');
      expect((await t.http().delete(`/api/v1/webhooks/${missing}`).set(bearer(t.admin))).status).toBe(404);
      expect((await t.http().get('/api/v1/webhooks/not-a-uuid').set(bearer(t.admin))).status).toBe(400);
    });

    it('documents the routes in the OpenAPI file', async () => {
      const doc = (await t.http().get('/api/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/deliveries']),
      );
      expect(doc.paths['/api/v1/webhooks'].post.tags).toEqual(['webhooks']);
      expect(doc.components.schemas.WebhookDto.properties).not.toHaveProperty('secret');
    });
  });
});

describe('webhooks: SSRF guard with the production default (private targets refused)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it.each([
    ['http://127.0.0.1:1/x', 'loopback'],
    ['http://169.254.169.254/latest', 'linkLocal'],
    ['http://10.0.0.1/', 'private'],
    ['http://192.168.1.20:8080/hook', 'private'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://[::1]:3000/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[fd00::1]/', 'uniqueLocal'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://2130706433/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['ftp://example.com/', 'http or https'],
    ['https://user:pw@example.com/', 'credentials'],
  ])('refuses %s with 400 on the url field', async (url, why) => {
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url, events: ['sla.breached'], secret: secretOf() });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
    expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringContaining(why) }]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_subscriptions`);
    expect(n).toBe(0);
  });

  it('refuses a delivery whose target turned private after the subscription (checked again before each attempt)', async () => {
    // As if DNS now pointed the accepted name at the loopback: the row is changed behind the API's back.
    const secret = secretOf();
    const { path, url } = receiver.endpoint(secret);
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO webhook_subscriptions (url, events, secret) VALUES ($1, '{fault.created}', $2) RETURNING id`,
      [url, secret],
    );
    await emit(t, 'fault.created', { n: 1 });
    const page = await waitFor(
      async () => {
        const p = await deliveriesOf(t, id);
        return p.items[0]?.attemptLog.length >= 1 && p;
      },
      10_000,
      'a refused attempt',
    );
    expect(page.items[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: expect.stringContaining('refused'),
    });
    expect(page.items[0].attemptLog[0]).toMatchObject({ attempt: 1, statusCode: null, error: expect.stringContaining('loopback') });
    expect(receiver.at(path)).toHaveLength(0);
  });
});

describe('webhooks: retries running out, deletion while a retry waits, and a Redis flush', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      OUTBOX_POLL_MS: '200',
      WEBHOOK_RETRY_BASE_MS: '1500',
      WEBHOOK_MAX_ATTEMPTS: '3',
    });
  });
  afterAll(() => t?.close());

  const onlyDelivery = async (subscriptionId: string) => (await deliveriesOf(t, subscriptionId)).items[0];

  it('ends failed after WEBHOOK_MAX_ATTEMPTS; a redirect is not followed and counts as a failure', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret, (n) => (n === 1 ? 302 : 503));
    const sub = await subscribe(t, url, ['sla.breached'], secret);
    await emit(t, 'sla.breached', { caseNo: 'FLT-20261127-000043' });

    const delivery = await waitFor(
      async () => {
        const d = await onlyDelivery(sub.id);
        return d?.status === 'failed' && d;
      },
      12_000,
      'the failed status',
    );
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', deliveredAt: null, nextAttemptAt: null });
    expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([302, 503, 503]);
    expect(delivery.attemptLog[0].error).toContain('redirect');
    expect(receiver.at(path).map((h) => h.status)).toEqual([302, 503, 503]);
    expect(receiver.at(`${path}/redirected`)).toHaveLength(0);
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(3);
  });

  it('drops the waiting retry of a subscription deleted in between', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret, () => 500);
    const sub = await subscribe(t, url, ['fault.created'], secret);
    await emit(t, 'fault.created', { n: 1 });
    const delivery = await waitFor(
      async () => {
        const d = await onlyDelivery(sub.id);
        return d?.attemptLog.length === 1 && d;
      },
      10_000,
      'the first failed attempt',
    );
    // The retry waits in Redis as a delayed job (due 1.5-1.65 s after the first attempt) when the subscription goes.
    const webhooks = t.app.get<Queue>(getQueueToken(QueueName.webhooks));
    const retryJob = deliveryJobId(delivery.id, 2);
    await waitFor(async () => (await (await webhooks.getJob(retryJob))?.getState()) === 'delayed', 1_200, 'the delayed retry job');
    await t.http().delete(`/api/v1/webhooks/${sub.id}`).set(bearer(t.admin)).expect(204);
    expect(await onlyDelivery(sub.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'subscription deleted' });
    // The retry job has run (or been dropped): each job is removed once its attempt is over.
    await settled(t, [sub.id]);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('survives its BullMQ keys being deleted while a retry waits: delivered later, exactly once', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret, (n) => (n === 1 ? 500 : 200));
    const sub = await subscribe(t, url, ['fault.created'], secret);
    const webhooks = t.app.get<Queue>(getQueueToken(QueueName.webhooks));
    const outbox = t.app.get<Queue>(getQueueToken(QueueName.outbox));
    const eventId = await emit(t, 'fault.created', { n: 1 });

    const delivery = await waitFor(
      async () => {
        const d = await onlyDelivery(sub.id);
        return d?.attemptLog.length === 1 && d;
      },
      10_000,
      'the first failed attempt',
    );
    // The retry waits in Redis as a delayed job (about 1.5 s)...
    const retryJob = deliveryJobId(delivery.id, 2);
    await waitFor(async () => (await (await webhooks.getJob(retryJob))?.getState()) === 'delayed', 1_200, 'the delayed retry job');
    // ...when Redis loses everything of this app (what a FLUSHALL does; other suites share this Redis):
    // the retry job, the job schedulers (relay-poll, delivery-sweep) and their next runs.
    expect(await deleteQueueKeys(t.config.redis.queuePrefix)).toBeGreaterThan(0);
    expect(await webhooks.getJob(retryJob)).toBeUndefined();
    expect(receiver.at(path)).toHaveLength(1);

    // The worker's timer re-creates the schedulers; the sweep finds the overdue delivery in PostgreSQL.
    await waitFor(
      async () => (await outbox.getJobScheduler(RELAY_POLL)) && (await outbox.getJobScheduler(DELIVERY_SWEEP)),
      5_000,
      'the schedulers again',
    );
    await waitFor(() => receiver.at(path).length === 2, 12_000, 'the retried delivery');
    const after = await waitFor(
      async () => {
        const d = await onlyDelivery(sub.id);
        return d?.status === 'delivered' && d;
      },
      10_000,
      'delivered status',
    );
    expect(after).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    const hits = receiver.at(path);
    expect(hits.map((h) => h.status)).toEqual([500, 200]);
    expect(hits.every((h) => h.body.id === eventId && h.signatureOk && h.headers['x-focusone-delivery'] === delivery.id)).toBe(true);

    // And events emitted after the flush flow as before.
    const next = await emit(t, 'fault.created', { n: 2 });
    await waitFor(() => receiver.at(path).some((h) => h.body.id === next && h.status === 200), 5_000, 'the next event');
    await settled(t, [sub.id]);
    expect(receiver.at(path).filter((h) => h.status === 200)).toHaveLength(2);
  }, 30_000);
});

describe('event retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The app's own hourly purge (which also runs at start) keeps ten years, so it
    // never races the test's purge(30) over the 40-day-old rows below.
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', EVENT_RETENTION_DAYS: '3650' });
  });
  afterAll(() => t?.close());

  it('purges finished deliveries, their attempts and relayed events past retention, and keeps the rest', async () => {
    const sub = await subscribe(t, 'http://127.0.0.1:9/hooks', ['fault.created'], secretOf());
    const make = async (status: string, ageDays: number) => {
      const [{ id: eventId }] = await t.dataSource.query(
        `INSERT INTO outbox_events (type, data, relayed_at, occurred_at) VALUES ('fault.created', '{}', now() - make_interval(days => $1), now() - make_interval(days => $1)) RETURNING id`,
        [ageDays],
      );
      const [{ id: deliveryId }] = await t.dataSource.query(
        `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status, attempts, created_at)
         VALUES ($1, $2, 'fault.created', $3, 1, now() - make_interval(days => $4)) RETURNING id`,
        [sub.id, eventId, status, ageDays],
      );
      await t.dataSource.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code) VALUES ($1, 1, now(), 5, 200)`,
        [deliveryId],
      );
      return { eventId, deliveryId };
    };
    const oldDone = await make('delivered', 40);
    const oldFailed = await make('failed', 40);
    const oldPending = await make('pending', 40); // still owed: kept
    const recent = await make('delivered', 1);
    const result = await t.app.get(OutboxRelay).purge(30);
    expect(result).toEqual({ deliveries: 2, events: 2 });
    const left = async (table: string, ids: string[]) =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1)`, [ids]))[0].n;
    expect(await left('webhook_deliveries', [oldDone.deliveryId, oldFailed.deliveryId])).toBe(0);
    expect(await left('outbox_events', [oldDone.eventId, oldFailed.eventId])).toBe(0);
    expect(await left('webhook_deliveries', [oldPending.deliveryId, recent.deliveryId])).toBe(2);
    expect(await left('outbox_events', [oldPending.eventId, recent.eventId])).toBe(2);
  });
});
