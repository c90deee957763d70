import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PostCommit } from '../../src/common/post-commit';
import type { EventType } from '../../src/outbox/event-types.port';
import { OutboxService } from '../../src/outbox/outbox.service';
import { QueueName } from '../../src/queues/queue-names';
import { verifySignature, verifyV2 } from '../../src/webhooks/delivery-protocol';
import { customerBody, faultBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import type { Hit } from '../support/webhook-receiver';
import { Receiver } from '../support/webhook-receiver';
import { waitForDeliveriesSettled } from '../support/webhooks';

/*
 * Issue 13, point 6: changing a subscription (PATCH), pinging it, redelivering
 * a delivery, rotating its secret with an overlap, the timestamped V2
 * signature (and how a receiver refuses a replay), and the region and tier
 * filters, on the real app, PostgreSQL, Redis and a local HTTP receiver.
 */

const secretOf = () => `whsec-${unique()}-${unique()}`;
const MISSING = '00000000-0000-4000-8000-000000000000';

async function emit(t: TestApp, type: EventType, data: Record<string, unknown>): Promise<string> {
  const post = new PostCommit();
  const id = await t.dataSource.transaction((em) => t.app.get(OutboxService).emit(em, post, type, data));
  await post.run();
  return id;
}

const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** The V1 and V2 signatures of a hit, checked with one secret as a receiver holding it would. */
const verdicts = (hit: Hit, secret: string) => ({
  v1: verifySignature(hit.raw, secret, hit.headers['x-focusone-signature'] as string),
  v1New: verifySignature(hit.raw, secret, hit.headers['x-focusone-signature-new'] as string | undefined),
  v2: verifyV2(hit.raw, secret, hit.headers['x-focusone-signature-v2'] as string).ok,
});

describe('webhooks: PATCH, ping, redeliver, rotation, V2 signatures, filters', () => {
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

  const admin = () => bearer(t.admin);
  const subscribe = async (url: string, events: EventType[], secret: string, extra: Record<string, unknown> = {}) => {
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(admin())
      .send({ url, events, secret, ...extra });
    if (res.status !== 201) throw new Error(`subscribe failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number; secretHint: string };
  };
  const patch = (id: string, body: object) => t.http().patch(`/api/v1/webhooks/${id}`).set(admin()).send(body);
  const deliveriesOf = async (id: string) => (await t.http().get(`/api/v1/webhooks/${id}/deliveries`).set(admin()).expect(200)).body;
  const settled = (ids: string[]) =>
    waitForDeliveriesSettled((sql, params) => t.dataSource.query(sql, params), t.app.get<Queue>(getQueueToken(QueueName.webhooks)), ids);
  const auditsOf = (id: string) =>
    t.dataSource.query<{ action: string; changes: Record<string, unknown> }[]>(
      `SELECT action, changes FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [id],
    );

  describe('PATCH /webhooks/:id', () => {
    it('changes the URL, event types and filters under expectedVersion, audited; an unchanged body changes nothing', async () => {
      const secret = secretOf();
      const a = receiver.endpoint(secret);
      const b = receiver.endpoint(secret);
      const sub = await subscribe(a.url, ['fault.created'], secret);
      expect(sub).toMatchObject({ version: 1, active: true, regions: null, customerTiers: null, previousSecretHint: null });

      const res = await patch(sub.id, { url: b.url, events: ['sla.breached', 'fault.created'], regions: ['440600'], expectedVersion: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ url: b.url, events: ['sla.breached', 'fault.created'], regions: ['440600'], version: 2 });
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect((await t.http().get(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(200)).body).toEqual(res.body);

      // the same values again: nothing to change, no new version, no audit row
      const same = await patch(sub.id, { url: b.url, regions: ['440600'], expectedVersion: 2 });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(2);
      // null removes a filter
      expect((await patch(sub.id, { regions: null, expectedVersion: 2 })).body).toMatchObject({ regions: null, version: 3 });

      const audits = await auditsOf(sub.id);
      expect(audits.map((x) => x.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.updated']);
      expect(audits[1].changes).toEqual({
        url: { from: a.url, to: b.url },
        events: { from: ['fault.created'], to: ['sla.breached', 'fault.created'] },
        regions: { from: null, to: ['440600'] },
      });

      // delivered to the new URL
      const eventId = await emit(t, 'sla.breached', { n: 1 });
      await waitFor(() => receiver.at(b.path).length === 1, 10_000, 'the delivery to the new URL');
      expect(receiver.at(b.path)[0].body.id).toBe(eventId);
      expect(receiver.at(a.path)).toHaveLength(0);
    });

    it.each([
      ['an ftp URL', { url: 'ftp://example.com/' }, 'url', 'WEBHOOK_URL_REFUSED'],
      ['something that is no URL', { url: 'hooks at example dot com' }, 'url', 'WEBHOOK_URL_REFUSED'],
      ['a URL with credentials', { url: 'https://user:pw@example.com/' }, 'url', 'WEBHOOK_URL_REFUSED'],
      ['an unknown event type', { events: ['fault.exploded'] }, 'events', 'VALIDATION_FAILED'],
      ['no event types', { events: [] }, 'events', 'VALIDATION_FAILED'],
      ['active that is no boolean', { active: 'yes' }, 'active', 'VALIDATION_FAILED'],
      ['a region that is no code', { regions: ['Foshan'] }, 'regions', 'VALIDATION_FAILED'],
      ['a region not in the reference table', { regions: ['449999'] }, 'regions', 'VALIDATION_FAILED'],
      ['an empty region filter', { regions: [] }, 'regions', 'VALIDATION_FAILED'],
      ['an unknown tier', { customerTiers: ['gold'] }, 'customerTiers', 'VALIDATION_FAILED'],
      ['no expectedVersion', { expectedVersion: undefined, active: false }, 'expectedVersion', 'VALIDATION_FAILED'],
      ['an unknown field', { secret: secretOf() }, 'secret', 'VALIDATION_FAILED'],
    ])('refuses %s with 400 naming the field, changing nothing', async (_label, body, field, code) => {
      const secret = secretOf();
      const sub = await subscribe(receiver.endpoint(secret).url, ['fault.created'], secret);
      const res = await patch(sub.id, { expectedVersion: 1, ...body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      const now = (await t.http().get(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(200)).body;
      expect(now).toMatchObject({ version: 1, events: ['fault.created'], regions: null });
    });

    it('lets one of two concurrent changes of the same version win; the other gets 409 with the current version', async () => {
      const secret = secretOf();
      const sub = await subscribe(receiver.endpoint(secret).url, ['fault.created'], secret);
      const results = await Promise.all([
        patch(sub.id, { events: ['sla.breached'], expectedVersion: 1 }),
        patch(sub.id, { events: ['sla.warning'], expectedVersion: 1 }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const lost = results.find((r) => r.status === 409)!;
      expect(lost.body).toMatchObject({ code: 'STALE_VERSION', expectedVersion: 1, currentVersion: 2 });
      const won = results.find((r) => r.status === 200)!;
      const now = (await t.http().get(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(200)).body;
      expect(now).toMatchObject({ version: 2, events: won.body.events });
      expect((await auditsOf(sub.id)).map((x) => x.action)).toEqual(['webhook.created', 'webhook.updated']);
    });

    it('answers 404 for an unknown subscription and 409 for a deleted one', async () => {
      expect((await patch(MISSING, { active: false, expectedVersion: 1 })).body.code).toBe('WEBHOOK_NOT_FOUND');
      const secret = secretOf();
      const sub = await subscribe(receiver.endpoint(secret).url, ['fault.created'], secret);
      await t.http().delete(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(204);
      const res = await patch(sub.id, { active: false, expectedVersion: 1 });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('WEBHOOK_DELETED');
    });

    it('switched off: pending deliveries end failed, new events are not delivered, redelivery refused; on again: delivered', async () => {
      const secret = secretOf();
      // failing until switched on again (the 4th request on)
      const { url, path } = receiver.endpoint(secret, (n) => (n <= 3 ? 503 : 200));
      const sub = await subscribe(url, ['fault.created'], secret);
      await emit(t, 'fault.created', { n: 1 });
      await waitFor(() => receiver.at(path).length >= 1, 10_000, 'a first failed attempt');

      const off = await patch(sub.id, { active: false, expectedVersion: 1 });
      expect(off.body).toMatchObject({ active: false, version: 2 });
      const [first] = (await deliveriesOf(sub.id)).items;
      expect(first).toMatchObject({ status: 'failed', lastError: 'subscription deactivated' });
      const hitsWhenOff = receiver.at(path).length;

      const skipped = await emit(t, 'fault.created', { n: 2 });
      await waitFor(
        async () => (await t.dataSource.query(`SELECT relayed_at FROM outbox_events WHERE id = $1`, [skipped]))[0].relayed_at,
        10_000,
        'the event relayed',
      );
      expect((await deliveriesOf(sub.id)).total).toBe(1);
      const refused = await t.http().post(`/api/v1/webhooks/${sub.id}/deliveries/${first.id}/redeliver`).set(admin());
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('WEBHOOK_INACTIVE');

      await patch(sub.id, { active: true, expectedVersion: 2 }).expect(200);
      while (receiver.at(path).length < 3) {
        // let the receiver's script reach "200" with pings (not deliveries)
        await t.http().post(`/api/v1/webhooks/${sub.id}/ping`).set(admin()).expect(200);
      }
      const third = await emit(t, 'fault.created', { n: 3 });
      await settled([sub.id]);
      // (an attempt already on its way when it was switched off may still have arrived: only what came after counts)
      const after = receiver.at(path).slice(hitsWhenOff);
      expect(after.filter((h) => h.body.id === skipped)).toEqual([]);
      expect(after.filter((h) => h.body.id === third).map((h) => h.status)).toEqual([200]);
      expect((await auditsOf(sub.id)).filter((x) => x.action === 'webhook.updated').map((x) => x.changes.active)).toEqual([
        { from: true, to: false },
        { from: false, to: true },
      ]);
    });
  });

  describe('POST /webhooks/:id/ping', () => {
    it('sends a signed ping now and answers what the receiver said; nothing is stored but the audit row', async () => {
      const secret = secretOf();
      const { url, path } = receiver.endpoint(secret);
      const sub = await subscribe(url, ['sla.breached'], secret);
      const res = await t.http().post(`/api/v1/webhooks/${sub.id}/ping`).set(admin()).send();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        delivered: true,
        statusCode: 200,
        error: null,
        durationMs: expect.any(Number),
      });
      const [hit] = receiver.at(path);
      expect(hit.body).toEqual({
        id: res.body.eventId,
        type: 'ping',
        occurredAt: expect.any(String),
        data: { subscriptionId: sub.id, events: ['sla.breached'], active: true, requestedBy: t.admin.id },
      });
      expect(hit.headers).toMatchObject({ 'x-focusone-event': 'ping', 'x-focusone-delivery': res.body.deliveryId });
      expect(hit.signatureOk).toBe(true);
      expect(verdicts(hit, secret)).toEqual({ v1: true, v1New: false, v2: true });
      expect((await deliveriesOf(sub.id)).total).toBe(0);
      expect((await auditsOf(sub.id)).at(-1)).toEqual({
        action: 'webhook.pinged',
        changes: { url, delivered: true, statusCode: 200, error: null },
      });
    });

    it('reports a receiver that fails, once, without retrying', async () => {
      const secret = secretOf();
      const { url, path } = receiver.endpoint(secret, () => 500);
      const sub = await subscribe(url, ['sla.breached'], secret);
      const res = await t.http().post(`/api/v1/webhooks/${sub.id}/ping`).set(admin()).expect(200);
      expect(res.body).toMatchObject({ delivered: false, statusCode: 500, error: 'HTTP 500' });
      expect(receiver.at(path)).toHaveLength(1);
      expect((await t.http().post(`/api/v1/webhooks/${MISSING}/ping`).set(admin())).status).toBe(404);
    });
  });

  describe('POST /webhooks/:id/deliveries/:deliveryId/redeliver', () => {
    it('queues a new delivery of the same event: same body bytes and event id, a new delivery id, audited, once per Idempotency-Key', async () => {
      const secret = secretOf();
      const { url, path } = receiver.endpoint(secret);
      const sub = await subscribe(url, ['fault.created'], secret);
      const eventId = await emit(t, 'fault.created', { caseNo: 'FLT-20261130-000001', title: '专线中断' });
      await settled([sub.id]);
      const [original] = (await deliveriesOf(sub.id)).items;
      expect(original.status).toBe('delivered');

      const key = unique('redeliver-');
      const redeliver = () =>
        t.http().post(`/api/v1/webhooks/${sub.id}/deliveries/${original.id}/redeliver`).set(admin()).set('Idempotency-Key', key);
      const res = await redeliver();
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ eventId, eventType: 'fault.created', status: 'pending', attempts: 0, redeliveryOf: original.id });
      expect(res.body.id).not.toBe(original.id);
      const again = await redeliver();
      expect(again.status).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(res.body.id);

      await waitFor(() => receiver.at(path).length === 2, 10_000, 'the redelivery');
      await settled([sub.id]);
      const [first, second] = receiver.at(path);
      expect(second.raw.equals(first.raw)).toBe(true);
      expect(second.body.id).toBe(eventId);
      expect(second.headers['x-focusone-delivery']).toBe(res.body.id);
      expect(first.headers['x-focusone-delivery']).toBe(original.id);
      expect(second.signatureOk).toBe(true);
      expect(receiver.at(path)).toHaveLength(2);

      const page = await deliveriesOf(sub.id);
      expect(page.total).toBe(2);
      expect(page.items.find((d: { id: string }) => d.id === res.body.id)).toMatchObject({
        status: 'delivered',
        attempts: 1,
        redeliveryOf: original.id,
      });
      expect((await auditsOf(sub.id)).filter((x) => x.action === 'webhook.redelivered')).toEqual([
        {
          action: 'webhook.redelivered',
          changes: { deliveryId: original.id, redeliveryId: res.body.id, eventId, eventType: 'fault.created' },
        },
      ]);
    });

    it('refuses a delivery still pending (409), an unknown one or another subscription’s (404)', async () => {
      const secret = secretOf();
      const failing = receiver.endpoint(secret, () => 503);
      const sub = await subscribe(failing.url, ['fault.created'], secret);
      const other = await subscribe(receiver.endpoint(secret).url, ['sla.breached'], secret);
      await emit(t, 'fault.created', { n: 1 });
      const pending = await waitFor(async () => (await deliveriesOf(sub.id)).items[0], 10_000, 'the pending delivery');
      const post = (subId: string, deliveryId: string) =>
        t.http().post(`/api/v1/webhooks/${subId}/deliveries/${deliveryId}/redeliver`).set(admin());

      const busy = await post(sub.id, pending.id);
      expect(busy.status).toBe(409);
      expect(busy.body.code).toBe('WEBHOOK_DELIVERY_PENDING');
      expect((await post(sub.id, MISSING)).body.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
      expect((await post(other.id, pending.id)).status).toBe(404);
      expect((await post(MISSING, pending.id)).body.code).toBe('WEBHOOK_NOT_FOUND');
      expect((await deliveriesOf(sub.id)).total).toBe(1);
    });
  });

  describe('secret rotation with an overlap', () => {
    it('signs with both secrets during the overlap (a receiver with the old secret verifies V1 and V2), then with the new one only', async () => {
      const old = secretOf();
      // The receiver keeps the old secret: its own V1 check (signatureOk) is what an unchanged receiver does.
      const { url, path } = receiver.endpoint(old);
      const sub = await subscribe(url, ['fault.created'], old);

      const rotated = await t
        .http()
        .post(`/api/v1/webhooks/${sub.id}/rotate-secret`)
        .set(admin())
        .send({ expectedVersion: 1, overlapSeconds: 3 });
      expect(rotated.status).toBe(200);
      const fresh: string = rotated.body.secret;
      expect(fresh).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(rotated.body).toMatchObject({
        version: 2,
        secretHint: `…${fresh.slice(-4)}`,
        previousSecretHint: `…${old.slice(-4)}`,
        previousSecretExpiresAt: expect.any(String),
      });
      // shown once: never again
      const read = (await t.http().get(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(200)).body;
      expect(read).not.toHaveProperty('secret');
      expect(JSON.stringify(read)).not.toContain(fresh);
      expect(read.previousSecretHint).toBe(`…${old.slice(-4)}`);
      const listed = (await t.http().get('/api/v1/webhooks').set(admin()).expect(200)).body.items;
      expect(listed.find((w: { id: string }) => w.id === sub.id)).toEqual(read);
      // a retried rotation does not rotate twice
      const retried = await t
        .http()
        .post(`/api/v1/webhooks/${sub.id}/rotate-secret`)
        .set(admin())
        .send({ expectedVersion: 1, overlapSeconds: 3 });
      expect(retried.status).toBe(409);
      expect(retried.body.code).toBe('STALE_VERSION');
      const [audit] = (await auditsOf(sub.id)).filter((x) => x.action === 'webhook.secret_rotated');
      expect(audit.changes).toMatchObject({ signingKeyHint: { from: `…${old.slice(-4)}`, to: `…${fresh.slice(-4)}` }, overlapSeconds: 3 });
      expect(JSON.stringify(audit)).not.toContain(old);
      expect(JSON.stringify(audit)).not.toContain(fresh);

      // during the overlap
      await emit(t, 'fault.created', { n: 1 });
      const [during] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 10_000, 'a delivery during the overlap');
      expect(during.signatureOk).toBe(true);
      expect(verdicts(during, old)).toEqual({ v1: true, v1New: false, v2: true });
      expect(verdicts(during, fresh)).toEqual({ v1: false, v1New: true, v2: true });
      expect(String(during.headers['x-focusone-signature-v2']).match(/v1=/g)).toHaveLength(2);

      // after it, by PostgreSQL's clock (the one the sender asks)
      await waitFor(
        async () =>
          (
            await t.dataSource.query(`SELECT previous_secret_expires_at < now() AS over FROM webhook_subscriptions WHERE id = $1`, [sub.id])
          )[0].over,
        10_000,
        'the end of the overlap',
      );
      await emit(t, 'fault.created', { n: 2 });
      const after = await waitFor(() => receiver.at(path).length === 2 && receiver.at(path)[1], 10_000, 'a delivery after the overlap');
      expect(after.signatureOk).toBe(false);
      expect(verdicts(after, old)).toEqual({ v1: false, v1New: false, v2: false });
      expect(verdicts(after, fresh)).toEqual({ v1: true, v1New: false, v2: true });
      expect(after.headers).not.toHaveProperty('x-focusone-signature-new');
      const now = (await t.http().get(`/api/v1/webhooks/${sub.id}`).set(admin()).expect(200)).body;
      expect(now).toMatchObject({ previousSecretHint: null, previousSecretExpiresAt: null });
    });

    it('takes a secret of the caller’s choosing, or no overlap at all; refuses a bad overlap or the same secret', async () => {
      const old = secretOf();
      const { url, path } = receiver.endpoint(old);
      const sub = await subscribe(url, ['fault.created'], old);
      const rotate = (body: object) => t.http().post(`/api/v1/webhooks/${sub.id}/rotate-secret`).set(admin()).send(body);
      for (const [body, field] of [
        [{ expectedVersion: 1, overlapSeconds: 7 * 86_400 + 1 }, 'overlapSeconds'],
        [{ expectedVersion: 1, overlapSeconds: -1 }, 'overlapSeconds'],
        [{ expectedVersion: 1, secret: 'short' }, 'secret'],
        [{ expectedVersion: 1, secret: old }, 'secret'],
        [{ overlapSeconds: 60 }, 'expectedVersion'],
      ] as const) {
        const res = await rotate(body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      const chosen = secretOf();
      const res = await rotate({ expectedVersion: 1, overlapSeconds: 0, secret: chosen });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ secret: chosen, previousSecretHint: null, previousSecretExpiresAt: null, version: 2 });
      await emit(t, 'fault.created', { n: 1 });
      const [hit] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 10_000, 'the delivery');
      expect(verdicts(hit, chosen)).toEqual({ v1: true, v1New: false, v2: true });
      expect(verdicts(hit, old)).toEqual({ v1: false, v1New: false, v2: false });
    });
  });

  describe('the timestamped V2 signature', () => {
    it('signs "<timestamp>.<body>" at send time; a receiver that checks the time and the event id refuses a replay', async () => {
      const secret = secretOf();
      const { url, path } = receiver.endpoint(secret);
      await subscribe(url, ['sla.breached'], secret);
      const before = Math.floor(Date.now() / 1000);
      await emit(t, 'sla.breached', { n: 1 });
      const [hit] = await waitFor(() => receiver.at(path).length === 1 && receiver.at(path), 10_000, 'the delivery');
      const timestamp = Number(hit.headers['x-focusone-timestamp']);
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect(hit.headers['x-focusone-signature-v2']).toMatch(new RegExp(`^t=${timestamp},v1=[0-9a-f]{64}$`));

      // The README's receiver: V2 within 5 minutes, and each event id handled once.
      const seen = new Set<string>();
      const receive = (h: Pick<Hit, 'raw' | 'headers'>, nowSeconds: number) => {
        const verdict = verifyV2(h.raw, secret, h.headers['x-focusone-signature-v2'] as string, 300, nowSeconds);
        if (!verdict.ok) return verdict.reason;
        const { id } = JSON.parse(h.raw.toString('utf8')) as { id: string };
        if (seen.has(id)) return 'duplicate';
        seen.add(id);
        return 'accepted';
      };
      expect(receive(hit, timestamp + 1)).toBe('accepted');
      // the same request again: now, an hour later, or with a fresh timestamp put in by whoever captured it
      expect(receive(hit, timestamp + 2)).toBe('duplicate');
      expect(receive(hit, timestamp + 3600)).toBe('too_old');
      const forged = String(hit.headers['x-focusone-signature-v2']).replace(`t=${timestamp}`, `t=${timestamp + 3600}`);
      expect(receive({ raw: hit.raw, headers: { ...hit.headers, 'x-focusone-signature-v2': forged } }, timestamp + 3600)).toBe('signature');
    });
  });

  describe('filters by region and customer tier', () => {
    it('delivers to each subscription only the events of its regions (or under them) and its customers’ tiers', async () => {
      const director = await t.staff(['director'], ['CN']);
      const agent = await t.staff(['agent'], ['CN']);
      const customer = async (body: Record<string, unknown>) =>
        (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody(body)).expect(201)).body as { id: string };
      const keyFoshan = await customer({ tier: 'key' });
      const strategicBeijing = await customer({
        tier: 'strategic',
        homeRegion: '110105',
        sites: [{ name: '北京办事处', region: '110105', address: '北京市朝阳区建国路1号' }],
      });

      const events: EventType[] = ['fault.created', 'order.created', 'bill.issued'];
      const secret = secretOf();
      const make = async (filters: Record<string, unknown>) => {
        const endpoint = receiver.endpoint(secret);
        return { ...endpoint, sub: await subscribe(endpoint.url, events, secret, filters) };
      };
      const foshan = await make({ regions: ['440600'] });
      const guangdong = await make({ regions: ['440000'] });
      const chaoyang = await make({ regions: ['110105'] });
      const strategic = await make({ customerTiers: ['strategic'] });
      const keyInFoshan = await make({ regions: ['440600'], customerTiers: ['key'] });
      const everything = await make({});

      // a real fault (its region is the customer's home, 440605), and events as the other modules write them
      const fault = (await t.http().post('/api/v1/faults').set(bearer(agent)).send(faultBody(keyFoshan.id)).expect(201)).body;
      const [realFault] = await t.dataSource.query(`SELECT id FROM outbox_events WHERE data->>'faultId' = $1`, [fault.id]);
      const e = {
        fault: realFault.id as string,
        beijing: await emit(t, 'fault.created', { region: '110105', customerId: strategicBeijing.id }),
        order: await emit(t, 'order.created', { acceptedRegion: '440600', customerId: strategicBeijing.id }),
        bill: await emit(t, 'bill.issued', { customerId: keyFoshan.id }),
        noCustomer: await emit(t, 'fault.created', { region: '440605', customerId: null }),
      };
      const all = [foshan, guangdong, chaoyang, strategic, keyInFoshan, everything];
      await settled(all.map((s) => s.sub.id));
      const got = (s: { path: string }) =>
        receiver
          .at(s.path)
          .map((h) => h.body.id)
          .sort();
      const expected = (...ids: string[]) => ids.sort();
      expect(got(foshan)).toEqual(expected(e.fault, e.order, e.noCustomer));
      expect(got(guangdong)).toEqual(expected(e.fault, e.order, e.noCustomer));
      expect(got(chaoyang)).toEqual(expected(e.beijing));
      expect(got(strategic)).toEqual(expected(e.beijing, e.order));
      expect(got(keyInFoshan)).toEqual(expected(e.fault));
      expect(got(everything)).toEqual(expected(...Object.values(e)));
      expect(receiver.at(foshan.path).every((h) => h.signatureOk)).toBe(true);

      // a filter removed by PATCH: everything from the next event on
      await patch(foshan.sub.id, { regions: null, expectedVersion: 1 }).expect(200);
      const later = await emit(t, 'bill.issued', { customerId: strategicBeijing.id });
      await settled([foshan.sub.id]);
      expect(got(foshan)).toEqual(expected(e.fault, e.order, e.noCustomer, later));
    });
  });
});

describe('webhooks: PATCH and ping behind the SSRF guard (private targets refused, the production default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it.each([
    ['http://127.0.0.1:1/x', 'loopback'],
    ['http://169.254.169.254/latest', 'linkLocal'],
    ['http://10.0.0.1/', 'private'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
  ])('refuses a PATCH to %s with 400 on the url field, as creation does', async (url, why) => {
    // A subscription accepted earlier, to a public address (the row is written directly: no DNS here).
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO webhook_subscriptions (url, events, secret) VALUES ('https://203.0.113.10/hooks', '{fault.created}', $1) RETURNING id`,
      [secretOf()],
    );
    const res = await t.http().patch(`/api/v1/webhooks/${id}`).set(bearer(t.admin)).send({ url, expectedVersion: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
    expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringContaining(why) }]);
    const [row] = await t.dataSource.query(`SELECT url, version FROM webhook_subscriptions WHERE id = $1`, [id]);
    expect(row).toEqual({ url: 'https://203.0.113.10/hooks', version: 1 });
  });

  it('pings through the guard too: a URL that turned private is refused, not posted to', async () => {
    const secret = secretOf();
    const { url, path } = receiver.endpoint(secret);
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO webhook_subscriptions (url, events, secret) VALUES ($1, '{fault.created}', $2) RETURNING id`,
      [url, secret],
    );
    const res = await t.http().post(`/api/v1/webhooks/${id}/ping`).set(bearer(t.admin)).expect(200);
    expect(res.body).toMatchObject({ delivered: false, statusCode: null, error: expect.stringContaining('loopback') });
    expect(receiver.at(path)).toHaveLength(0);
  });
});
