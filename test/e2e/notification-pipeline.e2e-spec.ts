import { AlertsService } from '../../src/alerts/alerts.service';
import { PostCommit } from '../../src/common/post-commit';
import type { Call } from '../support/notify-world';
import { mobile } from '../support/factories';
import { ChannelFakes, openFault, person, team } from '../support/notify-world';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/**
 * The notification pipeline end to end (docs/ARCHITECTURE.md, "Notification
 * pipeline"): SLA alerts → outbox relay → delivery log → `notifications`
 * queue → the channels' local counterparts (a WeCom robot enforcing 20 a
 * minute, a DingTalk robot checking signatures, the `smpp` package's SMSC,
 * an SMTP server). Each test works in its own region with its own people and
 * robots, and proves its point from what the fakes received and from the log.
 */

const fakes = new ChannelFakes();
const WINDOW_SECONDS = 5;
const PIPELINE_ENV = {
  NOTIFY_DIGEST_WINDOW_SECONDS: String(WINDOW_SECONDS),
  NOTIFY_QUIET_HOURS: 'off',
  NOTIFY_RETRY_BASE_MS: '200',
  NOTIFY_MAX_ATTEMPTS: '3',
  OUTBOX_POLL_MS: '200',
};

let t: TestApp;
let call: Call;

const callOn =
  (app: TestApp): Call =>
  async (method, path, body, token = app.admin.token) => {
    const req = app.http()[method](path).set('authorization', `Bearer ${token}`);
    const res = await (body === undefined ? req : req.send(body as object));
    return { status: res.status, body: res.body };
  };

beforeAll(async () => {
  await fakes.start();
  t = await startTestApp({ ...fakes.env(), ...PIPELINE_ENV });
  call = callOn(t);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await fakes.stop();
}, 60_000);

type Row = Record<string, any>;
const query = (app: TestApp, sql: string, params: unknown[] = []): Promise<Row[]> => app.dataSource.query(sql, params);

/**
 * Raises `level` on the resolution clocks of these cases in one transaction,
 * the way the SLA engine's drain does (AlertsService.raiseMany: the rows and
 * their events in one statement each). Returns alert id by case id.
 */
async function raise(app: TestApp, caseIds: string[], level: 'breached' | 'warning' = 'breached'): Promise<Map<string, string>> {
  const clocks = await query(
    app,
    `SELECT c.id, c.case_kind, c.case_id, c.clock, c.due_at, ci.case_no, ci.customer_id, ci.region
       FROM sla_clocks c JOIN case_index ci ON ci.kind = c.case_kind AND ci.id = c.case_id
      WHERE c.case_id = ANY ($1::uuid[]) AND c.clock = 'resolution'`,
    [caseIds],
  );
  const post = new PostCommit();
  const raised = await app.dataSource.transaction((em) =>
    app.app.get(AlertsService).raiseMany(
      em,
      post,
      clocks.map((c) => ({
        caseKind: c.case_kind,
        caseId: c.case_id,
        caseNo: c.case_no,
        customerId: c.customer_id,
        region: c.region,
        clockId: c.id,
        clock: c.clock,
        level,
        dueAt: c.due_at,
      })),
    ),
  );
  await post.run();
  return new Map(raised.map((a) => [a.caseId, a.id]));
}

/** Waits until dispatch has given each of these cases to someone (the assignee is one of an alert's recipients). */
async function dispatched(app: TestApp, caseIds: string[]): Promise<void> {
  await waitFor(
    async () =>
      (await query(app, `SELECT count(*)::int AS n FROM case_index WHERE id = ANY ($1::uuid[]) AND assignee_id IS NOT NULL`, [caseIds]))[0]
        .n === caseIds.length,
    60_000,
    `${caseIds.length} cases dispatched`,
    100,
  );
}

/** Waits until no delivery of these alerts is pending or failed; returns their rows. */
async function settled(app: TestApp, alertIds: string[], ms = 60_000): Promise<Row[]> {
  return waitFor(
    async () => {
      const rows = await query(app, `SELECT * FROM notification_deliveries WHERE alert_id = ANY ($1::uuid[])`, [alertIds]);
      return rows.length && rows.every((r) => !['pending', 'failed'].includes(r.state)) ? rows : null;
    },
    ms,
    'the deliveries of the alerts to settle',
    100,
  );
}

