import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../src/config/app-config';
import { ChannelTransports } from '../../src/notifications/channels/channel-transports.service';
import { EmailTransport } from '../../src/notifications/channels/email.transport';
import { SmsReceipts } from '../../src/notifications/channels/sms-receipts';
import { SmsTransport } from '../../src/notifications/channels/sms.transport';
import { SAMPLE_CASE } from '../../src/notifications/message-context';
import { NotificationChannelsService } from '../../src/notifications/notification-channels.service';
import { NotificationTemplatesService } from '../../src/notifications/notification-templates.service';
import type { GroupChannelTarget, SmsDeliveryReceipt } from '../../src/notifications/notifications.port';
import { FakeSmsc } from '../support/fake-smsc';
import { MailReceiver } from '../support/mail-receiver';
import { DingtalkFake, WecomFake } from '../support/robot-fakes';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

/**
 * Every channel against its local counterpart, through the running app's
 * transports: a WeCom robot that enforces 20 a minute, a DingTalk robot that
 * checks the signature, the `smpp` package's own SMSC (UCS-2, concatenated
 * segments, delivery receipts) and an SMTP relay (smtp-server).
 */

const SMSC_CREDENTIALS = { systemId: 'focusone', password: 'pw1234' };
const PHRASE = '南海区政务外网专线中断，请尽快派人抢修。';
const chinese300 = () => Array.from({ length: 300 }, (_, i) => PHRASE[i % PHRASE.length]).join('');

const wecom = new WecomFake();
const dingtalk = new DingtalkFake();
const smsc = new FakeSmsc(SMSC_CREDENTIALS);
const mail = new MailReceiver();

let t: TestApp;
let transports: ChannelTransports;

beforeAll(async () => {
  await Promise.all([wecom.start(), dingtalk.start(), smsc.start(), mail.start()]);
  t = await startTestApp({
    WEBHOOK_ALLOW_PRIVATE: 'true',
    NOTIFY_SECRET_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'https://desk.example.cn',
    SMPP_URL: smsc.url,
    SMPP_SYSTEM_ID: SMSC_CREDENTIALS.systemId,
    SMPP_PASSWORD: SMSC_CREDENTIALS.password,
    SMPP_SOURCE_ADDR: '10655000',
    SMPP_ENQUIRE_LINK_SECONDS: '5',
    SMPP_SUBMIT_TIMEOUT_MS: '5000',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(mail.port),
    SMTP_REQUIRE_TLS: 'false',
    SMTP_FROM: 'Focus One 告警 <alerts@focus-one.test>',
  });
  transports = t.app.get(ChannelTransports);
});
afterAll(async () => {
  await t?.close();
  await Promise.all([wecom.stop(), dingtalk.stop(), smsc.stop(), mail.stop()]);
});

/** Configures a region's robot through the API and returns it as the pipeline would get it (credentials opened). */
async function robotFor(region: string, body: Record<string, unknown>): Promise<GroupChannelTarget> {
  const res = await t
    .http()
    .post('/api/v1/notification-channels')
    .set(bearer(t.admin))
    .send({ region, name: unique('群'), ...body });
  expect(res.status).toBe(201);
  const targets = await t.app.get(NotificationChannelsService).groupChannelsFor(region);
  return targets.find((x) => x.channelId === res.body.id)!;
}

