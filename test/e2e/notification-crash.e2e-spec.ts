import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { QueueName } from '../../src/queues/queue-names';
import type { Call, Team } from '../support/notify-world';
import { ChannelFakes, openFault, team } from '../support/notify-world';
import type { PrivateRedis } from '../support/redis-server';
import { freePort, startRedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait';
import type { ChildApp, DatabaseCopy } from '../support/worker-process';
import { API_ENTRY, WORKER_ENTRY, createDatabaseCopy, ensureBuilt, outputs, spawnBuilt, waitReady } from '../support/worker-process';

/**
 * docs/ARCHITECTURE.md, "Notification pipeline": killing the worker
 * mid-way, and flushing Redis with it, loses and doubles nothing, provably
 * from the delivery log and from what the channels' fakes received.
 *
 * The built app runs as an API process and a worker process on a copy of the
 * test database and a PRIVATE redis-server. SLA clocks of seconds make the
 * real SLA engine raise a stream of alerts (every level of every fault's
 * response clock); while messages are going out the worker is SIGKILLed,
 * Redis is flushed, and another worker starts. Every template is set (through
 * the admin API) to list `<case number>/<level>` for each alert it carries,
 * so each message the fakes received can be read back item by item.
 */

const fakes = new ChannelFakes();
let redis: PrivateRedis;
let db: DatabaseCopy;
let pg: Client;
const children: ChildApp[] = [];
const adminPassword = randomBytes(12).toString('base64url');

type Row = Record<string, any>;
const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pg.query(sql, params)).rows;

beforeAll(async () => {
  await ensureBuilt();
  await fakes.start();
  redis = await startRedisServer();
  db = await createDatabaseCopy();
  pg = new Client({ connectionString: db.url });
  await pg.connect();
}, 180_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(5000)));
  await pg?.end().catch(() => undefined);
  await db?.drop();
  await redis?.stop();
  await fakes.stop();
}, 30_000);

