/**
 * Notification pipeline benchmark (issue 13):
 *
 *   npm run bench:notify
 *
 * On a fresh database with the built server running (API + workers), sets
 * up BENCH_REGIONS (20) districts, each with a WeCom and a DingTalk robot
 * (local fakes: test/support/robot-fakes.ts, enforcing 20 a minute) and
 * BENCH_PEOPLE_PER_REGION (10) people with a mobile (the `smpp` package's
 * own SMSC on loopback: test/support/fake-smsc.ts), named by the region's
 * escalation policy for `breached`: 200 recipients on three channels. Opens
 * BENCH_ALERTS / BENCH_REGIONS faults per region through the API, then raises
 * BENCH_ALERTS (10,000) `breached` alerts within BENCH_RAISE_SECONDS (10) s
 * through the SLA engine's own call (AlertsService.raiseMany, in batches of
 * 500 as the drain does), from a Nest context of the same build in this
 * process, and waits until the delivery log has settled.
 *
 * Reports: time from alert raised to message accepted by the channel, at
 * p50/p99, for the messages that no digest window held (each recipient's
 * first on each channel: the later ones wait for their window by design);
 * messages per channel; and lost / doubled, counted from what the fakes
 * received against the delivery log (each message says how many alerts it
 * carries). Results go to test/bench/results/ and docs/PERFORMANCE.md.
 */
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AlertsService } from '../../src/alerts/alerts.service';
import { AppModule } from '../../src/app.module';
import { PostCommit } from '../../src/common/post-commit';
import { AppConfig } from '../../src/config/app-config';
import { FakeSmsc } from '../support/fake-smsc';
import { DingtalkFake, WecomFake } from '../support/robot-fakes';
import {
  REDIS_URL,
  api,
  benchCreditCode,
  benchDatabaseUrl,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  machine,
  percentile,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const REGIONS = envInt('BENCH_REGIONS', 20);
const PEOPLE = envInt('BENCH_PEOPLE_PER_REGION', 10);
const ALERTS = envInt('BENCH_ALERTS', 10_000);
const RAISE_SECONDS = envInt('BENCH_RAISE_SECONDS', 10);
const WINDOW_SECONDS = envInt('BENCH_WINDOW_SECONDS', 60);
const BATCH = 500;
const SMSC = { systemId: 'focusone', password: 'pw1234' };

/** Guangdong districts (GB/T 2260), one per robot pair. */
const DISTRICTS = [
  '440103',
  '440104',
  '440105',
  '440106',
  '440111',
  '440112',
  '440113',
  '440114',
  '440115',
  '440117',
  '440118',
  '440303',
  '440304',
  '440305',
  '440306',
  '440307',
  '440308',
  '440604',
  '440605',
  '440606',
  '440607',
  '440608',
  '440703',
  '440704',
  '440705',
];

/** How many alerts a received message stands for: a digest says its count, a single alert's message is one. */
const countIn = (text: string) => Number(/(?:您有|共 )(\d+) ?条/.exec(text)?.[1] ?? 1);

async function main(): Promise<void> {
  if (REGIONS > DISTRICTS.length) throw new Error(`BENCH_REGIONS is at most ${DISTRICTS.length}`);
  const dbUrl = benchDatabaseUrl('focus_one_notify_bench');
  await recreateDatabase(dbUrl);
  const wecom = new WecomFake();
  const dingtalk = new DingtalkFake();
  const smsc = new FakeSmsc(SMSC);
  await Promise.all([wecom.start(), dingtalk.start(), smsc.start()]);
  const env = {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    NOTIFY_SECRET_KEY: randomBytes(32).toString('base64'),
    SMPP_URL: smsc.url,
    SMPP_SYSTEM_ID: SMSC.systemId,
    SMPP_PASSWORD: SMSC.password,
    SMPP_SOURCE_ADDR: '10655000',
    SMPP_MAX_PER_SECOND: String(envInt('BENCH_SMPP_PER_SECOND', 200)),
    NOTIFY_DIGEST_WINDOW_SECONDS: String(WINDOW_SECONDS),
    NOTIFY_QUIET_HOURS: 'off',
  };
  const server = await startServer(dbUrl, env);
  let context: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    const call = <T = any>(method: string, path: string, body?: unknown) => api<T>(server.url, admin, method, path, body);

    // 1. Regions: two robots, ten people with mobiles named by the policy, one customer.
    const regions = DISTRICTS.slice(0, REGIONS);
    const people = new Map<string, { id: string; mobile: string }[]>();
    const robots = new Map<string, { wecomKey: string; dingtalkToken: string }>();
    const customers = new Map<string, string>();
    let n = 0;
    for (const region of regions) {
      const wecomKey = `k-${region}-${randomBytes(3).toString('hex')}`;
      const dingtalkToken = `t-${region}-${randomBytes(3).toString('hex')}`;
      const secret = `SEC${randomBytes(32).toString('hex')}`;
      await call('POST', '/api/v1/notification-channels', {
        region,
        name: '企业微信值班群',
        type: 'wecom_robot',
        webhookUrl: wecom.url(wecomKey),
      });
      await call('POST', '/api/v1/notification-channels', {
        region,
        name: '钉钉值班群',
        type: 'dingtalk_robot',
        webhookUrl: dingtalk.robot(dingtalkToken, secret),
        secret,
      });
      robots.set(region, { wecomKey, dingtalkToken });
      const mine = [];
      for (let i = 0; i < PEOPLE; i++, n++) {
        const mobile = `137${String(n).padStart(8, '0')}`;
        const s = await call<{ id: string }>('POST', '/api/v1/staff', {
          username: `bench.${region}.${i}`,
          password: 'a-long-password-13',
          displayName: `值班员${n}`,
          roles: ['agent'],
          regions: [region],
          workPhone: mobile,
        });
        mine.push({ id: s.id, mobile });
      }
      people.set(region, mine);
      await call('PUT', `/api/v1/escalation-policies/${region}`, {
        levels: { warning: [], breached: mine.map((p) => `staff:${p.id}`), escalated_2: [], escalated_3: [] },
        expectedVersion: 0,
      });
      const c = await call<{ id: string }>('POST', '/api/v1/customers', {
        name: `基准测试客户${region}有限公司`,
        creditCode: benchCreditCode(Number(region)),
        tier: 'key',
        industry: 'manufacturing',
        homeRegion: region,
        greenChannel: false,
        contacts: [{ name: '联系人', mobile: `139${region}00`, role: 'primary' }],
        sites: [{ name: '站点', region, address: '测试路1号' }],
      });
      customers.set(region, c.id);
    }

    // 2. The faults, through the API (their clocks run on the default policies: no alert of their own during the run).
    const perRegion = Math.ceil(ALERTS / REGIONS);
    const caseIds: string[] = [];
    const opened = Date.now();
    for (let i = 0; i < ALERTS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, ALERTS - i) }, (_, k) => {
          const region = regions[Math.floor((i + k) / perRegion)];
          return call<{ id: string }>('POST', '/api/v1/faults', {
            customerId: customers.get(region),
            category: 'fault',
            severity: 'critical',
            title: '专线中断',
            description: '基准测试',
            reportedVia: 'hotline',
            reporterName: '联系人',
            reporterMobile: `139${region}00`,
          });
        }),
      );
      caseIds.push(...batch.map((b) => b.id));
    }
    const openSeconds = (Date.now() - opened) / 1000;

    // 3. Raise the breaches: BATCH at a time, spread over RAISE_SECONDS, through AlertsService.raiseMany.
    const config = AppConfig.load({
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      REDIS_URL,
      QUEUE_PREFIX: server.queuePrefix,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ADMIN_PASSWORD: server.adminPassword,
      LOG_LEVEL: 'warn',
      ...env,
    });
    context = await NestFactory.createApplicationContext(AppModule.forRoot({ config, api: false, worker: false }), { logger: ['error'] });
    const alertsService = context.get(AlertsService);
    const dataSource = context.get(DataSource);
    const clocks = (
      await pg.query(
        `SELECT c.id, c.case_kind, c.case_id, c.clock, c.due_at, ci.case_no, ci.customer_id, ci.region
           FROM sla_clocks c JOIN case_index ci ON ci.kind = c.case_kind AND ci.id = c.case_id
          WHERE c.case_id = ANY ($1::uuid[]) AND c.clock = 'resolution'`,
        [caseIds],
      )
    ).rows;
    const raiseStart = Date.now();
    for (let i = 0; i < clocks.length; i += BATCH) {
      const due = raiseStart + (i / clocks.length) * RAISE_SECONDS * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      const post = new PostCommit();
      await dataSource.transaction((em) =>
        alertsService.raiseMany(
          em,
          post,
          clocks.slice(i, i + BATCH).map((c) => ({
            caseKind: c.case_kind,
            caseId: c.case_id,
            caseNo: c.case_no,
            customerId: c.customer_id,
            region: c.region,
            clockId: c.id,
            clock: c.clock,
            level: 'breached' as const,
            dueAt: c.due_at,
          })),
        ),
      );
      await post.run();
    }
    const raiseSeconds = (Date.now() - raiseStart) / 1000;

    // 4. Wait for the log to settle: every delivery sent (or dead), no digest busy.
    const settleStart = Date.now();
    for (;;) {
      const [{ busy, rows }] = (
        await pg.query(
          `SELECT (SELECT count(*)::int FROM notification_digests WHERE state IN ('pending', 'failed', 'sending')) AS busy,
                  (SELECT count(*)::int FROM notification_deliveries) AS rows`,
        )
      ).rows;
      if (busy === 0 && rows >= ALERTS * (PEOPLE + 2)) break;
      if (Date.now() - settleStart > (WINDOW_SECONDS * 4 + 300) * 1000) throw new Error(`not settled: ${busy} busy, ${rows} rows`);
      await sleep(1000);
    }
    const settleSeconds = (Date.now() - raiseStart) / 1000;

    // 5. Measure. Latency: messages not held by a window (the digest was due when it was opened).
    const latency = (
      await pg.query(
        `SELECT d.channel, extract(epoch FROM d.sent_at - min(a.raised_at)) * 1000 AS ms
           FROM notification_digests d
           JOIN notification_deliveries n ON n.digest_id = d.id
           JOIN alerts a ON a.id = n.alert_id
          WHERE d.state = 'sent' AND d.send_at <= d.created_at
          GROUP BY d.id`,
      )
    ).rows as { channel: string; ms: number }[];
    const states = (await pg.query(`SELECT state, count(*)::int AS n FROM notification_deliveries GROUP BY state ORDER BY state`)).rows;
    const digests = (
      await pg.query(`SELECT channel, count(*)::int AS n FROM notification_digests WHERE state = 'sent' GROUP BY channel ORDER BY channel`)
    ).rows;
    const inDoubt = (await pg.query(`SELECT count(*)::int AS n FROM notification_digest_attempts WHERE outcome = 'in_doubt'`)).rows[0].n;
    const rateWaits = (await pg.query(`SELECT count(*)::int AS n FROM notification_digest_attempts WHERE outcome = 'failed'`)).rows[0].n;

    // Lost and doubled, from the fakes: each recipient on each channel must have received every alert of its region once.
    let lost = 0;
    let doubled = 0;
    const tally = (received: number, expected: number) => {
      if (received < expected) lost += expected - received;
      else doubled += received - expected;
    };
    const alertsOf = new Map<string, number>();
    for (const c of clocks) alertsOf.set(c.region, (alertsOf.get(c.region) ?? 0) + 1);
    for (const region of regions) {
      const expected = alertsOf.get(region) ?? 0;
      const r = robots.get(region)!;
      tally(
        wecom.accepted(r.wecomKey).reduce((s, h) => s + countIn(h.body.markdown.content), 0),
        expected,
      );
      tally(
        dingtalk.accepted(r.dingtalkToken).reduce((s, h) => s + countIn(h.body.markdown.title), 0),
        expected,
      );
      for (const p of people.get(region)!) {
        tally(
          smsc.messages.filter((m) => m.destination.endsWith(p.mobile)).reduce((s, m) => s + countIn(m.text), 0),
          expected,
        );
      }
    }
    const refused = wecom.hits.filter((h) => h.errcode !== 0).length + dingtalk.hits.filter((h) => h.errcode !== 0).length;
    const byChannel = (ch: string) => latency.filter((l) => l.channel === ch).map((l) => Number(l.ms));
    const row = (ch: string) => {
      const xs = byChannel(ch);
      return `| ${ch} | ${xs.length} | ${percentile(xs, 50).toFixed(0)} | ${percentile(xs, 99).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
    };
    const report = [
      `# bench:notify — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${ALERTS} \`sla.breached\` alerts raised in ${raiseSeconds.toFixed(1)} s (batches of ${BATCH}) ` +
        `for ${REGIONS * PEOPLE} people in ${REGIONS} regions (SMS each) and ${REGIONS * 2} robots (WeCom, DingTalk); ` +
        `digest window ${WINDOW_SECONDS} s; ${ALERTS} faults opened through the API first in ${openSeconds.toFixed(0)} s.`,
      '',
      'Alert raised → message accepted by the channel, messages no window held (ms):',
      '',
      '| channel | messages | p50 | p99 | max |',
      '|---|---|---|---|---|',
      row('sms'),
      row('wecom'),
      row('dingtalk'),
      '',
      `Messages sent per channel: ${digests.map((d) => `${d.channel} ${d.n}`).join(', ')}; SMSC messages received ${smsc.messages.length} ` +
        `(${smsc.segments.length} segments); robot posts refused ${refused}.`,
      `Deliveries: ${states.map((s) => `${s.state} ${s.n}`).join(', ')}; attempts failed ${rateWaits}, in doubt ${inDoubt}.`,
      `Everything settled ${settleSeconds.toFixed(1)} s after the first alert. Lost ${lost}, doubled ${doubled} (from the fakes against the log).`,
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    process.stdout.write(`written to ${writeReport('notify', report)}\n`);
    if (lost || doubled) process.exitCode = 1;
  } finally {
    await context?.close();
    await pg.end();
    await server.stop();
    await deleteQueueKeys(server.queuePrefix);
    await Promise.all([wecom.stop(), dingtalk.stop(), smsc.stop()]);
    if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(dbUrl);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
