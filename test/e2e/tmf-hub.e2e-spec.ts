import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import { QueueName } from '../../src/queues/queue-names';
import { verifyV2 } from '../../src/webhooks/delivery-protocol';
import { creditCode, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { Receiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait';
import { waitForDeliveriesSettled } from '../support/webhooks';

const HUB = '/tmf-api/customerManagement/v4/hub';
const CUSTOMERS = '/tmf-api/customerManagement/v4/customer';

const tmfCustomer = (name: string) => ({
  name,
  characteristic: [
    { name: 'creditCode', value: creditCode() },
    { name: 'tier', value: 'key' },
    { name: 'industry', value: 'government' },
    { name: 'homeRegion', value: '440605' },
    { name: 'greenChannel', value: false },
  ],
  contactMedium: [{ mediumType: 'mobile', characteristic: { contactType: 'primary', contactName: '李娜', phoneNumber: mobile() } }],
});

const receiver = new Receiver();

/** The TMF629 hub: subscriptions over the webhook machinery, events in the TMF v4 envelope, signed, to a local listener. */
describe('TMF hub (TMF629 events)', () => {
  let t: TestApp;
  let director: StaffLogin;

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200', WEBHOOK_RETRY_BASE_MS: '100' });
    director = await t.staff(['director'], ['440000']);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const settled = (ids: string[]) =>
    waitForDeliveriesSettled(
      (sql, params) => t.dataSource.query(sql, params),
      t.app.get<Queue>(getQueueToken(QueueName.webhooks)),
      ids,
      20_000,
    );

  it('subscribes with a query, delivers only the chosen type in the TMF envelope, signed with the drawn secret', async () => {
    const { url, path } = receiver.endpoint('unused');
    const sub = await t.http().post(HUB).set(bearer(t.admin)).send({ callback: url, query: 'eventType=CustomerCreateEvent' }).expect(201);
    expect(sub.body).toEqual({
      id: expect.any(String),
      callback: url,
      query: 'eventType=CustomerCreateEvent',
      secret: expect.stringMatching(/^whsec_/),
    });

    const created = (
      await t
        .http()
        .post(CUSTOMERS)
        .set(bearer(director))
        .send(tmfCustomer(`订阅测试${unique()}`))
        .expect(201)
    ).body;
    await t
      .http()
      .patch(`${CUSTOMERS}/${created.id}`)
      .set(bearer(director))
      .send({ name: `改名${unique()}` })
      .expect(200);
    await settled([sub.body.id]);

    const hits = receiver.at(path);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit.headers['x-focusone-event']).toBe('CustomerCreateEvent');
    const expected = `sha256=${createHmac('sha256', sub.body.secret).update(hit.raw).digest('hex')}`;
    expect(hit.headers['x-focusone-signature']).toBe(expected);
    expect(verifyV2(hit.raw, sub.body.secret, String(hit.headers['x-focusone-signature-v2'])).ok).toBe(true);
    const body = JSON.parse(hit.raw.toString('utf8'));
    expect(Object.keys(body).sort()).toEqual(['event', 'eventId', 'eventTime', 'eventType']);
    expect(body).toMatchObject({ eventType: 'CustomerCreateEvent', eventTime: expect.stringMatching(/Z$/) });
    expect(body.eventId).toMatch(/^[0-9a-f-]{36}$/);
    // the customer as the facade renders it, mobiles masked whoever subscribed
    expect(body.event.customer).toMatchObject({
      id: created.id,
      href: expect.stringContaining(`${CUSTOMERS}/${created.id}`),
      '@type': 'Customer',
    });
    expect(body.event.customer.contactMedium[0].characteristic.phoneNumber).toMatch(/\*{4}/);
    expect(body.event.customer.engagedParty).toEqual(created.engagedParty);
  });

  it('sends every type without a query: create, attribute change, state change; a retry resends the same bytes', async () => {
    const secret = `whsec-${unique()}-0123456789`;
    const { url, path } = receiver.endpoint(secret, (n) => (n === 1 ? 500 : 200));
    const sub = await t.http().post(HUB).set(bearer(t.admin)).send({ callback: url, secret }).expect(201);
    expect(sub.body).toEqual({ id: expect.any(String), callback: url, query: null });

    const c = (
      await t
        .http()
        .post(CUSTOMERS)
        .set(bearer(director))
        .send(tmfCustomer(`全部事件${unique()}`))
        .expect(201)
    ).body;
    await t
      .http()
      .patch(`${CUSTOMERS}/${c.id}`)
      .set(bearer(director))
      .send({ characteristic: [{ name: 'industry', value: 'energy' }] })
      .expect(200);
    await t.http().post(`/api/v1/customers/${c.id}/archive`).set(bearer(director)).send({ reason: '合同终止' }).expect(200);
    await settled([sub.body.id]);

    const hits = receiver.at(path);
    expect(hits.every((h) => h.signatureOk)).toBe(true);
    // one delivery's first attempt answered 500: it came again, the same delivery, the same bytes
    const byDelivery = new Map<string, typeof hits>();
    for (const h of hits)
      byDelivery.set(String(h.headers['x-focusone-delivery']), [...(byDelivery.get(String(h.headers['x-focusone-delivery'])) ?? []), h]);
    const twice = [...byDelivery.values()].filter((list) => list.length === 2);
    expect(twice).toHaveLength(1);
    expect(twice[0][0].raw.equals(twice[0][1].raw)).toBe(true);
    expect(byDelivery.size).toBe(3);
    const bodies = [...byDelivery.values()]
      .map((list) => JSON.parse(list[list.length - 1].raw.toString('utf8')))
      .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
    expect(bodies.map((b) => b.eventType)).toEqual([
      'CustomerCreateEvent',
      'CustomerAttributeValueChangeEvent',
      'CustomerStateChangeEvent',
    ]);
    expect(new Set(bodies.map((b) => b.eventId)).size).toBe(3);
    const characteristic = (b: { event: { customer: { characteristic: { name: string; value: unknown }[] } } }, name: string) =>
      b.event.customer.characteristic.find((x) => x.name === name)?.value;
    expect(characteristic(bodies[1], 'industry')).toBe('energy');
    expect(bodies[2].event.customer.status).toBe('archived');

    // the webhook delivery log holds them, with the first attempt's 500
    const deliveries = (await t.http().get(`/api/v1/webhooks/${sub.body.id}/deliveries`).set(bearer(t.admin)).expect(200)).body.items;
    expect(deliveries.map((d: { eventType: string }) => d.eventType).sort()).toEqual(
      ['CustomerAttributeValueChangeEvent', 'CustomerCreateEvent', 'CustomerStateChangeEvent'].sort(),
    );
    const retried = deliveries.find((d: { attempts: number }) => d.attempts === 2);
    expect(retried.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    const webhook = (await t.http().get(`/api/v1/webhooks/${sub.body.id}`).set(bearer(t.admin)).expect(200)).body;
    expect(webhook).toMatchObject({ format: 'tmf:customerManagement', url });
  });

  it('a redelivery sends the stored message again', async () => {
    const secret = `whsec-${unique()}-0123456789`;
    const { url, path } = receiver.endpoint(secret);
    const sub = (
      await t.http().post(HUB).set(bearer(t.admin)).send({ callback: url, secret, query: 'eventType=CustomerCreateEvent' }).expect(201)
    ).body;
    await t
      .http()
      .post(CUSTOMERS)
      .set(bearer(director))
      .send(tmfCustomer(`重投${unique()}`))
      .expect(201);
    await settled([sub.id]);
    const [delivery] = (await t.http().get(`/api/v1/webhooks/${sub.id}/deliveries`).set(bearer(t.admin)).expect(200)).body.items;
    await t.http().post(`/api/v1/webhooks/${sub.id}/deliveries/${delivery.id}/redeliver`).set(bearer(t.admin)).expect(202);
    await waitFor(() => receiver.at(path).length === 2, 10_000, 'the redelivery');
    const [a, b] = receiver.at(path);
    expect(b.raw.equals(a.raw)).toBe(true);
    expect(b.signatureOk).toBe(true);
  });

  it('reads and deletes a subscription: 204, then 404; nothing more is sent', async () => {
    const secret = `whsec-${unique()}-0123456789`;
    const { url, path } = receiver.endpoint(secret);
    const sub = (await t.http().post(HUB).set(bearer(t.admin)).send({ callback: url, secret }).expect(201)).body;
    expect((await t.http().get(`${HUB}/${sub.id}`).set(bearer(t.admin)).expect(200)).body).toEqual({
      id: sub.id,
      callback: url,
      query: null,
    });
    // as TMF clients send it: a JSON content type and no body
    await t.http().delete(`${HUB}/${sub.id}`).set(bearer(t.admin)).set('content-type', 'application/json').expect(204);
    await t.http().delete(`${HUB}/${sub.id}`).set(bearer(t.admin)).expect(404);
    await t.http().get(`${HUB}/${sub.id}`).set(bearer(t.admin)).expect(404);
    await t.http().delete(`${HUB}/42`).set(bearer(t.admin)).expect(404);
    // another API's hub does not know it
    await t.http().delete(`/tmf-api/troubleTicket/v4/hub/${sub.id}`).set(bearer(t.admin)).expect(404);
    await t
      .http()
      .post(CUSTOMERS)
      .set(bearer(director))
      .send(tmfCustomer(`删除后${unique()}`))
      .expect(201);
    await settled([sub.id]);
    expect(receiver.at(path)).toHaveLength(0);
  });

  it('refuses a bad subscription with the TMF Error: a query it cannot honour, no callback, not an admin', async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await t
        .http()
        .post(HUB)
        .set(bearer(t.admin))
        .send(body as object)
        .expect(400);
      expect(res.body).toMatchObject({ '@type': 'Error', status: '400' });
      expect(res.body.message).toContain(field);
    };
    const { url } = receiver.endpoint('x');
    await bad({ query: 'eventType=CustomerCreateEvent' }, 'callback');
    await bad({ callback: url, query: 'eventType=TroubleTicketCreateEvent' }, 'query');
    await bad({ callback: url, query: 'status=active' }, 'query');
    await bad({ callback: 'ftp://example.com/x' }, 'url');
    await bad({ callback: url, secret: 'short' }, 'secret');
    await t.http().post(HUB).set(bearer(director)).send({ callback: url }).expect(403);
  });
});