/** How many alerts one received message stands for: a digest says its count, a single alert's message is one. */
const countIn = (text: string) => Number(/(?:您有|共 )(\d+) ?条/.exec(text)?.[1] ?? 1);

describe('an SLA breach reaches its people through their channels', () => {
  it('sends the breach of a complaint to the assignee, the duty manager on the roster and the account manager, in Chinese', async () => {
    const a = await team(call, fakes, '440604');
    // complaint:P1 of seconds, so the real SLA engine raises the breach (the other tests keep the default policies)
    expect(
      (await call('put', '/api/v1/sla/policies/complaint:P1', { responseSeconds: 6, resolutionSeconds: 3600, warnAtPercent: 50 })).status,
    ).toBe(200);
    const complaint = await openFault(call, a, { category: 'complaint', title: '政务外网专线反复中断' });
    expect((await call('post', `/api/v1/faults/${complaint.id}/assign`, { engineerId: a.engineer.id })).status).toBe(200);

    const alert = await waitFor(
      async () => (await call('get', `/api/v1/alerts?customerId=${a.customerId}&level=breached`)).body.items[0],
      30_000,
      'the breach',
    );
    const notifications = await waitFor(
      async () => {
        const res = await call('get', `/api/v1/alerts/${alert.id}/notifications`);
        expect(res.status).toBe(200);
        return res.body.length && res.body.every((n: Row) => n.state === 'sent') ? (res.body as Row[]) : null;
      },
      30_000,
      'every notification of the breach sent',
    );
    const reached = notifications.map((n) => [n.recipient.kind, n.recipient.staffId ?? n.recipient.groupChannelId, n.channel]).sort();
    expect(reached).toEqual(
      [
        ['group', a.wecomChannelId, 'wecom'],
        ['group', a.dingtalkChannelId, 'dingtalk'],
        ['staff', a.engineer.id, 'sms'],
        ['staff', a.engineer.id, 'email'],
        ['staff', a.dutyManager.id, 'sms'],
        ['staff', a.accountManager.id, 'email'],
      ].sort(),
    );
    const engineerSms = notifications.find((n) => n.recipient.staffId === a.engineer.id && n.channel === 'sms')!;
    expect(engineerSms.recipient).toMatchObject({
      name: a.engineer.displayName,
      address: `${a.engineer.workPhone!.slice(0, 3)}****${a.engineer.workPhone!.slice(7)}`,
    });
    expect(engineerSms.sentAt).toEqual(expect.any(String));
    expect(engineerSms.error).toBeNull();

    // What the people received, rendered from the templates.
    const [sms] = fakes.smsTo(a.dutyManager.workPhone!).filter((m) => m.text.includes('SLA 超时'));
    expect(sms.text).toContain(`【政企客户服务】SLA 超时：`);
    expect(sms.text).toContain(`投诉${complaint.caseNo}（P1，政务外网专线反复中断）响应时限`);
    expect(sms.text).toContain('已超时，请立即处理');
    expect(sms.segments.every((s) => s.dataCoding === 8)).toBe(true); // UCS-2
    const mail = fakes.mailTo(a.accountManager.email!).find((m) => m.subject.includes('SLA 超时'))!;
    expect(mail.subject).toBe(`【SLA 超时】${complaint.caseNo} 政务外网专线反复中断`);
    expect(mail.html).toContain(`https://desk.example.cn/api/v1/faults/${complaint.caseNo}`);
    const wecom = fakes.wecom.accepted(a.wecomKey).find((h) => h.body.markdown.content.includes('SLA 超时'))!;
    expect(wecom.body.markdown.content).toContain(complaint.caseNo);
    // the people the alert is for are mentioned in the group: WeCom by user id, DingTalk by user id or mobile
    expect(wecom.body.markdown.content).toContain(`<@${a.engineer.wecomUserId}>`);
    expect(wecom.body.markdown.content).toContain(`<@${a.accountManager.wecomUserId}>`);
    const dingtalk = fakes.dingtalk.accepted(a.dingtalkToken).find((h) => h.body.markdown.title.includes('SLA 超时'))!;
    expect(dingtalk.body.markdown.title).toBe(`SLA 超时：${complaint.caseNo}`);
    expect(dingtalk.body.at.atUserIds).toEqual([a.dutyManager.dingtalkUserId]);
    expect(dingtalk.body.at.atMobiles).toEqual([a.engineer.workPhone]);

    // SMS receipts are recorded against the message.
    await waitFor(
      async () =>
        (await query(t, `SELECT receipt_status FROM notification_deliveries WHERE alert_id = $1 AND channel = 'sms'`, [alert.id])).every(
          (r) => r.receipt_status === 'delivered',
        ),
      15_000,
      'the SMS delivery receipts',
    );
  }, 180_000);

  it('shows an alert’s notifications only to callers whose regions reach it, and the log to admins only', async () => {
    const a = await team(call, fakes, '440608');
    const fault = await openFault(call, a);
    await dispatched(t, [fault.id]);
    const alertId = (await raise(t, [fault.id])).get(fault.id)!;
    await settled(t, [alertId]);
    const local = await t.staff(['agent'], ['440608']);
    const elsewhere = await t.staff(['director'], ['110000']);
    expect((await call('get', `/api/v1/alerts/${alertId}/notifications`, undefined, local.token)).body).toHaveLength(6);
    const hidden = await call('get', `/api/v1/alerts/${alertId}/notifications`, undefined, elsewhere.token);
    expect([hidden.status, hidden.body.code]).toEqual([404, 'ALERT_NOT_FOUND']);
    expect((await call('get', `/api/v1/notifications/deliveries?alertId=${alertId}`, undefined, local.token)).status).toBe(403);
    const log = await call('get', `/api/v1/notifications/deliveries?alertId=${alertId}&channel=sms`);
    expect(log.body.total).toBe(2);
    expect(log.body.items.every((r: Row) => r.state === 'sent' && /^1[0-9]{2}\*{4}[0-9]{4}$/.test(r.recipient.address))).toBe(true);
    expect((await call('get', '/api/v1/notifications/deliveries?state=sending')).status).toBe(400);
  }, 120_000);

  it('records a person no channel reaches as suppressed, no_address', async () => {
    const unreachable = await person(call, ['account_manager'], ['440607'], {});
    const other = await team(call, fakes, '440607', { accountManagerId: unreachable.id });
    const fault = await openFault(call, other);
    await dispatched(t, [fault.id]);
    const alertId = (await raise(t, [fault.id])).get(fault.id)!;
    const rows = await settled(t, [alertId]);
    const mine = rows.filter((r) => r.staff_id === unreachable.id);
    expect(mine.map((r) => [r.channel, r.state, r.suppressed_reason])).toEqual([['none', 'suppressed', 'no_address']]);
  }, 120_000);
});