function callOn(base: string, token: string): Call {
  return async (method, path, body, as = token) => {
    const res = await fetch(`${base}${path}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** `FLT-…/breached` items of a received text. */
const itemsIn = (text: string) =>
  [...text.matchAll(/(FLT-\d{8}-\d{6})\/(warning|breached|escalated_2|escalated_3)/g)].map((m) => `${m[1]}/${m[2]}`);

/** Every template of an SLA alert and of a digest, per channel, listing `<case number>/<level>` per alert. */
async function machineReadableTemplates(call: Call): Promise<void> {
  const templates = (await call('get', '/api/v1/notification-templates')).body as Row[];
  const list = Array.isArray(templates) ? templates : (templates as unknown as { items: Row[] }).items;
  for (const tpl of list) {
    if (!['sla.warning', 'sla.breached', 'sla.escalated', 'digest'].includes(tpl.eventType)) continue;
    const body =
      tpl.eventType === 'digest'
        ? '告警：{% for item in items %}{{ item.caseNo }}/{{ item.level }} {% endfor %}'
        : '告警：{{ caseNo }}/{{ level }}';
    const subject = ['email', 'dingtalk'].includes(tpl.channel) ? '告警' : undefined;
    const res = await call('put', `/api/v1/notification-templates/${tpl.eventType}/${tpl.channel}`, {
      body,
      ...(subject ? { subject } : {}),
      expectedVersion: tpl.version,
    });
    if (res.status !== 200) throw new Error(`template ${tpl.eventType}/${tpl.channel}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

it('loses and doubles nothing when the worker is SIGKILLed mid-way and Redis is flushed', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = `{focus-one-test-notify-${randomBytes(4).toString('hex')}}`;
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    SLA_SWEEP_SECONDS: '1',
    SLA_MIN_SECONDS: '1',
    OUTBOX_POLL_MS: '200',
    ...fakes.env(),
    SMPP_MAX_SEGMENTS: '30',
    NOTIFY_DIGEST_WINDOW_SECONDS: '1',
    NOTIFY_QUIET_HOURS: 'off',
    NOTIFY_RETRY_BASE_MS: '200',
    NOTIFY_SEND_LEASE_SECONDS: '3',
  };
  const launch = (name: string, entry: string) => {
    const child = spawnBuilt(name, entry, env);
    children.push(child);
    return child;
  };
  const queue = new Queue(QueueName.notifications, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix });
  try {
    const api = launch('api', API_ENTRY);
    const first = launch('worker-1', WORKER_ENTRY);
    await waitReady(api, base);
    await waitFor(async () => (await queue.getWorkersCount()) === 1, 30_000, 'worker-1 on the notifications queue');
    const login = await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: adminPassword }),
    });
    const call = callOn(base, ((await login.json()) as { accessToken: string }).accessToken);

    await machineReadableTemplates(call);
    const teams: Team[] = [];
    for (const region of ['440604', '440605', '440606', '440607']) teams.push(await team(call, fakes, region));
    // fault:P1 of seconds: warning at 2 s, breached at 4 s, escalated at 6 s and 8 s after each opening
    expect(
      (await call('put', '/api/v1/sla/policies/fault:P1', { responseSeconds: 4, resolutionSeconds: 3600, warnAtPercent: 50 })).status,
    ).toBe(200);
    // The workers reload edited templates every 5 s.
    await new Promise((r) => setTimeout(r, 6_000));

    const received = () => fakes.smsc.messages.length + fakes.mail.mails.length + fakes.wecom.hits.length + fakes.dingtalk.hits.length;
    const faults: { id: string; caseNo: string }[] = [];
    let killed = false;
    let atKill = 0;
    let second: ChildApp | undefined;
    // A stream of faults, one every 250 ms; mid-way through the messages, kill -9 the worker and flush Redis.
    for (let i = 0; i < 40; i++) {
      faults.push(await openFault(call, teams[i % teams.length]));
      if (!killed && received() >= 12) {
        atKill = received();
        await first.kill();
        await redis.flushall();
        killed = true;
      } else if (killed && !second) {
        second = launch('worker-2', WORKER_ENTRY);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(killed).toBe(true);
    second ??= launch('worker-2', WORKER_ENTRY);

    // Every level of every fault's response clock raised, and every delivery settled.
    const ids = faults.map((f) => f.id);
    const rows = await waitFor(
      async () => {
        for (const c of [api, second]) if (!c.alive()) throw new Error(`${c.name} died:\n${outputs([c])}`);
        const [{ n }] = await q(`SELECT count(*)::int AS n FROM alerts WHERE case_id = ANY ($1::uuid[]) AND clock = 'response'`, [ids]);
        if (n < 4 * faults.length) return null;
        const all = await q(
          `SELECT n.*, a.level FROM notification_deliveries n JOIN alerts a ON a.id = n.alert_id WHERE a.case_id = ANY ($1::uuid[])`,
          [ids],
        );
        const busy = await q(`SELECT count(*)::int AS n FROM notification_digests WHERE state IN ('pending', 'failed', 'sending')`);
        return busy[0].n === 0 && all.every((r) => r.state === 'sent') ? all : null;
      },
      150_000,
      'every alert raised and every notification sent',
      250,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${outputs(children)}`);
    });

    // 1. Nothing lost, by the log: every alert reached both robots of its region, every breach the duty manager and
    //    the account manager, and each (alert, recipient, channel) has exactly one row, sent.
    const alerts = await q(`SELECT id, case_no, level, region FROM alerts WHERE case_id = ANY ($1::uuid[]) AND clock = 'response'`, [ids]);
    expect(alerts).toHaveLength(160);
    const rowsOf = new Map<string, Row[]>();
    for (const r of rows) rowsOf.set(r.alert_id, [...(rowsOf.get(r.alert_id) ?? []), r]);
    for (const a of alerts) {
      const team = teams.find((x) => x.region === a.region)!;
      const mine = rowsOf.get(a.id) ?? [];
      const reached = new Set(mine.map((r) => `${r.recipient_key}|${r.channel}`));
      expect(reached.size).toBe(mine.length);
      expect(reached).toContain(`group:${team.wecomChannelId}|wecom`);
      expect(reached).toContain(`group:${team.dingtalkChannelId}|dingtalk`);
      if (a.level === 'breached') {
        expect(reached).toContain(`staff:${team.dutyManager.id}|sms`);
        expect(reached).toContain(`staff:${team.accountManager.id}|email`);
      }
    }

    // 2. Nothing doubled, by the fakes: what each recipient received on each channel, item by item, is exactly what
    //    the log says was sent to them, each once; only a message whose attempt the log marks in doubt (its worker
    //    died between sending and recording) may have arrived twice.
    const inDoubt = await q(`SELECT a.digest_id FROM notification_digest_attempts a WHERE a.outcome = 'in_doubt'`);
    const doubtful = new Set(inDoubt.map((r) => r.digest_id));
    const expected = new Map<string, string[]>();
    for (const r of rows) {
      const key = `${r.recipient_key}|${r.channel}`;
      expected.set(key, [...(expected.get(key) ?? []), `${r.case_no}/${r.level}`]);
    }
    const got = new Map<string, string[]>();
    const add = (key: string, text: string) => got.set(key, [...(got.get(key) ?? []), ...itemsIn(text)]);
    for (const t of teams) {
      for (const p of [t.engineer, t.dutyManager, t.accountManager]) {
        if (p.workPhone) for (const m of fakes.smsTo(p.workPhone)) add(`staff:${p.id}|sms`, m.text);
        if (p.email) for (const m of fakes.mailTo(p.email)) add(`staff:${p.id}|email`, m.html ?? m.text ?? '');
      }
      for (const h of fakes.wecom.accepted(t.wecomKey)) add(`group:${t.wecomChannelId}|wecom`, h.body.markdown.content);
      for (const h of fakes.dingtalk.accepted(t.dingtalkToken)) add(`group:${t.dingtalkChannelId}|dingtalk`, h.body.markdown.text);
    }
    const doubtfulItems = new Set(
      rows.filter((r) => doubtful.has(r.digest_id)).map((r) => `${r.recipient_key}|${r.channel}|${r.case_no}/${r.level}`),
    );
    let doubled = 0;
    for (const [key, items] of expected) {
      const counts = new Map<string, number>();
      for (const item of got.get(key) ?? []) counts.set(item, (counts.get(item) ?? 0) + 1);
      for (const item of items) {
        const n = counts.get(item) ?? 0;
        if (n === 2 && doubtfulItems.has(`${key}|${item}`)) doubled++;
        else expect(`${key} ${item} received ${n}×`).toBe(`${key} ${item} received 1×`);
      }
      // and nothing was received that the log does not name
      expect([...counts.keys()].filter((item) => !items.includes(item))).toEqual([]);
    }
    expect(got.size).toBe(expected.size);
    // The log tells how many messages could have been doubled; none was, or it says so.
    expect(doubled).toBeLessThanOrEqual(doubtful.size);
    process.stdout.write(
      `notification crash test: ${rows.length} deliveries of ${alerts.length} alerts, ${received()} messages received (${atKill} before the kill), ` +
        `${doubtful.size} attempts in doubt, ${doubled} items received twice\n`,
    );
  } finally {
    await queue.close();
  }
}, 300_000);
