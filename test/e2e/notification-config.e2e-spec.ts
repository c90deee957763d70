import { randomBytes } from 'node:crypto';
import { SAMPLE_CASE, SAMPLE_DIGEST } from '../../src/notifications/message-context';
import { NotificationChannelsService } from '../../src/notifications/notification-channels.service';
import { NotificationTemplatesService } from '../../src/notifications/notification-templates.service';
import type { CaseMessageFacts } from '../../src/notifications/notifications.port';
import { MESSAGE_CHANNELS, NOTIFICATION_EVENT_TYPES } from '../../src/notifications/notifications.port';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

/** Group channels (admin routes, secrets never returned) and message templates (admin edits, validated by rendering). */

const KEY = () => `693a91f6-${randomBytes(12).toString('hex')}`;
const SECRET = () => `SEC${randomBytes(32).toString('hex')}`;
const wecomUrl = (key = KEY()) => `http://127.0.0.1:9/cgi-bin/webhook/send?key=${key}`;
const dingtalkUrl = (token = randomBytes(32).toString('hex')) => `http://127.0.0.1:9/robot/send?access_token=${token}`;

describe('notification channels', () => {
  let t: TestApp;
  let director: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', NOTIFY_SECRET_KEY: randomBytes(32).toString('hex') });
    director = await t.staff(['director'], ['440000']);
  });
  afterAll(() => t?.close());

  const create = (body: Record<string, unknown>, login: StaffLogin = t.admin, key?: string) => {
    const req = t.http().post('/api/v1/notification-channels').set(bearer(login));
    return (key ? req.set('idempotency-key', key) : req).send(body);
  };

  it('creates a DingTalk robot: the response, the list, the audit and the table never hold its token or secret in clear', async () => {
    const token = randomBytes(32).toString('hex');
    const secret = SECRET();
    const res = await create({ region: '440600', type: 'dingtalk_robot', name: '佛山政企值班群', webhookUrl: dingtalkUrl(token), secret });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      region: '440600',
      regionName: '广东省佛山市',
      type: 'dingtalk_robot',
      name: '佛山政企值班群',
      webhookUrl: `http://127.0.0.1:9/robot/send?access_token=…${token.slice(-4)}`,
      hasSecret: true,
      active: true,
      version: 1,
      deletedAt: null,
    });
    const id = res.body.id as string;
    const reads = [
      res.text,
      (await t.http().get(`/api/v1/notification-channels/${id}`).set(bearer(t.admin)).expect(200)).text,
      (await t.http().get('/api/v1/notification-channels?region=440600').set(bearer(t.admin)).expect(200)).text,
      JSON.stringify(await t.dataSource.query(`SELECT * FROM audit_log WHERE entity_id = $1`, [id])),
      JSON.stringify(await t.dataSource.query(`SELECT * FROM notification_channels WHERE id = $1`, [id])),
    ];
    for (const raw of reads) {
      expect(raw).not.toContain(token);
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain(secret.slice(3, 20));
    }
    expect(Object.keys(res.body)).not.toContain('secret');
    const [audit] = await t.dataSource.query(`SELECT action, changes FROM audit_log WHERE entity_id = $1`, [id]);
    expect(audit).toMatchObject({
      action: 'notification_channel.created',
      changes: { region: '440600', type: 'dingtalk_robot', signed: true },
    });

    // the pipeline gets them back, opened
    const [target] = (await t.app.get(NotificationChannelsService).groupChannelsFor('440604')).filter((x) => x.channelId === id);
    expect(target).toEqual({
      channelId: id,
      region: '440600',
      type: 'dingtalk_robot',
      name: '佛山政企值班群',
      webhookUrl: dingtalkUrl(token),
      secret,
    });
  });

  it('replays a creation with the same Idempotency-Key, and refuses the key with another body', async () => {
    const key = unique('idem-');
    const body = { region: '440100', type: 'wecom_robot', name: unique('广州群'), webhookUrl: wecomUrl() };
    const first = await create(body, t.admin, key).expect(201);
    const again = await create(body, t.admin, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    await create({ ...body, name: unique('别的群') }, t.admin, key).expect(422);
  });

  it.each([
    ['an unknown type', { type: 'slack' }, 'type'],
    ['a region that is no 6-digit code', { region: '44' }, 'region'],
    ['a region not in the reference table', { region: '449999' }, 'region'],
    ['a WeCom URL without its key', { webhookUrl: 'http://127.0.0.1:9/cgi-bin/webhook/send' }, 'webhookUrl'],
    ['a WeCom robot given a secret', { secret: SECRET() }, 'secret'],
    ['an unknown field', { token: 'x' }, 'token'],
    ['an empty name', { name: '  ' }, 'name'],
  ])('refuses %s with 400 naming the field', async (_what, change, field) => {
    const res = await create({ region: '440600', type: 'wecom_robot', name: unique('群'), webhookUrl: wecomUrl(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a DingTalk robot without its signing secret', async () => {
    const res = await create({ region: '440600', type: 'dingtalk_robot', name: unique('群'), webhookUrl: dingtalkUrl() });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'secret', message: expect.stringContaining('required') }]);
  });

  it('refuses a second live channel of the same name in a region (409)', async () => {
    const name = unique('同名群');
    await create({ region: '440600', type: 'wecom_robot', name, webhookUrl: wecomUrl() }).expect(201);
    const res = await create({ region: '440600', type: 'wecom_robot', name, webhookUrl: wecomUrl() });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NOTIFICATION_CHANNEL_NAME_TAKEN');
  });

  it('is for admins only (403 for a director), and needs a token (401)', async () => {
    await create({ region: '440600', type: 'wecom_robot', name: unique('群'), webhookUrl: wecomUrl() }, director).expect(403);
    await t.http().get('/api/v1/notification-channels').set(bearer(director)).expect(403);
    await t.http().get('/api/v1/notification-channels').expect(401);
  });

  it('updates with expectedVersion: a new secret is sealed, a stale version is 409, a deleted channel is gone from the lookup', async () => {
    const created = (
      await create({
        region: '440605',
        type: 'dingtalk_robot',
        name: unique('南海群'),
        webhookUrl: dingtalkUrl(),
        secret: SECRET(),
      }).expect(201)
    ).body;
    const secret = SECRET();
    const patch = (body: Record<string, unknown>) =>
      t.http().patch(`/api/v1/notification-channels/${created.id}`).set(bearer(t.admin)).send(body);
    const updated = await patch({ secret, name: '南海区值班群', expectedVersion: 1 }).expect(200);
    expect(updated.body).toMatchObject({ name: '南海区值班群', version: 2, hasSecret: true });
    expect(updated.text).not.toContain(secret);
    expect((await patch({ active: false, expectedVersion: 1 })).status).toBe(409);
    await patch({ name: null, expectedVersion: 2 }).expect(400);
    await patch({ secret: 'has spaces in it', expectedVersion: 2 }).expect(400);

    const channels = t.app.get(NotificationChannelsService);
    expect((await channels.target(created.id))?.secret).toBe(secret);
    const [audit] = await t.dataSource.query(
      `SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'notification_channel.updated'`,
      [created.id],
    );
    expect(audit.changes).toMatchObject({ name: { to: '南海区值班群' }, replaced: ['signingKey'] });

    await t.http().delete(`/api/v1/notification-channels/${created.id}`).set(bearer(t.admin)).expect(204);
    await t.http().delete(`/api/v1/notification-channels/${created.id}`).set(bearer(t.admin)).expect(204);
    expect(
      (await t.http().get(`/api/v1/notification-channels/${created.id}`).set(bearer(t.admin)).expect(200)).body.deletedAt,
    ).not.toBeNull();
    expect(await channels.target(created.id)).toBeUndefined();
    await patch({ active: true, expectedVersion: 2 }).expect(404);
  });

  it('sends a region’s messages to its own robots, else to its city’s or province’s, per robot type', async () => {
    const channels = t.app.get(NotificationChannelsService);
    // a district of Shantou (440500) that has none of its own
    const mk = async (region: string, type: string) =>
      (
        await create({
          region,
          type,
          name: unique('群'),
          webhookUrl: type === 'wecom_robot' ? wecomUrl() : dingtalkUrl(),
          ...(type === 'dingtalk_robot' ? { secret: SECRET() } : {}),
        }).expect(201)
      ).body.id as string;
    const provinceWecom = await mk('440000', 'wecom_robot');
    const cityDingtalk = await mk('440500', 'dingtalk_robot');
    const districtWecom = await mk('440507', 'wecom_robot');
    const inactive = await mk('440507', 'wecom_robot');
    await t
      .http()
      .patch(`/api/v1/notification-channels/${inactive}`)
      .set(bearer(t.admin))
      .send({ active: false, expectedVersion: 1 })
      .expect(200);

    const ids = async (region: string) => (await channels.groupChannelsFor(region)).map((c) => c.channelId).sort();
    expect(await ids('440507')).toEqual([cityDingtalk, districtWecom].sort());
    // another district of the city: the city's DingTalk robot, and for WeCom the province's (the city has none)
    expect(await ids('440511')).toEqual([cityDingtalk, provinceWecom].sort());
    expect((await channels.groupChannelsFor('440507', 'dingtalk_robot')).map((c) => c.channelId)).toEqual([cityDingtalk]);
  });
});