describe('digests', () => {
  it('merges the alerts for one recipient on one channel within the window into one message', async () => {
    const b = await team(call, fakes, '440606');
    const faults = [await openFault(call, b), await openFault(call, b), await openFault(call, b)];
    await dispatched(
      t,
      faults.map((f) => f.id),
    );
    // The first alert goes at once.
    const first = (await raise(t, [faults[0].id])).get(faults[0].id)!;
    await settled(t, [first]);
    // Two more inside the window: held until one window after the first message, then sent as one.
    const second = (await raise(t, [faults[1].id])).get(faults[1].id)!;
    const third = (await raise(t, [faults[2].id])).get(faults[2].id)!;
    const rows = await settled(t, [second, third], 30_000);

    const engineerSms = fakes.smsTo(b.engineer.workPhone!);
    expect(engineerSms).toHaveLength(2);
    expect(engineerSms[0].text).toContain(faults[0].caseNo);
    expect(engineerSms[1].text).toContain('您有2条告警');
    expect(engineerSms[1].text).toContain(`${faults[1].caseNo} SLA 超时；${faults[2].caseNo} SLA 超时`);
    const digests = (
      await query(t, `SELECT * FROM notification_digests WHERE id = ANY ($1::uuid[])`, [rows.map((r) => r.digest_id)])
    ).filter((d) => d.recipient_key === `staff:${b.engineer.id}` && d.channel === 'sms');
    expect(digests).toHaveLength(1);
    const [firstDigest] = await query(
      t,
      `SELECT d.* FROM notification_digests d JOIN notification_deliveries n ON n.digest_id = d.id
        WHERE n.alert_id = $1 AND n.staff_id = $2 AND n.channel = 'sms'`,
      [first, b.engineer.id],
    );
    // one window after the first message, not before
    expect(new Date(digests[0].first_attempt_at).getTime() - new Date(firstDigest.first_attempt_at).getTime()).toBeGreaterThanOrEqual(
      WINDOW_SECONDS * 1000 - 50,
    );
    const mails = fakes.mailTo(b.accountManager.email!);
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toBe('【告警汇总】共 2 条');
    expect(fakes.wecom.accepted(b.wecomKey).map((h) => countIn(h.body.markdown.content))).toEqual([1, 2]);
  }, 120_000);
});

