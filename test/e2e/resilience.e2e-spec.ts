import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type request from 'supertest';
import { QueueName } from '../../src/queues/queue-names';
import type { FireJobData } from '../../src/sla/sla-clocks.service';
import { FIRE_JOB } from '../../src/sla/sla-clocks.service';
import { SWEEP_JOB } from '../../src/sla/sla-timer.processor';
import type { AlertLevel } from '../../src/sla/sla-levels.port';
import { ALERT_LEVELS, alertEventType, levelAt } from '../../src/sla/sla-levels.port';
import { customerBody, faultBody } from '../support/factories';
import type { PrivateRedis } from '../support/redis-server';
import { freePort, startRedisServer } from '../support/redis-server';
import { slaWatch, waitForSlaSettled } from '../support/sla';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { Receiver } from '../support/webhook-receiver';
import { waitForDeliveriesSettled } from '../support/webhooks';
import type { ChildApp, DatabaseCopy } from '../support/worker-process';
import { API_ENTRY, WORKER_ENTRY, createDatabaseCopy, ensureBuilt, outputs, spawnBuilt, waitReady } from '../support/worker-process';

/**
 * docs/ARCHITECTURE.md, "Invariants": PostgreSQL holds every clock,
 * Redis only wakes workers. Losing Redis, or a worker, may delay an alert,
 * never lose or repeat it; any number of workers raise each
 * (case, clock, level) exactly once, with exactly one event.
 *
 * Every test runs on a PRIVATE redis-server (FLUSHALL on the machine's
 * shared Redis would wreck other suites) and its own copy of the test
 * database, with SLA_SWEEP_SECONDS=1 and a P1 fault policy of seconds.
 */