describe('WeCom group robot', () => {
  it('posts the rendered markdown, and the 21st message within a minute is refused as rate limited (retryable)', async () => {
    const key = `k-${unique()}`;
    const robot = await robotFor('440605', { type: 'wecom_robot', webhookUrl: wecom.url(key) });
    const rendered = await t.app.get(NotificationTemplatesService).render('sla.breached', 'wecom', SAMPLE_CASE);
    const message = { channel: 'wecom' as const, robot, markdown: rendered.text, mentionUserIds: ['ZhangWei'] };
    expect(transports.rateLimitOf(message)).toEqual({ key: `wecom_robot:${robot.channelId}`, max: 20, perMs: 60_000 });

    const outcomes = [];
    for (let i = 0; i < 21; i++) outcomes.push(await transports.send(message));
    expect(outcomes.slice(0, 20).every((o) => o.accepted)).toBe(true);
    expect(outcomes[20]).toEqual({ accepted: false, retryable: true, error: 'WeCom errcode 45009: api freq out of limit' });

    const first = wecom.accepted(key)[0].body;
    expect(first.msgtype).toBe('markdown');
    expect(first.markdown.content).toContain('SLA 超时');
    expect(first.markdown.content).toContain('FLT-20261201-000042');
    expect(first.markdown.content).toContain('2026-12-01 17:30 (北京时间)');
    expect(first.markdown.content).toContain('https://desk.example.cn/api/v1/faults/FLT-20261201-000042');
    expect(first.markdown.content.endsWith('<@ZhangWei>')).toBe(true);
    expect(wecom.accepted(key)).toHaveLength(20);
  });
});

describe('DingTalk custom robot', () => {
  it('signs each message so the robot accepts it, with the mentions in text and at', async () => {
    const token = `t-${unique()}`;
    const secret = `SEC${randomBytes(32).toString('hex')}`;
    const robot = await robotFor('440600', { type: 'dingtalk_robot', webhookUrl: dingtalk.robot(token, secret), secret });
    const rendered = await t.app.get(NotificationTemplatesService).render('sla.warning', 'dingtalk', SAMPLE_CASE);
    const outcome = await transports.send({
      channel: 'dingtalk',
      robot,
      title: rendered.subject!,
      markdown: rendered.text,
      atMobiles: ['13800138000'],
    });
    expect(outcome).toEqual({ accepted: true, retryable: false });
    const [hit] = dingtalk.accepted(token);
    expect(hit.body.markdown.title).toBe('SLA 预警：FLT-20261201-000042');
    expect(hit.body.markdown.text).toContain('南海区政务外网专线中断');
    expect(hit.body.markdown.text).toContain('@13800138000');
    expect(hit.body.at).toEqual({ atMobiles: ['13800138000'], atUserIds: [], isAtAll: false });
  });

  it('reports a wrong secret as refused and not worth retrying', async () => {
    const token = `t-${unique()}`;
    const url = dingtalk.robot(token, `SEC${randomBytes(32).toString('hex')}`);
    const robot = await robotFor('440600', { type: 'dingtalk_robot', webhookUrl: url, secret: `SEC${randomBytes(32).toString('hex')}` });
    const outcome = await transports.send({ channel: 'dingtalk', robot, title: '测试', markdown: '签名错误' });
    expect(outcome).toEqual({ accepted: false, retryable: false, error: 'DingTalk errcode 310000: sign not match' });
    expect(dingtalk.hits.filter((h) => h.token === token).map((h) => h.errcode)).toEqual([310000]);
  });
});