describe('a failing channel', () => {
  it('retries with back-off, then dead: admins see it and send it again', async () => {
    const d = await team(call, fakes, '440605');
    fakes.mail.refuse.set(d.accountManager.email!, 451);
    const fault = await openFault(call, d);
    await dispatched(t, [fault.id]);
    const alertId = (await raise(t, [fault.id])).get(fault.id)!;
    const rows = await settled(t, [alertId]);
    const failing = rows.find((r) => r.staff_id === d.accountManager.id)!;
    expect([failing.channel, failing.state, failing.attempts]).toEqual(['email', 'dead', 3]);
    expect(rows.filter((r) => r.id !== failing.id).every((r) => r.state === 'sent')).toBe(true);
    const attempts = await query(t, `SELECT * FROM notification_digest_attempts WHERE digest_id = $1 ORDER BY attempt`, [
      failing.digest_id,
    ]);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
    // back-off: 200 ms, then 400 ms
    const gaps = attempts.slice(1).map((a, i) => new Date(a.started_at).getTime() - new Date(attempts[i].started_at).getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);

    const dead = await call('get', `/api/v1/notifications/deliveries?state=dead&channel=email&alertId=${alertId}`);
    expect(dead.body.total).toBe(1);
    expect(dead.body.items[0]).toMatchObject({
      id: failing.id,
      state: 'dead',
      attempts: 3,
      recipient: { kind: 'staff', staffId: d.accountManager.id, address: d.accountManager.email },
    });
    expect(dead.body.items[0].error).toMatch(/451|try again later/);
    const sent = rows.find((r) => r.state === 'sent')!;
    const refused = await call('post', `/api/v1/notifications/deliveries/${sent.id}/retry`);
    expect([refused.status, refused.body.code, refused.body.state]).toEqual([409, 'NOTIFICATION_DELIVERY_NOT_DEAD', 'sent']);
    const director = await t.staff(['director'], ['CN']);
    expect((await call('post', `/api/v1/notifications/deliveries/${failing.id}/retry`, undefined, director.token)).status).toBe(403);
    expect((await call('post', '/api/v1/notifications/deliveries/00000000-0000-4000-8000-000000000000/retry')).status).toBe(404);

    fakes.mail.refuse.delete(d.accountManager.email!);
    // Two admins at once: one revives it, the other finds it no longer dead.
    const [one, two] = await Promise.all([
      call('post', `/api/v1/notifications/deliveries/${failing.id}/retry`),
      call('post', `/api/v1/notifications/deliveries/${failing.id}/retry`),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    expect((one.status === 200 ? one : two).body).toMatchObject({ id: failing.id, state: 'pending' });
    await settled(t, [alertId]);
    expect(fakes.mailTo(d.accountManager.email!)).toHaveLength(1);
    const [after] = await query(t, `SELECT state, attempts FROM notification_deliveries WHERE id = $1`, [failing.id]);
    expect(after).toEqual({ state: 'sent', attempts: 4 });
    const audit = await query(t, `SELECT * FROM audit_log WHERE action = 'notification_delivery.retried' AND entity_id = $1`, [failing.id]);
    expect(audit).toHaveLength(1);
  }, 120_000);
});

describe('a storm', () => {
  it('raises 500 breaches at once: every recipient gets every alert, in digests, within the rate limits', async () => {
    const e = await team(call, fakes, '440703');
    const faults: { id: string; caseNo: string }[] = [];
    for (let i = 0; i < 500; i += 10) {
      faults.push(...(await Promise.all(Array.from({ length: 10 }, () => openFault(call, e)))));
    }
    // Dispatch gives each to the engineer on the roster.
    await waitFor(
      async () =>
        (
          await query(t, `SELECT count(*)::int AS n FROM case_index WHERE id = ANY ($1::uuid[]) AND assignee_id = $2`, [
            faults.map((f) => f.id),
            e.engineer.id,
          ])
        )[0].n === 500,
      60_000,
      'the 500 faults dispatched',
      200,
    );
    const alerts = await raise(
      t,
      faults.map((f) => f.id),
    );
    expect(alerts.size).toBe(500);
    const rows = await settled(t, [...alerts.values()], 90_000);

    // The log: six deliveries per alert, all sent, each (alert, recipient, channel) once.
    expect(rows).toHaveLength(3000);
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(new Set(rows.map((r) => `${r.alert_id}|${r.recipient_key}|${r.channel}`)).size).toBe(3000);
    const byRecipient = new Map<string, Row[]>();
    for (const r of rows)
      byRecipient.set(`${r.recipient_key}|${r.channel}`, [...(byRecipient.get(`${r.recipient_key}|${r.channel}`) ?? []), r]);
    expect(byRecipient.size).toBe(6);
    for (const group of byRecipient.values()) {
      expect(group).toHaveLength(500);
      // in digests: far fewer messages than alerts
      expect(new Set(group.map((r) => r.digest_id)).size).toBeLessThanOrEqual(3);
    }

    // The fakes: each message stands for as many alerts as its digest carried, and together they make every alert once.
    const caseNos = faults.map((f) => f.caseNo).sort();
    for (const who of [e.engineer, e.dutyManager]) {
      const received = fakes.smsTo(who.workPhone!);
      expect(received.reduce((n, m) => n + countIn(m.text), 0)).toBe(500);
    }
    for (const who of [e.engineer, e.accountManager]) {
      const mails = fakes.mailTo(who.email!);
      const listed = mails.flatMap((m) => [...new Set(m.html!.match(/FLT-\d{8}-\d{6}/g))]);
      expect(listed.sort()).toEqual(caseNos);
    }
    const wecom = fakes.wecom.hits.filter((h) => h.token === e.wecomKey);
    const dingtalk = fakes.dingtalk.hits.filter((h) => h.token === e.dingtalkToken);
    expect(wecom.reduce((n, h) => n + countIn(h.body.markdown.content), 0)).toBe(500);
    expect(dingtalk.reduce((n, h) => n + countIn(h.body.markdown.title), 0)).toBe(500);
    // within the robots' limits: nothing refused, never more than 20 in a minute
    for (const hits of [wecom, dingtalk]) {
      expect(hits.every((h) => h.errcode === 0)).toBe(true);
      for (const h of hits) expect(hits.filter((x) => x.at >= h.at && x.at < h.at + 60_000).length).toBeLessThanOrEqual(20);
    }
  }, 240_000);
});

describe('quiet hours, and a channel’s rate limit', () => {
  let q: TestApp;
  let qcall: Call;
  beforeAll(async () => {
    // Quiet from an hour ago to an hour from now, China time: whenever the test runs, it runs in them.
    const hhmm = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
    q = await startTestApp({
      ...fakes.env(),
      ...PIPELINE_ENV,
      NOTIFY_QUIET_HOURS: `${hhmm(Date.now() - 3_600_000)}-${hhmm(Date.now() + 3_600_000)}`,
      // the SMSC's contract: two a second (the limit the SMS transport publishes)
      SMPP_MAX_PER_SECOND: '2',
    });
    qcall = callOn(q);
  }, 120_000);
  afterAll(() => q?.close(), 60_000);

  it('holds back SMS of non-P1 alerts, lets P1 and the green channel through, and still sends the other channels', async () => {
    const c = await team(qcall, fakes, '441302');
    const green = await team(qcall, fakes, '441303', { greenChannel: true });
    const p1 = await openFault(qcall, c, { severity: 'critical' });
    const p2 = await openFault(qcall, c, { severity: 'major' });
    const greenP2 = await openFault(qcall, green, { severity: 'minor' });
    const priorities = await query(q, `SELECT id, priority, green_channel FROM case_index WHERE id = ANY ($1::uuid[])`, [
      [p1.id, p2.id, greenP2.id],
    ]);
    expect(Object.fromEntries(priorities.map((r) => [r.id, [r.priority, r.green_channel]]))).toEqual({
      [p1.id]: [1, false],
      [p2.id]: [2, false],
      [greenP2.id]: [2, true],
    });
    await dispatched(q, [p1.id, p2.id, greenP2.id]);
    const alerts = await raise(q, [p1.id, p2.id, greenP2.id]);
    const rows = await settled(q, [...alerts.values()]);
    const sms = (caseId: string) =>
      rows.filter((r) => r.alert_id === alerts.get(caseId) && r.channel === 'sms').map((r) => [r.state, r.suppressed_reason]);
    expect(sms(p1.id)).toEqual([
      ['sent', null],
      ['sent', null],
    ]);
    expect(sms(p2.id)).toEqual([
      ['suppressed', 'quiet_hours'],
      ['suppressed', 'quiet_hours'],
    ]);
    expect(sms(greenP2.id)).toEqual([
      ['sent', null],
      ['sent', null],
    ]);
    // the P2 alert still went by e-mail and to the groups
    expect(rows.filter((r) => r.alert_id === alerts.get(p2.id) && r.channel !== 'sms').every((r) => r.state === 'sent')).toBe(true);
    const nightSms = fakes.smsTo(c.engineer.workPhone!);
    expect(nightSms.map((m) => m.text).join('')).toContain(p1.caseNo);
    expect(nightSms.map((m) => m.text).join('')).not.toContain(p2.caseNo);
    const view = await qcall('get', `/api/v1/alerts/${alerts.get(p2.id)}/notifications`);
    expect(view.body.filter((n: Row) => n.channel === 'sms').map((n: Row) => n.suppressedReason)).toEqual(['quiet_hours', 'quiet_hours']);
  }, 180_000);
  it('keeps to the SMS channel’s rate limit across a burst: ten messages at two a second', async () => {
    const r = await team(qcall, fakes, '441322');
    // The region's breaches reach ten named people, each with a mobile only.
    const people = [];
    for (let i = 0; i < 10; i++) people.push(await person(qcall, ['agent'], ['441322'], { workPhone: mobile() }));
    const policy = await qcall('put', '/api/v1/escalation-policies/441322', {
      levels: { warning: [], breached: people.map((p) => `staff:${p.id}`), escalated_2: [], escalated_3: [] },
      expectedVersion: 0,
    });
    expect(policy.status).toBe(200);
    const arrivals: number[] = [];
    const mobiles = new Set(people.map((p) => p.workPhone!));
    const watch = setInterval(() => {
      const got = fakes.smsc.messages.filter((m) => mobiles.has(m.destination.slice(-11))).length;
      while (arrivals.length < got) arrivals.push(Date.now());
    }, 20);
    try {
      const fault = await openFault(qcall, r, { severity: 'critical' });
      const alertId = (await raise(q, [fault.id])).get(fault.id)!;
      const rows = await settled(q, [alertId], 60_000);
      expect(rows.filter((x) => x.channel === 'sms' && x.state === 'sent')).toHaveLength(10);
      await waitFor(() => arrivals.length === 10, 10_000, 'ten SMS at the SMSC');
    } finally {
      clearInterval(watch);
    }
    // The limiter's own record: no three attempts on the `sms` key within a second…
    const started = (await query(q, `SELECT started_at FROM notification_digest_attempts WHERE rate_key = 'sms' ORDER BY started_at`)).map(
      (x) => new Date(x.started_at).getTime(),
    );
    for (let i = 2; i < started.length; i++) expect(started[i] - started[i - 2]).toBeGreaterThanOrEqual(1000);
    // …and at the SMSC ten messages took at least four periods, not one burst.
    expect(arrivals[9] - arrivals[0]).toBeGreaterThanOrEqual(3_500);
  }, 180_000);
});
