import { getQueueToken } from '@nestjs/bullmq';
import type { LoggerService } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { maskMobile } from '../../src/common/masking';
import { CustomerNotices } from '../../src/notifications/customer-notices/customer-notices';
import { chinaTime } from '../../src/notifications/message-context';
import { customerBody, faultBody, mobile, orderBody } from '../support/factories';
import { ChannelFakes } from '../support/notify-world';
import type { StaffLogin, TestApp } from '../support/test-app';
import type { Queue } from 'bullmq';
import { QueueName } from '../../src/queues/queue-names';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/**
 * The customer kept informed (issue 13 point 5; docs/ARCHITECTURE.md,
 * "Customer notices"): a fault's reporter hears when it is acknowledged
 * (number and committed time), resolved and when a call-back is due; an
 * order's contact when it is accepted and completed. Through the real relay,
 * delivery log, `notifications` queue and the `smpp` package's SMSC (which
 * decodes UCS-2 and joins segments), so each assertion is on what a phone
 * would show.
 */

const fakes = new ChannelFakes();
const ENV = { NOTIFY_QUIET_HOURS: 'off', NOTIFY_RETRY_BASE_MS: '200', OUTBOX_POLL_MS: '200' };

type Row = Record<string, any>;
class Rollback extends Error {}

/** Every line any Logger in the process writes while the suite runs (the app's own logger is off in tests). */
const logged: string[] = [];
const capture: LoggerService = {
  log: (...a: unknown[]) => void logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
  warn: (...a: unknown[]) => void logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
  error: (...a: unknown[]) => void logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
  debug: (...a: unknown[]) => void logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
  verbose: (...a: unknown[]) => void logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
};

let t: TestApp;
let agent: StaffLogin;
let fulfil: StaffLogin;
const query = (app: TestApp, sql: string, params: unknown[] = []): Promise<Row[]> => app.dataSource.query(sql, params);

beforeAll(async () => {
  await fakes.start();
  t = await startTestApp({ ...fakes.env(), ...ENV });
  Logger.overrideLogger(capture);
  agent = await t.staff(['agent'], ['440000']);
  fulfil = await t.staff(['fulfilment'], ['440000']);
  // Off duty, so no dispatcher touches these tests' faults.
  await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await fakes.stop();
}, 60_000);