describe('SMS over SMPP 3.4', () => {
  const receipts: SmsDeliveryReceipt[] = [];
  let failNext = 0;
  let removeHandler: () => void;
  beforeAll(() => {
    removeHandler = transports.onSmsReceipt((r) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('the delivery log is down');
      }
      receipts.push(r);
    });
  });
  afterAll(() => removeHandler());

  it('the worker binds one transceiver session at start', async () => {
    await waitFor(() => t.app.get(SmsTransport).isBound, 10_000, 'the SMPP bind');
    expect(smsc.binds).toBe(1);
  });

  it('sends 300 Chinese characters as 5 concatenated UCS-2 segments that reassemble exactly, and hands each receipt on', async () => {
    const text = chinese300();
    expect(text).toHaveLength(300);
    const outcome = await transports.send({ channel: 'sms', to: '+86 138-0013-8000', text });
    expect(outcome.accepted).toBe(true);
    expect(outcome.providerMessageIds).toHaveLength(5);
    expect(outcome.providerMessageId).toBe(outcome.providerMessageIds![0]);

    const received = smsc.messages.find((m) => m.segments[0].messageId === outcome.providerMessageId)!;
    expect(received.text).toBe(text);
    expect(received.destination).toBe('8613800138000');
    expect(received.segments.map((s) => s.concat)).toEqual(
      [1, 2, 3, 4, 5].map((seq) => ({ ref: received.segments[0].concat!.ref, total: 5, seq })),
    );
    for (const s of received.segments) {
      expect(s.dataCoding).toBe(8);
      expect(s.esmClass & 0x40).toBe(0x40); // UDH indicator
      expect(s.registeredDelivery).toBe(1);
    }

    await waitFor(() => outcome.providerMessageIds!.every((id) => receipts.some((r) => r.messageId === id)), 10_000, 'five receipts');
    for (const id of outcome.providerMessageIds!) {
      expect(receipts.find((r) => r.messageId === id)).toMatchObject({ status: 'delivered', stat: 'DELIVRD', to: '138****8000' });
    }
  });

  it('a receipt the handler could not record is refused, sent again by the SMSC, and recorded then', async () => {
    failNext = 1;
    const outcome = await transports.send({ channel: 'sms', to: '13900139000', text: '您的故障已修复' });
    expect(outcome).toMatchObject({ accepted: true, providerMessageIds: [expect.any(String)] });
    const id = outcome.providerMessageId!;
    await waitFor(() => receipts.some((r) => r.messageId === id), 10_000, 'the receipt, sent again');
    // The SMSC hears the answer once every handler has finished (the delivery pipeline's records the receipt too).
    await waitFor(() => smsc.receiptAnswers.filter((a) => a.messageId === id).length >= 2, 10_000, 'the answer to the receipt sent again');
    expect(smsc.receiptAnswers.filter((a) => a.messageId === id).map((a) => a.status)).toEqual([0x64, 0]); // ESME_RX_T_APPN, then OK
    const [single] = smsc.messages.find((m) => m.segments[0].messageId === id)!.segments;
    expect(single).toMatchObject({ text: '您的故障已修复', dataCoding: 8, esmClass: 0 }); // 7 characters: one SMS, no header
    expect(single.concat).toBeUndefined();
  });

  it('a throttled submit is retryable; a number that is no mobile is not', async () => {
    smsc.throttleNext = 1;
    expect(await transports.send({ channel: 'sms', to: '13900139000', text: '测试' })).toEqual({
      accepted: false,
      retryable: true,
      error: 'the SMSC refused it: ESME_RTHROTTLED (0x58)',
    });
    expect(await transports.send({ channel: 'sms', to: '0757-86338888', text: '测试' })).toMatchObject({
      accepted: false,
      retryable: false,
    });
  });

  it('binds again after the SMSC drops the connection, and the next message goes through', async () => {
    const before = smsc.binds;
    smsc.dropSessions();
    await waitFor(() => !t.app.get(SmsTransport).isBound, 5000, 'the client to see the connection gone');
    const outcome = await transports.send({ channel: 'sms', to: '13900139000', text: '重新连接之后' });
    expect(outcome.accepted).toBe(true);
    expect(smsc.binds).toBe(before + 1);
    expect(smsc.messages.at(-1)?.text).toBe('重新连接之后');
  });

  it('drops a session whose enquire_link goes unanswered and binds a new one', async () => {
    const config = AppConfig.load({
      SMPP_URL: smsc.url,
      SMPP_SYSTEM_ID: SMSC_CREDENTIALS.systemId,
      SMPP_PASSWORD: SMSC_CREDENTIALS.password,
      SMPP_SOURCE_ADDR: '10655000',
      SMPP_ENQUIRE_LINK_SECONDS: '5',
      SMPP_SUBMIT_TIMEOUT_MS: '300',
    });
    const sms = new SmsTransport(config, new SmsReceipts());
    try {
      sms.connect();
      await waitFor(() => sms.isBound, 5000, 'the bind');
      const binds = smsc.binds;
      smsc.silent = true;
      await waitFor(() => !sms.isBound, 10_000, 'the dead link to be dropped');
      smsc.silent = false;
      await waitFor(() => sms.isBound && smsc.binds > binds, 10_000, 'a new bind');
    } finally {
      smsc.silent = false;
      await sms.onApplicationShutdown();
    }
  });

  it('an SMSC that refuses the bind makes messages fail as retryable within the submit timeout', async () => {
    const config = AppConfig.load({
      SMPP_URL: smsc.url,
      SMPP_SYSTEM_ID: SMSC_CREDENTIALS.systemId,
      SMPP_PASSWORD: 'wrong',
      SMPP_SOURCE_ADDR: '10655000',
      SMPP_SUBMIT_TIMEOUT_MS: '500',
    });
    const sms = new SmsTransport(config, new SmsReceipts());
    try {
      expect(await sms.send({ channel: 'sms', to: '13900139000', text: '测试' })).toEqual({
        accepted: false,
        retryable: true,
        error: 'not bound to the SMSC within 500 ms',
      });
    } finally {
      await sms.onApplicationShutdown();
    }
  });
});