describe('notification channels without NOTIFY_SECRET_KEY, and message templates', () => {
  let t: TestApp;
  let director: StaffLogin;
  let templates: NotificationTemplatesService;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://desk.example.cn/' });
    director = await t.staff(['director'], ['CN']);
    templates = t.app.get(NotificationTemplatesService);
  });
  afterAll(() => t?.close());

  it('refuses to store a robot without a key to seal it (409), and a private address before that (400)', async () => {
    const post = (webhookUrl: string) =>
      t
        .http()
        .post('/api/v1/notification-channels')
        .set(bearer(t.admin))
        .send({ region: '440600', type: 'wecom_robot', name: '群', webhookUrl });
    const noKey = await post('https://1.1.1.1/cgi-bin/webhook/send?key=abcdefgh1234');
    expect(noKey.status).toBe(409);
    expect(noKey.body.code).toBe('NOTIFY_SECRET_KEY_MISSING');
    const loopback = await post('http://127.0.0.1:9/cgi-bin/webhook/send?key=abcdefgh1234');
    expect(loopback.status).toBe(400);
    expect(loopback.body).toMatchObject({ code: 'NOTIFICATION_CHANNEL_URL_REFUSED', errors: [{ field: 'webhookUrl' }] });
  });

  it('lists a Chinese template for every event type and channel, seeded', async () => {
    const res = await t.http().get('/api/v1/notification-templates').set(bearer(t.admin)).expect(200);
    expect(res.body).toHaveLength(9 * 4);
    const keys = res.body.map((x: { eventType: string; channel: string }) => `${x.eventType}/${x.channel}`);
    for (const e of [...NOTIFICATION_EVENT_TYPES, 'digest']) for (const c of MESSAGE_CHANNELS) expect(keys).toContain(`${e}/${c}`);
    for (const x of res.body) {
      expect(x.version).toBe(1);
      expect(x.subject === null).toBe(x.channel === 'wecom' || x.channel === 'sms');
    }
    await t.http().get('/api/v1/notification-templates').set(bearer(director)).expect(403);
  });

  it('renders every default template with the case’s facts, in China time, with a link to the case', async () => {
    for (const eventType of NOTIFICATION_EVENT_TYPES) {
      for (const channel of MESSAGE_CHANNELS) {
        const facts: CaseMessageFacts = { ...SAMPLE_CASE, level: eventType === 'sla.escalated' ? 'escalated_2' : SAMPLE_CASE.level };
        const out = await templates.render(eventType, channel, facts);
        expect(out.text).toContain('FLT-20261201-000042');
        expect(out.text).toContain('佛山市南海区政务服务数据管理局');
        if (channel === 'email') expect(out.html).toContain('https://desk.example.cn/api/v1/faults/FLT-20261201-000042');
        if (eventType.startsWith('sla.')) expect(out.text).toContain('2026-12-01 17:30 (北京时间)');
        if (channel === 'sms') expect(out.text.startsWith('【政企客户服务】')).toBe(true);
        expect(out.subject === undefined).toBe(channel === 'wecom' || channel === 'sms');
      }
    }
    for (const channel of MESSAGE_CHANNELS) {
      const out = await templates.render('digest', channel, SAMPLE_DIGEST);
      expect(out.text).toContain('2');
      expect(out.text).toContain('FLT-20261201-000042');
      expect(out.text).toContain('ORD-20261201-000007');
    }
    const sms = await templates.render('sla.escalated', 'sms', { ...SAMPLE_CASE, level: 'escalated_3' });
    expect(sms.text).toContain('三级升级');
  });

  const put = (eventType: string, channel: string, body: Record<string, unknown>, login: StaffLogin = t.admin) =>
    t.http().put(`/api/v1/notification-templates/${eventType}/${channel}`).set(bearer(login)).send(body);

  it('refuses a template with a syntax error, an unknown variable or filter (400, with the engine’s message)', async () => {
    const syntax = await put('sla.breached', 'sms', { body: '{% if priority %}未闭合', expectedVersion: 1 });
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({
      code: 'NOTIFICATION_TEMPLATE_INVALID',
      errors: [{ field: 'body', message: expect.stringMatching(/if/) }],
    });
    const variable = await put('sla.breached', 'sms', { body: '工单{{ caseNumber }}', expectedVersion: 1 });
    expect(variable.status).toBe(400);
    expect(variable.body.errors[0].message).toMatch(/caseNumber/);
    const filter = await put('sla.breached', 'email', { subject: '{{ caseNo | shout }}', body: '<p>x</p>', expectedVersion: 1 });
    expect(filter.status).toBe(400);
    expect(filter.body.errors[0]).toMatchObject({ field: 'subject', message: expect.stringMatching(/shout/) });
    // digest variables are not a case's, and the other way round
    expect((await put('digest', 'sms', { body: '{{ caseNo }}', expectedVersion: 1 })).status).toBe(400);
    expect((await put('sla.breached', 'sms', { body: '{{ count }}', expectedVersion: 1 })).status).toBe(400);
  });

  it('asks for a subject where there is one and refuses one where there is none; an unknown template is 404', async () => {
    expect((await put('sla.breached', 'email', { body: '<p>x</p>', expectedVersion: 1 })).body.errors[0].field).toBe('subject');
    expect((await put('sla.breached', 'sms', { subject: 'x', body: 'x', expectedVersion: 1 })).status).toBe(400);
    expect((await put('sla.unknown', 'sms', { body: 'x', expectedVersion: 1 })).status).toBe(404);
    expect((await put('sla.breached', 'fax', { body: 'x', expectedVersion: 1 })).status).toBe(404);
    expect((await put('sla.breached', 'sms', { body: 'x', expectedVersion: 1 }, director)).status).toBe(403);
  });

  it('saves a valid edit (audited, version 2) which the next render uses; a stale version is 409', async () => {
    const body =
      '【政企客户服务】{{ customerName }}：{{ kindName }}{{ caseNo }}已超时{% if assigneeName %}，处理人{{ assigneeName }}{% endif %}。';
    const res = await put('sla.breached', 'sms', { body, expectedVersion: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventType: 'sla.breached', channel: 'sms', body, subject: null, version: 2 });
    expect((await templates.render('sla.breached', 'sms', SAMPLE_CASE)).text).toBe(
      '【政企客户服务】佛山市南海区政务服务数据管理局：故障FLT-20261201-000042已超时，处理人张伟。',
    );
    expect((await put('sla.breached', 'sms', { body: 'x', expectedVersion: 1 })).status).toBe(409);
    const [audit] = await t.dataSource.query(
      `SELECT changes FROM audit_log WHERE action = 'notification_template.updated' AND entity_id = 'sla.breached/sms'`,
    );
    expect(audit.changes.body.to).toBe(body);
  });

  it('escapes values in e-mail HTML and keeps them from forming markdown links or mentions', async () => {
    const evil = { ...SAMPLE_CASE, title: '<img src=x onerror=alert(1)> [钓鱼](http://evil.example) <@all>' };
    const email = await templates.render('sla.warning', 'email', evil);
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).not.toContain('<img');
    const robot = await templates.render('sla.warning', 'wecom', evil);
    expect(robot.text).not.toContain('[钓鱼](');
    expect(robot.text).not.toContain('<@all>');
    expect(robot.text).toContain('＜@all＞');
  });
});