async function ok(app: TestApp, method: 'post' | 'patch' | 'get', path: string, body?: object, who: { token: string } = app.admin) {
  const res = await app.http()[method](path).set(bearer(who)).send(body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A key customer in Foshan with one primary contact; returns it with that contact. */
async function customerWithContact(app: TestApp, overrides: Record<string, unknown> = {}) {
  const contactMobile = mobile();
  const c = await ok(
    app,
    'post',
    '/api/v1/customers',
    customerBody({ contacts: [{ name: '李娜', mobile: contactMobile, role: 'primary' }], ...overrides }),
  );
  return { id: c.id as string, name: c.name as string, contact: { ...c.contacts[0], mobile: contactMobile } };
}

const move = (app: TestApp, id: string, to: string) => ok(app, 'post', `/api/v1/faults/${id}/transitions`, { to }, agent);

/** The deliveries of one case's customer notices, once none is pending; optionally of one event type. */
async function noticesOf(app: TestApp, caseId: string, count: number): Promise<Row[]> {
  return waitFor(
    async () => {
      const rows = await query(
        app,
        `SELECT * FROM notification_deliveries WHERE case_id = $1 AND recipient_kind IN ('contact', 'reporter') ORDER BY created_at`,
        [caseId],
      );
      return rows.length === count && rows.every((r) => !['pending', 'failed'].includes(r.state)) ? rows : null;
    },
    60_000,
    `${count} customer notices of ${caseId} settled`,
    100,
  );
}

const timelineOf = (app: TestApp, kind: string, id: string) =>
  query(app, `SELECT type, data FROM case_timeline WHERE case_kind = $1 AND case_id = $2 AND type = 'customer_notice' ORDER BY id`, [
    kind,
    id,
  ]);

describe('a fault’s reporter is kept informed by SMS', () => {
  it('sends one SMS each when the fault is acknowledged (number, committed time), resolved and its call-back is due', async () => {
    const c = await customerWithContact(t);
    const f = await ok(
      t,
      'post',
      '/api/v1/faults',
      faultBody(c.id, { reporterMobile: c.contact.mobile, title: '政务外网专线中断' }),
      agent,
    );
    const [{ due_at: resolutionDue }] = await query(
      t,
      `SELECT due_at FROM sla_clocks WHERE case_kind = 'fault' AND case_id = $1 AND clock = 'resolution'`,
      [f.id],
    );

    const [ack] = await noticesOf(t, f.id, 1);
    expect(ack).toMatchObject({
      event_type: 'fault.created',
      recipient_kind: 'contact',
      contact_id: c.contact.id,
      channel: 'sms',
      state: 'sent',
      case_no: f.caseNo,
    });
    let sms = fakes.smsTo(c.contact.mobile);
    expect(sms).toHaveLength(1);
    expect(sms[0].text).toBe(
      `【政企客户服务】尊敬的${c.name}：您申告的故障已受理，工单号${f.caseNo}，我们承诺于${chinaTime(resolutionDue)}前修复。如有疑问请联系您的客户经理。`,
    );

    await move(t, f.id, 'in_progress');
    await move(t, f.id, 'resolved');
    const resolved = (await noticesOf(t, f.id, 2))[1];
    expect(resolved).toMatchObject({ event_type: 'fault.state_changed', state: 'sent', contact_id: c.contact.id });
    sms = fakes.smsTo(c.contact.mobile);
    expect(sms).toHaveLength(2);
    expect(sms[1].text).toBe(
      `【政企客户服务】尊敬的${c.name}：您的故障工单${f.caseNo}（政务外网专线中断）已修复。如仍有问题，请联系您的客户经理。`,
    );

    // closing makes the call-back (a key customer always gets one); the customer is told when to expect the call
    await move(t, f.id, 'closed');
    const callbackNotice = (await noticesOf(t, f.id, 3))[2];
    const [cb] = await query(t, `SELECT due_at FROM callbacks WHERE case_id = $1`, [f.id]);
    expect(callbackNotice).toMatchObject({ event_type: 'callback.created', state: 'sent', case_no: f.caseNo });
    sms = fakes.smsTo(c.contact.mobile);
    expect(sms).toHaveLength(3);
    expect(sms[2].text).toBe(
      `【政企客户服务】尊敬的${c.name}：您的工单${f.caseNo}已办结，我们将于${chinaTime(cb.due_at)}前致电回访，了解您对本次服务的评价，敬请留意来电。`,
    );
    // nothing was merged into a digest: three notices, three messages of their own
    expect(new Set([ack.digest_id, resolved.digest_id, callbackNotice.digest_id]).size).toBe(3);

    // every message on the case's timeline, written and then sent, the mobile masked
    const lines = await timelineOf(t, 'fault', f.id);
    expect(lines.map((l) => [l.data.notice, l.data.state])).toEqual([
      ['fault.acknowledged', 'queued'],
      ['fault.acknowledged', 'sent'],
      ['fault.resolved', 'queued'],
      ['fault.resolved', 'sent'],
      ['callback.due', 'queued'],
      ['callback.due', 'sent'],
    ]);
    expect(lines.every((l) => l.data.to === maskMobile(c.contact.mobile))).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(c.contact.mobile);
    // and the API shows it there, masked
    const timeline = await ok(t, 'get', `/api/v1/faults/${f.id}/timeline`, undefined, agent);
    expect(timeline.filter((e: Row) => e.type === 'customer_notice')).toHaveLength(6);
    expect(JSON.stringify(timeline)).not.toContain(c.contact.mobile);
  }, 120_000);

  it('tells a complaint’s reporter who is none of the customer’s contacts, by the mobile on the complaint', async () => {
    const c = await customerWithContact(t);
    const reporter = mobile();
    const f = await ok(
      t,
      'post',
      '/api/v1/faults',
      faultBody(c.id, { category: 'complaint', reporterName: '王强', reporterMobile: reporter }),
      agent,
    );
    const [row] = await noticesOf(t, f.id, 1);
    expect(row).toMatchObject({ recipient_kind: 'reporter', contact_id: null, recipient_name: '王强', state: 'sent' });
    expect(fakes.smsTo(reporter)).toHaveLength(1);
    expect(fakes.smsTo(reporter)[0].text).toContain(f.caseNo);
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(0);
  }, 60_000);

  it('records an opted-out contact’s notices as suppressed (opted_out), on the timeline, and never sends them', async () => {
    const c = await customerWithContact(t);
    const updated = await ok(t, 'patch', `/api/v1/customers/${c.id}/contacts/${c.contact.id}`, {
      notificationsOptOut: true,
      expectedVersion: c.contact.version,
    });
    expect(updated).toMatchObject({ notificationsOptOut: true, version: c.contact.version + 1 });
    const [audit] = await query(t, `SELECT changes FROM audit_log WHERE action = 'contact.updated' AND entity_id = $1`, [c.contact.id]);
    expect(audit.changes).toMatchObject({ notificationsOptOut: { from: false, to: true } });
    // a stale version is refused, not half-written
    const stale = await t
      .http()
      .patch(`/api/v1/customers/${c.id}/contacts/${c.contact.id}`)
      .set(bearer(t.admin))
      .send({ notificationsOptOut: false, expectedVersion: c.contact.version });
    expect(stale.status).toBe(409);
    const bad = await t
      .http()
      .patch(`/api/v1/customers/${c.id}/contacts/${c.contact.id}`)
      .set(bearer(t.admin))
      .send({ notificationsOptOut: 'yes', expectedVersion: updated.version });
    expect(bad.status).toBe(400);

    const f = await ok(t, 'post', '/api/v1/faults', faultBody(c.id, { reporterMobile: c.contact.mobile }), agent);
    const [row] = await noticesOf(t, f.id, 1);
    expect(row).toMatchObject({ state: 'suppressed', suppressed_reason: 'opted_out', digest_id: null, contact_id: c.contact.id });
    // a later fault of another customer is sent: the pipeline ran past this one
    const other = await customerWithContact(t);
    await ok(t, 'post', '/api/v1/faults', faultBody(other.id, { reporterMobile: other.contact.mobile }), agent);
    await waitFor(() => fakes.smsTo(other.contact.mobile).length === 1, 60_000, 'the other customer’s SMS');
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(0);
    const lines = await timelineOf(t, 'fault', f.id);
    expect(lines.map((l) => l.data)).toEqual([
      expect.objectContaining({ notice: 'fault.acknowledged', state: 'suppressed', reason: 'opted_out', to: maskMobile(c.contact.mobile) }),
    ]);
    // two changes of the flag at once from the same version: one wins, the other is told it is stale
    const race = await Promise.all(
      [false, true].map((flag) =>
        t
          .http()
          .patch(`/api/v1/customers/${c.id}/contacts/${c.contact.id}`)
          .set(bearer(t.admin))
          .send({ notificationsOptOut: flag, expectedVersion: updated.version }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    const [{ version: raced }] = await query(t, `SELECT version FROM customer_contacts WHERE id = $1`, [c.contact.id]);
    expect(raced).toBe(updated.version + 1);
    // a contact created opted out is so from the start
    const created = await ok(t, 'post', `/api/v1/customers/${c.id}/contacts`, {
      name: '赵敏',
      mobile: mobile(),
      role: 'technical',
      notificationsOptOut: true,
    });
    expect(created.notificationsOptOut).toBe(true);
  }, 90_000);
});

describe('an order’s contact is told when it is accepted and when it completes', () => {
  it('sends “accepted” with the committed completion time, then “completed”, to the primary contact, on the order’s timeline', async () => {
    const c = await customerWithContact(t, {
      contacts: [
        { name: '钱工', mobile: mobile(), role: 'technical' },
        { name: '李娜', mobile: mobile(), role: 'primary' },
      ],
    });
    const primary = (await ok(t, 'get', `/api/v1/customers/${c.id}`)).contacts.find((k: Row) => k.role === 'primary');
    const [{ mobile: primaryMobile }] = await query(t, `SELECT mobile FROM customer_contacts WHERE id = $1`, [primary.id]);
    const site = (await ok(t, 'get', `/api/v1/customers/${c.id}`)).sites[0];
    const order = await ok(t, 'post', '/api/v1/orders', orderBody(c.id, [site.id]), agent);
    const [accepted] = await noticesOf(t, order.id, 1);
    expect(accepted).toMatchObject({ event_type: 'order.created', contact_id: primary.id, state: 'sent' });
    const [{ committed_completion_at: committed }] = await query(t, `SELECT committed_completion_at FROM orders WHERE id = $1`, [order.id]);
    expect(fakes.smsTo(primaryMobile).map((m) => m.text)).toEqual([
      `【政企客户服务】尊敬的${c.name}：您的订单${order.caseNo}已受理，预计于${chinaTime(committed)}前完成。`,
    ]);

    const workOrders = await waitFor(
      async () => {
        const o = await ok(t, 'get', `/api/v1/orders/${order.id}`);
        return o.workOrders.every((w: Row) => w.state === 'dispatched') ? o.workOrders : null;
      },
      30_000,
      'work orders dispatched',
    );
    for (const w of workOrders) {
      await ok(t, 'post', `/api/v1/work-orders/${w.id}/transitions`, { to: 'in_progress' }, fulfil);
      await ok(t, 'post', `/api/v1/work-orders/${w.id}/transitions`, { to: 'completed' }, fulfil);
    }
    const completed = (await noticesOf(t, order.id, 2))[1];
    expect(completed).toMatchObject({ event_type: 'order.state_changed', state: 'sent' });
    expect(fakes.smsTo(primaryMobile)[1].text).toBe(`【政企客户服务】尊敬的${c.name}：您的订单${order.caseNo}已全部完成，感谢您的支持。`);
    const lines = await timelineOf(t, 'order', order.id);
    expect(lines.map((l) => [l.data.notice, l.data.state])).toEqual([
      ['order.accepted', 'queued'],
      ['order.accepted', 'sent'],
      ['order.completed', 'queued'],
      ['order.completed', 'sent'],
    ]);
  }, 120_000);
});

describe('exactly once per (event, contact)', () => {
  it('sends nothing more when the event is relayed again or handed to the consumer again', async () => {
    const c = await customerWithContact(t);
    const f = await ok(t, 'post', '/api/v1/faults', faultBody(c.id, { reporterMobile: c.contact.mobile, severity: 'minor' }), agent);
    const [row] = await noticesOf(t, f.id, 1);
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(1);
    const [event] = await query(t, `SELECT id, type, data FROM outbox_events WHERE id = $1`, [row.event_id]);

    // the relay takes it again (as after a crash between sending webhooks and marking it relayed)
    await query(t, `UPDATE outbox_events SET relayed_at = NULL WHERE id = $1`, [event.id]);
    await waitFor(
      async () => (await query(t, `SELECT relayed_at FROM outbox_events WHERE id = $1`, [event.id]))[0].relayed_at !== null,
      30_000,
      'relayed again',
    );
    // and a consumer handed it twice in one go (two relays that both believed it theirs)
    const after = await t.dataSource.transaction((em) =>
      t.app.get(CustomerNotices).consumeIn(em, [
        { id: event.id, type: event.type, data: event.data },
        { id: event.id, type: event.type, data: event.data },
      ]),
    );
    expect(after).toEqual([]);
    // a later notice to someone else has gone, so the pipeline is past any second send
    const other = await customerWithContact(t);
    await ok(t, 'post', '/api/v1/faults', faultBody(other.id, { reporterMobile: other.contact.mobile }), agent);
    await waitFor(() => fakes.smsTo(other.contact.mobile).length === 1, 60_000, 'the other customer’s SMS');

    expect(await query(t, `SELECT id FROM notification_deliveries WHERE case_id = $1`, [f.id])).toHaveLength(1);
    expect(await query(t, `SELECT id FROM notification_digests WHERE recipient_key LIKE $1`, [`%:${event.id}`])).toHaveLength(1);
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(1);
    expect((await timelineOf(t, 'fault', f.id)).map((l) => l.data.state)).toEqual(['queued', 'sent']);

    // a new event handed twice in one batch (before any relay saw it) makes one row, one digest, one line
    const fresh = await customerWithContact(t);
    const g = await ok(t, 'post', '/api/v1/faults', faultBody(fresh.id, { reporterMobile: fresh.contact.mobile }), agent);
    const [gRow] = await noticesOf(t, g.id, 1);
    await t.dataSource
      .transaction(async (em) => {
        await em.query(`DELETE FROM case_timeline WHERE case_id = $1 AND type = 'customer_notice'`, [g.id]);
        await em.query(`DELETE FROM notification_deliveries WHERE id = $1`, [gRow.id]);
        const [gEvent] = await em.query(`SELECT id, type, data FROM outbox_events WHERE id = $1`, [gRow.event_id]);
        const work = await t.app.get(CustomerNotices).consumeIn(em, [gEvent, gEvent]);
        expect(work).toHaveLength(1);
        expect(await em.query(`SELECT id FROM notification_deliveries WHERE case_id = $1`, [g.id])).toHaveLength(1);
        expect(await em.query(`SELECT id FROM case_timeline WHERE case_id = $1 AND type = 'customer_notice'`, [g.id])).toHaveLength(1);
        // rolled back: this was only to look
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
  }, 120_000);
});

describe('masking', () => {
  it('shows the delivery log’s customer rows with the mobile masked, and no log line holds a customer’s mobile', async () => {
    const c = await customerWithContact(t);
    const f = await ok(t, 'post', '/api/v1/faults', faultBody(c.id, { reporterMobile: c.contact.mobile }), agent);
    const [row] = await noticesOf(t, f.id, 1);
    const page = await ok(t, 'get', '/api/v1/notifications/deliveries?channel=sms&limit=200');
    const item = page.items.find((d: Row) => d.id === row.id);
    expect(item.recipient).toMatchObject({ kind: 'contact', contactId: c.contact.id, address: maskMobile(c.contact.mobile) });
    expect(JSON.stringify(page)).not.toContain(c.contact.mobile);

    // the logs of the whole suite: the notices were logged (masked), never a full mobile of any contact or reporter
    const mobiles = (
      await query(t, `SELECT DISTINCT address FROM notification_deliveries WHERE recipient_kind IN ('contact', 'reporter')`)
    ).map((r) => r.address as string);
    expect(mobiles.length).toBeGreaterThan(5);
    expect(logged.some((l) => l.includes(`to ${maskMobile(c.contact.mobile)}`))).toBe(true);
    for (const m of mobiles) expect(logged.filter((l) => l.includes(m))).toEqual([]);
    const audits = await query(t, `SELECT changes FROM audit_log WHERE entity = 'contact' OR action LIKE 'customer.%'`);
    for (const m of mobiles) expect(JSON.stringify(audits)).not.toContain(m);
  }, 60_000);
});

describe('quiet hours', () => {
  let q: TestApp;
  beforeAll(async () => {
    // Quiet from an hour ago to an hour from now, China time: whenever the test runs, it runs in them.
    const hhmm = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
    q = await startTestApp({
      ...fakes.env(),
      ...ENV,
      NOTIFY_QUIET_HOURS: `${hhmm(Date.now() - 3_600_000)}-${hhmm(Date.now() + 3_600_000)}`,
    });
  }, 120_000);
  afterAll(() => q?.close(), 60_000);

  it('holds a P2 notice until the quiet hours end (pending, on the timeline as held), and sends a P1 at once', async () => {
    const c = await customerWithContact(q);
    const p2 = await ok(q, 'post', '/api/v1/faults', faultBody(c.id, { reporterMobile: c.contact.mobile, severity: 'major' }));
    const p1Reporter = mobile();
    const p1 = await ok(q, 'post', '/api/v1/faults', faultBody(c.id, { reporterMobile: p1Reporter, severity: 'critical' }));
    const priorities = await query(q, `SELECT id, priority FROM case_index WHERE id = ANY ($1::uuid[])`, [[p1.id, p2.id]]);
    expect(Object.fromEntries(priorities.map((r) => [r.id, r.priority]))).toEqual({ [p1.id]: 1, [p2.id]: 2 });

    await noticesOf(q, p1.id, 1);
    expect(fakes.smsTo(p1Reporter)).toHaveLength(1);
    const [held] = await waitFor(
      async () => {
        const rows = await query(
          q,
          `SELECT n.state, n.digest_id, d.next_attempt_at, d.state AS digest_state FROM notification_deliveries n JOIN notification_digests d ON d.id = n.digest_id
            WHERE n.case_id = $1`,
          [p2.id],
        );
        return rows.length ? rows : null;
      },
      30_000,
      'the held notice',
    );
    expect(held).toMatchObject({ state: 'pending', digest_state: 'pending' });
    // the end of the quiet hours: the next whole minute an hour from now (give or take the minute the test started in)
    const endsIn = new Date(held.next_attempt_at).getTime() - Date.now();
    expect(endsIn).toBeGreaterThan(50 * 60_000);
    expect(endsIn).toBeLessThan(61 * 60_000);
    expect(new Date(held.next_attempt_at).getUTCSeconds()).toBe(0);
    const [line] = await timelineOf(q, 'fault', p2.id);
    expect(line.data).toMatchObject({
      notice: 'fault.acknowledged',
      state: 'held',
      heldUntil: new Date(held.next_attempt_at).toISOString(),
    });
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(0);

    // The worker loses its jobs (Redis flushed, the process restarted), then the quiet hours end: the sweep finds
    // the digest due and it goes, once.
    await q.app.get<Queue>(getQueueToken(QueueName.notifications)).obliterate({ force: true });
    await query(q, `UPDATE notification_digests SET send_at = now(), next_attempt_at = now() WHERE id = $1`, [held.digest_id]);
    await noticesOf(q, p2.id, 1);
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(1);
    expect(fakes.smsTo(c.contact.mobile)[0].text).toContain(p2.caseNo);
    // several sweeps later, still once
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(fakes.smsTo(c.contact.mobile)).toHaveLength(1);
    expect((await timelineOf(q, 'fault', p2.id)).map((l) => l.data.state)).toEqual(['held', 'sent']);
  }, 120_000);
});