describe('e-mail over SMTP', () => {
  it('delivers the rendered Chinese subject, the HTML with values escaped, and a text alternative', async () => {
    const facts = { ...SAMPLE_CASE, title: '专线中断 <紧急> & 派单' };
    const rendered = await t.app.get(NotificationTemplatesService).render('sla.breached', 'email', facts);
    const to = `${unique('duty')}@focus-one.test`;
    const outcome = await transports.send({
      channel: 'email',
      to: [to],
      subject: rendered.subject!,
      text: rendered.text,
      html: rendered.html,
    });
    expect(outcome).toMatchObject({ accepted: true, retryable: false, providerMessageId: expect.stringMatching(/^<.+>$/) });

    const got = await waitFor(() => mail.mails.find((m) => m.to.includes(to)), 5000, 'the mail');
    expect(got.subject).toBe('【SLA 超时】FLT-20261201-000042 专线中断 <紧急> & 派单');
    expect(got.html).toContain('专线中断 &lt;紧急&gt; &amp; 派单');
    expect(got.text).toContain('专线中断 <紧急> & 派单');
    expect(got.text).toContain('2026-12-01 17:30 (北京时间)');
    expect(got.from).toBe('alerts@focus-one.test');
  });

  it('a mailbox refused for good (550) is final; a 451 is worth another try', async () => {
    const gone = `${unique('gone')}@focus-one.test`;
    const busy = `${unique('busy')}@focus-one.test`;
    mail.refuse.set(gone, 550).set(busy, 451);
    const send = (to: string) => transports.send({ channel: 'email', to: [to], subject: '测试', text: '测试' });
    expect(await send(gone)).toMatchObject({ accepted: false, retryable: false, error: expect.stringMatching(/^SMTP 550/) });
    expect(await send(busy)).toMatchObject({ accepted: false, retryable: true, error: expect.stringMatching(/^SMTP 451/) });
  });

  it('with SMTP_REQUIRE_TLS (the default) it sends nothing to a relay that offers no STARTTLS', async () => {
    const email = new EmailTransport(
      AppConfig.load({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port), SMTP_FROM: 'alerts@focus-one.test', SMTP_TIMEOUT_MS: '2000' }),
    );
    const to = `${unique('tls')}@focus-one.test`;
    try {
      expect(await email.send({ channel: 'email', to: [to], subject: '测试', text: '测试' })).toMatchObject({ accepted: false });
      expect(mail.mails.some((m) => m.to.includes(to))).toBe(false);
    } finally {
      email.onApplicationShutdown();
    }
  });
});
