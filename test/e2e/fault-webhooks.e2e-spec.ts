import { customerBody, faultBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';

/** The alert consumers' view: signed webhooks for a fault's life and its SLA, on time. */
describe('fault events and SLA alerts over signed webhooks', () => {
  let t: TestApp;
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200', SLA_SWEEP_SECONDS: '1' });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('delivers fault.created, sla.warning then sla.breached on time, and fault.state_changed, all signed', async () => {
    const secret = 'whsec-fault-alerts-0123456789';
    const hook = receiver.endpoint(secret);
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(t.admin))
      .send({ url: hook.url, events: ['fault.created', 'fault.state_changed', 'sla.warning', 'sla.breached'], secret })
      .expect(201);
    // response due 2 s after opening, warning at 50 %
    await t
      .http()
      .put('/api/v1/sla/policies/fault:P1')
      .set(bearer(t.admin))
      .send({ responseSeconds: 2, resolutionSeconds: 3600, warnAtPercent: 50 })
      .expect(200);
    const director = await t.staff(['director'], ['440000']);
    const c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ tier: 'key' }))
        .expect(201)
    ).body;
    const fault = (
      await t
        .http()
        .post('/api/v1/faults')
        .set(bearer(director))
        .send(faultBody(c.id, { title: '核心专线中断' }))
        .expect(201)
    ).body;
    expect(fault.priority).toBe('P1');

    const types = () => receiver.at(hook.path).map((h) => h.body.type);
    await waitFor(async () => types().includes('sla.breached'), 10_000, 'sla.breached webhook');
    await t.http().post(`/api/v1/faults/${fault.id}/transitions`).set(bearer(director)).send({ to: 'in_progress' }).expect(200);
    await waitFor(async () => types().includes('fault.state_changed'), 10_000, 'state change webhook');

    const hits = receiver.at(hook.path);
    expect(types()).toEqual(['fault.created', 'sla.warning', 'sla.breached', 'fault.state_changed']);
    for (const h of hits) {
      expect(h.signatureOk).toBe(true);
      expect(h.headers['x-focusone-event']).toBe(h.body.type);
      expect(h.headers['x-focusone-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(h.body).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    }
    expect(new Set(hits.map((h) => h.headers['x-focusone-delivery'])).size).toBe(hits.length);
    const [warning, breached] = hits
      .slice(1, 3)
      .map((h) => h.body.data as { caseNo: string; dueAt: string; raisedAt: string; clock: string });
    expect(warning).toMatchObject({ caseNo: fault.caseNo, clock: 'response' });
    const due = new Date(fault.sla.responseDueAt).getTime();
    expect(new Date(breached.dueAt).getTime()).toBe(due);
    expect(new Date(warning.dueAt).getTime()).toBe(due - 1000);
    // raised on time (the delivery itself may trail by the relay poll)
    expect(new Date(breached.raisedAt).getTime() - due).toBeLessThan(1000);
    expect(new Date(warning.raisedAt).getTime() - (due - 1000)).toBeLessThan(1000);
  });
});