const SWEEP_SECONDS = 1;
/** fault:P1 for these tests: response 3 s, resolution 6 s, warning at 50 %, so every level falls due within 12 s. */
const POLICY = { responseSeconds: 3, resolutionSeconds: 6, warnAtPercent: 50 };
/** Beyond one sweep interval: BullMQ's delayed-job latency, the sweep's own run, a loaded CI machine. */
const SLACK_MS = 2000;

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
interface Api {
  send(method: 'get' | 'post' | 'put', path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

interface ClockRow {
  id: string;
  case_id: string;
  clock: 'response' | 'resolution';
  warn_at: Date;
  due_at: Date;
  escalate_2_at: Date;
  escalate_3_at: Date;
  state: string;
  generation: number;
}
interface Due {
  key: string;
  clockId: string;
  generation: number;
  caseId: string;
  clock: string;
  level: AlertLevel;
  dueAt: number;
}
interface AlertRow {
  id: string;
  case_id: string;
  clock: string;
  level: AlertLevel;
  due_at: Date;
  raised_at: Date;
}

const alertKey = (caseId: string, clock: string, level: string) => `${caseId}|${clock}|${level}`;

/** Every (case, clock, level) the clocks owe, with its due time, from the clock rows (none is paused or stopped here). */
function owed(clocks: ClockRow[]): Due[] {
  const out: Due[] = [];
  for (const c of clocks) {
    expect(c.state).toBe('running');
    const levels = { warnAt: c.warn_at, dueAt: c.due_at, escalate2At: c.escalate_2_at, escalate3At: c.escalate_3_at };
    for (const level of ALERT_LEVELS)
      out.push({
        key: alertKey(c.case_id, c.clock, level),
        clockId: c.id,
        generation: c.generation,
        caseId: c.case_id,
        clock: c.clock,
        level,
        dueAt: new Date(levelAt(levels, level)!).getTime(),
      });
  }
  return out;
}

const loadClocks = (q: Query, caseIds: string[]) =>
  q<ClockRow>(
    `SELECT id, case_id, clock, warn_at, due_at, escalate_2_at, escalate_3_at, state, generation FROM sla_clocks WHERE case_kind = 'fault' AND case_id = ANY($1::uuid[])`,
    [caseIds],
  );
const loadAlerts = (q: Query, caseIds: string[]) =>
  q<AlertRow>(`SELECT id, case_id, clock, level, due_at, raised_at FROM alerts WHERE case_id = ANY($1::uuid[]) ORDER BY raised_at`, [
    caseIds,
  ]);
const countAlerts = async (q: Query, caseIds: string[]) =>
  Number((await q<{ n: number }>(`SELECT count(*)::int AS n FROM alerts WHERE case_id = ANY($1::uuid[])`, [caseIds]))[0].n);

/** Waits until every owed alert exists (fails with what is missing). */
async function waitForAll(q: Query, caseIds: string[], due: Due[], context: () => string = () => ''): Promise<void> {
  const last = Math.max(...due.map((d) => d.dueAt));
  const timeout = Math.max(0, last - Date.now()) + 15_000;
  try {
    await waitFor(async () => (await countAlerts(q, caseIds)) >= due.length, timeout, `${due.length} alerts`);
  } catch (err) {
    const have = new Set((await loadAlerts(q, caseIds)).map((a) => alertKey(a.case_id, a.clock, a.level)));
    const missing = due.filter((d) => !have.has(d.key)).map((d) => `${d.key} due ${new Date(d.dueAt).toISOString()}`);
    throw new Error(`${(err as Error).message}; ${missing.length} missing, e.g.\n${missing.slice(0, 10).join('\n')}\n${context()}`, {
      cause: err,
    });
  }
}

interface Lateness {
  maxMs: number;
  p50Ms: number;
  count: number;
}

/**
 * The guarantee itself, checked from PostgreSQL: each owed (case, clock,
 * level) has exactly one alert, none early, none not owed; each alert has
 * exactly one outbox event of the right type (and the counts per type
 * match) and exactly one timeline entry; lateness within `allowedLateMs`.
 */
async function assertExactlyOnce(
  q: Query,
  caseIds: string[],
  due: Due[],
  allowedLateMs: (d: Due) => number,
): Promise<{ alerts: AlertRow[]; lateness: Lateness; eventIds: string[] }> {
  const alerts = await loadAlerts(q, caseIds);
  const byKey = new Map<string, AlertRow[]>();
  for (const a of alerts)
    byKey.set(alertKey(a.case_id, a.clock, a.level), [...(byKey.get(alertKey(a.case_id, a.clock, a.level)) ?? []), a]);
  const dueByKey = new Map(due.map((d) => [d.key, d]));
  expect([...byKey.keys()].filter((k) => !dueByKey.has(k))).toEqual([]); // nothing that was not owed
  expect(due.filter((d) => (byKey.get(d.key)?.length ?? 0) !== 1).map((d) => `${d.key} × ${byKey.get(d.key)?.length ?? 0}`)).toEqual([]);
  expect(alerts).toHaveLength(due.length);

  const late: number[] = [];
  const tooLate: string[] = [];
  for (const a of alerts) {
    const d = dueByKey.get(alertKey(a.case_id, a.clock, a.level))!;
    expect(new Date(a.due_at).getTime()).toBe(d.dueAt);
    const ms = new Date(a.raised_at).getTime() - d.dueAt;
    late.push(ms);
    if (ms < 0 || ms > allowedLateMs(d)) tooLate.push(`${d.key}: raised ${ms} ms after due (allowed 0..${allowedLateMs(d)})`);
  }
  expect(tooLate).toEqual([]);

  const events = await q<{ id: string; type: string; alert_id: string }>(
    `SELECT id, type, data->>'alertId' AS alert_id FROM outbox_events WHERE type LIKE 'sla.%' AND data->>'caseId' = ANY($1::text[])`,
    [caseIds],
  );
  const eventsPerAlert = new Map<string, { id: string; type: string }[]>();
  for (const e of events) eventsPerAlert.set(e.alert_id, [...(eventsPerAlert.get(e.alert_id) ?? []), e]);
  expect(
    alerts
      .filter((a) => eventsPerAlert.get(a.id)?.length !== 1)
      .map((a) => `${a.id} ${a.level}: ${eventsPerAlert.get(a.id)?.length ?? 0} events`),
  ).toEqual([]);
  expect(alerts.filter((a) => eventsPerAlert.get(a.id)![0].type !== alertEventType(a.level))).toEqual([]);
  expect(events).toHaveLength(alerts.length);
  const perType = (xs: string[]) => xs.reduce<Record<string, number>>((m, t) => ((m[t] = (m[t] ?? 0) + 1), m), {});
  expect(perType(events.map((e) => e.type))).toEqual(perType(alerts.map((a) => alertEventType(a.level))));

  const timeline = await q<{ alert_id: string; n: number }>(
    `SELECT data->>'alertId' AS alert_id, count(*)::int AS n FROM case_timeline
      WHERE case_kind = 'fault' AND case_id = ANY($1::uuid[]) AND type LIKE 'sla.%' GROUP BY 1`,
    [caseIds],
  );
  expect(timeline.filter((r) => r.n !== 1)).toEqual([]);
  expect(timeline).toHaveLength(alerts.length);

  const sorted = [...late].sort((a, b) => a - b);
  return {
    alerts,
    lateness: { maxMs: sorted[sorted.length - 1], p50Ms: sorted[Math.floor(sorted.length / 2)], count: sorted.length },
    eventIds: events.map((e) => e.id),
  };
}

/** The short policy, one key-tier customer, then `n` critical faults (→ P1) opened at once. */
async function openFaults(api: Api, n: number): Promise<string[]> {
  const policy = await api.send('put', '/api/v1/sla/policies/fault:P1', POLICY);
  expect(policy.status).toBe(200);
  const customer = await api.send('post', '/api/v1/customers', customerBody({ tier: 'key', greenChannel: false }));
  expect(customer.status).toBe(201);
  const faults = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      api.send(
        'post',
        '/api/v1/faults',
        faultBody(customer.body.id, { title: `专线中断 #${i + 1}`, description: '光缆被挖断，整条专线不通' }),
      ),
    ),
  );
  for (const f of faults) {
    expect(f.status).toBe(201);
    expect(f.body).toMatchObject({ priority: 'P1', sla: { policyKey: 'fault:P1' } });
  }
  return faults.map((f) => f.body.id as string);
}

function fetchApi(base: string, token: string): Api {
  return {
    async send(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

async function login(base: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A test-side view of one BullMQ queue of the app (same Redis, same prefix). */
const appQueue = (redisUrl: string, prefix: string, name: string) =>
  new Queue(name, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix });

const summary: string[] = [];
const note = (line: string) => summary.push(line);

describe('SLA alerts survive a flushed Redis and killed or doubled workers', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    if (summary.length) process.stdout.write(`\nresilience:\n  ${summary.join('\n  ')}\n`);
  });

  describe('FLUSHALL while 40 clocks run (API and workers in one process)', () => {
    let t: TestApp;
    let slaQueue: Queue;

    beforeAll(async () => {
      t = await startTestApp({ REDIS_URL: redis.url, SLA_SWEEP_SECONDS: String(SWEEP_SECONDS) });
      slaQueue = t.app.get<Queue>(getQueueToken(QueueName.sla));
    });
    afterAll(() => t?.close());

    it('raises every owed alert exactly once, at most about one sweep interval late, and the sweep scheduler comes back', async () => {
      const api: Api = {
        async send(method, path, body) {
          let req = t.http()[method](path).set(bearer(t.admin));
          if (body !== undefined) req = req.send(body as object);
          const res: request.Response = await req;
          return { status: res.status, body: res.body };
        },
      };
      const q: Query = (sql, params) => t.dataSource.query(sql, params);
      await waitFor(
        async () => (await slaQueue.getJobSchedulers()).some((s) => s.key === SWEEP_JOB),
        10_000,
        'the sweep scheduler at boot',
      );

      /** FLUSHALL, then how long the sweep's job scheduler stays missing (only the workers' keeper brings it back). */
      const flush = async () => {
        await redis.flushall();
        const at = Date.now();
        await waitFor(() => slaQueue.getJobScheduler(SWEEP_JOB), 15_000, 'the sweep scheduler to come back after FLUSHALL', 10);
        return { at, gapMs: Date.now() - at };
      };

      const caseIds = await openFaults(api, 20);
      // The response timers were armed at intake (their warnings, 1.5 s away, lie within the two-sweep arming horizon;
      // the resolution warnings, 3 s away, are the sweep's to arm), with the sweep's next run — the flush takes them all.
      // On a slow machine a warning may already be firing (its job taken, the next level's not yet added): count every job not yet done.
      const armed = await slaQueue.getJobCountByTypes('delayed', 'waiting', 'prioritized', 'active');
      expect(armed).toBeGreaterThanOrEqual(caseIds.length);
      const first = await flush();
      // The first flush hits the keeper at a random point of its period; this one comes right after it re-upserted,
      // so the scheduler stays away for the keeper's whole period, which must not exceed the sweep interval.
      const second = await flush();
      expect(second.gapMs).toBeLessThanOrEqual(SWEEP_SECONDS * 1000 + 1000);

      const due = owed(await loadClocks(q, caseIds));
      expect(due).toHaveLength(8 * caseIds.length);
      // Nothing (at most a response warning, on a slow machine) fell due before the first flush: these alerts had to be rebuilt from PostgreSQL.
      expect(due.filter((d) => d.dueAt <= first.at && !(d.clock === 'response' && d.level === 'warning'))).toEqual([]);

      await waitForAll(q, caseIds, due);
      const { lateness } = await assertExactlyOnce(q, caseIds, due, () => SWEEP_SECONDS * 1000 + SLACK_MS);
      note(
        `flush: sweep scheduler missing ${first.gapMs} ms, then ${second.gapMs} ms after a flush right behind the keeper; ` +
          `${lateness.count} alerts, lateness p50 ${lateness.p50Ms} ms, max ${lateness.maxMs} ms (bound ${SWEEP_SECONDS * 1000 + SLACK_MS} ms)`,
      );

      const schedulers = await slaQueue.getJobSchedulers();
      expect(schedulers.find((s) => s.key === SWEEP_JOB)).toMatchObject({ every: SWEEP_SECONDS * 1000 });
      // Nothing more is raised afterwards (no late duplicate from a re-armed timer): once every timer of these clocks has run and none is due.
      await waitForSlaSettled(slaWatch(t), caseIds);
      expect(await countAlerts(q, caseIds)).toBe(due.length);
    }, 60_000);
  });

  describe('built processes: an API and separate workers', () => {
    const dbs: DatabaseCopy[] = [];
    const clients: Client[] = [];
    let q: Query;
    const children: ChildApp[] = [];
    const queues: Queue[] = [];
    const adminPassword = randomBytes(12).toString('base64url');
    const jwtSecret = randomBytes(48).toString('base64url');

    beforeAll(async () => {
      await ensureBuilt();
    }, 150_000);

    afterAll(async () => {
      await Promise.all(children.map((c) => c.stop(5000)));
      await Promise.all(queues.map((x) => x.close()));
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      for (const db of dbs) await db.drop();
    }, 30_000);

    /** A fresh database copy and Redis prefix; returns what a process of this setup needs. */
    async function setup(extraEnv: Record<string, string> = {}) {
      const db = await createDatabaseCopy();
      dbs.push(db);
      const pg = new Client({ connectionString: db.url });
      clients.push(pg);
      await pg.connect();
      q = async (sql, params) => (await pg.query(sql, params)).rows;
      const prefix = `{focus-one-test-resilience-${randomBytes(4).toString('hex')}}`;
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: '8',
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        JWT_SECRET: jwtSecret,
        ADMIN_PASSWORD: adminPassword,
        LOG_LEVEL: 'warn',
        SLA_SWEEP_SECONDS: String(SWEEP_SECONDS),
        SLA_MIN_SECONDS: '1',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...extraEnv,
      };
      const queue = (name: QueueName) => {
        const x = appQueue(redis.url, prefix, name);
        queues.push(x);
        return x;
      };
      const sla = queue(QueueName.sla);
      const launch = (name: string, entry: string) => {
        const child = spawnBuilt(name, entry, env);
        children.push(child);
        return child;
      };
      return { env, base, sla, queue, launch };
    }

    /** Runs a test body; if it fails, prints the tail of every child's stdout/stderr before the error. */
    async function showingOutputs(body: () => Promise<void>): Promise<void> {
      const before = children.length;
      try {
        await body();
      } catch (err) {
        process.stderr.write(`\nresilience: output of the processes of the failed test\n${outputs(children.slice(before))}\n`);
        throw err;
      }
    }

    /** Waits until `n` BullMQ workers of the sla queue are connected; fails at once if one of `procs` dies. */
    const workersOn = async (sla: Queue, n: number, procs: ChildApp[], ms = 30_000) => {
      await waitFor(
        async () => {
          for (const p of procs) if (!p.alive()) throw new Error(`${p.name} died:\n${outputs([p])}`);
          return (await sla.getWorkersCount()) === n;
        },
        ms,
        `${n} sla worker(s) connected`,
      );
    };

    it(
      'loses and repeats nothing when a worker is SIGKILLed mid-run and another starts later',
      () =>
        showingOutputs(async () => {
          const { base, sla, launch } = await setup();
          const api = launch('api', API_ENTRY);
          const first = launch('worker-1', WORKER_ENTRY);
          await waitReady(api, base);
          await workersOn(sla, 1, [api, first]);
          const http = fetchApi(base, await login(base, adminPassword));

          const caseIds = await openFaults(http, 10);
          const due = owed(await loadClocks(q, caseIds));
          const byLevel = (clock: string, level: AlertLevel) => due.filter((d) => d.clock === clock && d.level === level);
          // Worker 1 works: every response warning (at 1.5 s) arrives.
          await waitFor(
            async () => {
              const n = (
                await q<{ n: number }>(
                  `SELECT count(*)::int AS n FROM alerts WHERE case_id = ANY($1::uuid[]) AND clock = 'response' AND level = 'warning'`,
                  [caseIds],
                )
              )[0].n;
              return n === caseIds.length;
            },
            10_000,
            'the response warnings from worker 1',
          );

          // Killed with its timers pending (and maybe a fire job or a sweep in flight).
          expect(await sla.getDelayedCount()).toBeGreaterThan(0);
          await first.kill();
          const killedAt = Date.now();
          // Jobs it had taken stay active in Redis until BullMQ's stall check (30 s) gives them to another worker.
          const orphaned = new Set((await sla.getJobs(['active'])).map((j) => j.id!));
          // A transaction cut by the kill is rolled back by PostgreSQL once its backend sees the connection gone.
          await waitFor(
            async () =>
              (
                await q<{ n: number }>(
                  `SELECT count(*)::int AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
                )
              )[0].n === 0,
            10_000,
            'no transaction left open after the kill',
          );
          const atKill = await countAlerts(q, caseIds);
          expect(atKill).toBeLessThan(due.length);

          // While no worker runs, the API alone raises nothing, though more levels fall due: by PostgreSQL's clock every
          // response breach is due, and the sweep's next run is due too, yet nobody has taken it.
          const breachesDue = new Date(Math.max(...byLevel('response', 'breached').map((d) => d.dueAt)));
          await waitFor(
            async () => {
              const [{ passed }] = await q<{ passed: boolean }>(`SELECT now() >= $1::timestamptz AS passed`, [breachesDue]);
              const next = (await sla.getJobScheduler(SWEEP_JOB))?.next;
              return passed && next !== undefined && next <= Date.now();
            },
            15_000,
            'the response breaches and a sweep run to fall due',
          );
          expect(await sla.getWorkersCount()).toBe(0);
          expect(await countAlerts(q, caseIds)).toBe(atKill);
          const overdueWhileDead = due.filter((d) => d.dueAt <= Date.now()).length - atKill;
          expect(overdueWhileDead).toBeGreaterThanOrEqual(byLevel('response', 'breached').length);

          const second = launch('worker-2', WORKER_ENTRY);
          const restartedAt = Date.now();
          await workersOn(sla, 1, [api, second]);
          const readyAt = Date.now();
          await waitForAll(q, caseIds, due, () => outputs([api, first, second]));
          // Owed while dead: raised soon after the new worker came up. Owed after: on time.
          const { lateness, alerts } = await assertExactlyOnce(
            q,
            caseIds,
            due,
            (d) => Math.max(0, readyAt - d.dueAt) + SWEEP_SECONDS * 1000 + SLACK_MS,
          );
          const caughtUp = alerts.filter((a) => new Date(a.due_at).getTime() > killedAt && new Date(a.due_at).getTime() < restartedAt);
          expect(caughtUp.length).toBeGreaterThanOrEqual(overdueWhileDead);
          for (const a of caughtUp) expect(new Date(a.raised_at).getTime()).toBeGreaterThanOrEqual(restartedAt);
          note(
            `kill: ${atKill} alerts before SIGKILL, ${caughtUp.length} owed while dead raised after restart (worker ready ${readyAt - restartedAt} ms after spawn), ` +
              `${lateness.count} in all, max lateness ${lateness.maxMs} ms`,
          );
          // Nothing more afterwards: every timer of these clocks has run and none is due. The orphaned jobs are not waited
          // for: once no clock is due, the drain they would run raises nothing.
          await waitForSlaSettled({ query: q, queue: sla }, caseIds, { ignoreJobIds: orphaned });
          expect(await countAlerts(q, caseIds)).toBe(due.length);
          await second.stop();
          await api.stop();
        }),
      90_000,
    );

    it(
      'raises and delivers every alert exactly once with two workers racing',
      () =>
        showingOutputs(async () => {
          const receiver = new Receiver();
          await receiver.start();
          const t0 = Date.now();
          try {
            // A generous timeout: a retry after a timeout would be a legitimate (at-least-once) second delivery.
            const { base, sla, queue, launch } = await setup({
              WEBHOOK_ALLOW_PRIVATE: 'true',
              OUTBOX_POLL_MS: '200',
              WEBHOOK_TIMEOUT_MS: '15000',
            });
            const api = launch('api', API_ENTRY);
            const w1 = launch('worker-1', WORKER_ENTRY);
            const w2 = launch('worker-2', WORKER_ENTRY);
            const procs = [api, w1, w2];
            await waitReady(api, base);
            await workersOn(sla, 2, procs);
            const bootedMs = Date.now() - t0;
            const http = fetchApi(base, await login(base, adminPassword));
            const secret = randomBytes(24).toString('base64url');
            const endpoint = receiver.endpoint(secret);
            const hook = await http.send('post', '/api/v1/webhooks', {
              url: endpoint.url,
              events: ['sla.warning', 'sla.breached', 'sla.escalated'],
              secret,
            });
            expect(hook.status).toBe(201);
            const hits = () => receiver.at(endpoint.path);

            // 10 faults: three wake-ups per threshold, some of which sleep until the next level, stay within the 2 × 32 job slots.
            const caseIds = await openFaults(http, 10);
            const due = owed(await loadClocks(q, caseIds));
            // Make the two workers race for the same clock at the same instant: besides each real timer, two more
            // wake-ups per (clock, level), as duplicated or re-armed timers would be. Still one alert, one event each.
            await sla.addBulk(
              due.flatMap((d) =>
                [1, 2].map((k) => ({
                  name: FIRE_JOB,
                  data: { clockId: d.clockId, generation: d.generation, level: d.level } satisfies FireJobData,
                  opts: {
                    jobId: `race-${d.clockId}-${d.level}-${k}`,
                    delay: Math.max(0, d.dueAt - Date.now()),
                    removeOnComplete: true,
                    removeOnFail: true,
                  },
                })),
              ),
            );
            await waitForAll(q, caseIds, due, () => outputs(procs));
            const alertsMs = Date.now() - t0;
            const { lateness, eventIds } = await assertExactlyOnce(q, caseIds, due, () => SWEEP_SECONDS * 1000 + SLACK_MS);

            // Every event reaches the receiver exactly once, in one successful delivery, correctly signed.
            await waitFor(async () => hits().length >= eventIds.length, 20_000, `${eventIds.length} webhook deliveries`).catch((err) => {
              throw new Error(`${(err as Error).message} (got ${hits().length})\n${outputs(procs)}`);
            });
            const deliveredMs = Date.now() - t0;
            // A duplicate would have arrived once every delivery is final and none of their jobs is left.
            await waitForDeliveriesSettled(q, queue(QueueName.webhooks), [hook.body.id], 20_000);
            const byEvent = countBy(hits().map((h) => h.body.id));
            const byDelivery = countBy(hits().map((h) => String(h.headers['x-focusone-delivery'])));
            expect(Object.keys(byEvent).sort()).toEqual([...eventIds].sort());
            expect(Object.entries(byEvent).filter(([, n]) => n !== 1)).toEqual([]);
            expect(Object.entries(byDelivery).filter(([, n]) => n !== 1)).toEqual([]);
            expect(hits().filter((h) => !h.signatureOk || h.status !== 200)).toEqual([]);
            const deliveries = await q<{ status: string; attempts: number; n: number }>(
              `SELECT status, attempts, count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 GROUP BY 1, 2`,
              [hook.body.id],
            );
            expect(deliveries).toEqual([{ status: 'delivered', attempts: 1, n: eventIds.length }]);
            expect(w1.alive() && w2.alive()).toBe(true);
            note(
              `two workers: ${lateness.count} alerts, max lateness ${lateness.maxMs} ms, ${hits().length} webhook deliveries for ${eventIds.length} events ` +
                `(booted ${bootedMs} ms, all alerts ${alertsMs} ms, all delivered ${deliveredMs} ms)`,
            );
          } finally {
            await receiver.stop();
          }
        }),
      90_000,
    );
  });
});

const countBy = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
