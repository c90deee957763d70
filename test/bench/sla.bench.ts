/**
 * SLA timer benchmark (issues 3 and 12):
 *
 *   npm run bench:sla
 *
 * On a fresh database with the built server running (API + workers), loads
 * BENCH_FAR (100,000) open clocks whose thresholds lie days ahead and
 * BENCH_NEAR (10,000) whose breach falls inside a BENCH_WINDOW (10) second
 * window, arms their timers with the engine's job ids and data — the far
 * ones too, which the engine itself leaves to the sweep until they come
 * within its arming horizon, so the SLA queue holds as many pending jobs as
 * the yardstick's (the worst case: a Redis armed before the horizon), then
 * waits for the window to pass and reports each sla.breached alert's lateness (raised − due) at p50/p95/p99/max, and how many are
 * missing or duplicated (both must be 0). Rows are written straight into
 * PostgreSQL: the point is the timer path, not intake (bench:faults).
 *
 * Half the clocks (far and near alike, interleaved) count on a working-time
 * calendar, the other half on `24x7`; every clock's level instants are laid
 * out by the engine's own `layOut` (src/sla/clock-layout.ts) on the calendar
 * as the server compiles it. A clock on `workday` laid out at night would
 * fall due tomorrow, so the bench makes a calendar of its own through
 * POST /api/v1/calendars: two working intervals a day, every day of the
 * week, with a gap of BENCH_GAP_MINUTES (1) between them that starts at
 * least BENCH_LEAD (45) s after the calendar is made, so it opens after
 * every clock is armed and before the window, which starts when the gap
 * ends; it follows China's statutory days (a full year and more of
 * exceptions), and the gap's date is its own working day so that a run on a
 * public holiday works too. Every near clock on it started an hour of
 * working time before its breach, so its hour spans the gap: its breach
 * comes a gap's length later in wall time than the same clock's on 24x7.
 * Lateness is reported per half and overall, beside BullMQ's own lateness
 * for BENCH_YARDSTICK (as many as the near clocks) bare delayed jobs due in
 * the same window, beside as many far pending jobs as there are far clocks
 * (a worker that only notes the time, in a process of its own with the SLA
 * worker's concurrency: yardstick-worker.ts), and the ratio of the two p99s
 * (issue 15: target ≤ 2). The event-loop delay of every process during the
 * window (the server's, or the API's and the workers' with
 * BENCH_TOPOLOGY=split, and the yardstick's; loop-probe.ts) is reported too.
 * BENCH_CPU_PROFILE=1 profiles each process's CPU over the window too.
 * Its Redis keys and its database are removed at the end.
 */
import { Queue } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CALENDAR_24X7, twentyFourSevenDefinition } from '../../src/calendars/builtin-calendars';
import { toException } from '../../src/calendars/calendar-definition';
import type { CalendarDefinition, CompiledCalendar, WorkingInterval } from '../../src/calendars/working-time';
import { compileCalendar, workingTimeBetween } from '../../src/calendars/working-time';
import { creditCodeCheckChar } from '../../src/customers/credit-code';
import { layOut, workingInstantBefore } from '../../src/sla/clock-layout';
import { FIRE_JOB, fireJobId } from '../../src/sla/sla-clocks.service';
import {
  REDIS_URL,
  api,
  benchDatabaseUrl,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  machine,
  median,
  percentile,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const FAR = envInt('BENCH_FAR', 100_000);
const NEAR = envInt('BENCH_NEAR', 10_000);
const WINDOW_S = envInt('BENCH_WINDOW', 10);
const LEAD_S = envInt('BENCH_LEAD', 45); // at least, from the calendar's creation to the gap: loading and arming must fit in it
const GAP_MIN = envInt('BENCH_GAP_MINUTES', 1);
const YARDSTICK = envInt('BENCH_YARDSTICK', NEAR);
const YARDSTICK_FAR = envInt('BENCH_YARDSTICK_FAR', FAR);
const SLA_WORKER_CONCURRENCY = 32; // SlaTimerProcessor's: the yardstick's worker takes jobs as the engine's does
const BATCH = 5_000;
const NEAR_TARGET_S = 3600;
const WARN_PERCENT = 75;

const BENCH_CALENDAR = 'bench-gap';
const ZONE_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai, the calendar's zone: UTC+8 all year
const MINUTE = 60_000;
const DAY_MIN = 1440;
const SPAN_MIN = 180; // each interval's length, where the day allows

interface ClockRow {
  caseId: string;
  caseNo: string;
  calendarKey: string;
  startedAt: Date;
  targetSeconds: number;
  warnAt: Date;
  dueAt: Date;
  escalate2At: Date;
  escalate3At: Date;
  nextLevel: 'warning' | 'breached';
  nextAt: Date;
}

/** A clock started at `startedAt` with nothing consumed, laid out as the engine does; `next` is the first level still owed. */
function laidOut(cal: CompiledCalendar, caseNo: string, startedAt: Date, targetSeconds: number, next: 'warning' | 'breached'): ClockRow {
  const levels = layOut(cal, startedAt, 0, targetSeconds, WARN_PERCENT);
  return {
    caseId: randomUUID(),
    caseNo,
    calendarKey: cal.key,
    startedAt,
    targetSeconds,
    warnAt: levels.warning,
    dueAt: levels.breached,
    escalate2At: levels.escalated_2,
    escalate3At: levels.escalated_3,
    nextLevel: next,
    nextAt: levels[next],
  };
}

async function insertCases(db: Client, customerId: string, rows: ClockRow[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const col = <K extends keyof ClockRow>(k: K) => b.map((r) => r[k]);
    await db.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at)
       SELECT 'fault', id, no, $3, '440605', 'bench', 'acknowledged', 3, false, true, now()
         FROM unnest($1::uuid[], $2::text[]) AS t(id, no)`,
      [col('caseId'), col('caseNo'), customerId],
    );
    // A running clock as the engine writes it (sla-clocks.repository.ts): nothing consumed before its stretch, which began when it started.
    const res = await db.query(
      `INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, worked_ms, resumed_at, warn_at, due_at, escalate_2_at, escalate_3_at,
                               state, generation, next_level, next_at)
       SELECT 'fault', id, 'resolution', 'fault:P3', 1, cal, target, ${WARN_PERCENT},
              started, 0, started, warn, due, esc2, esc3, 'running', 1, lvl, nxt
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                     $7::timestamptz[], $8::timestamptz[], $9::text[], $10::timestamptz[])
              AS t(id, cal, target, started, warn, due, esc2, esc3, lvl, nxt)
       RETURNING id`,
      [
        col('caseId'),
        col('calendarKey'),
        col('targetSeconds'),
        col('startedAt'),
        col('warnAt'),
        col('dueAt'),
        col('escalate2At'),
        col('escalate3At'),
        col('nextLevel'),
        col('nextAt'),
      ],
    );
    ids.push(...res.rows.map((r: { id: string }) => r.id));
  }
  return ids;
}

async function arm(queue: Queue, ids: string[], rows: ClockRow[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await queue.addBulk(
      ids.slice(i, i + 1000).map((id, j) => {
        const r = rows[i + j];
        return {
          name: FIRE_JOB,
          data: { clockId: id, generation: 1, level: r.nextLevel },
          opts: {
            jobId: fireJobId({ id, generation: 1, nextLevel: r.nextLevel }),
            delay: Math.max(0, r.nextAt.getTime() - Date.now()),
            removeOnComplete: true,
          },
        };
      }),
    );
  }
}

const hhmm = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
const localMinuteOfDay = (t: number) => Math.floor((t + ZONE_OFFSET_MS) / MINUTE) % DAY_MIN;
const localDate = (t: number) => new Date(t + ZONE_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The gap's start: the first whole minute at least LEAD_S from now that
 * leaves working time on both sides of the gap the same local day.
 */
function gapStartAfter(now: number): number {
  let t = Math.ceil((now + LEAD_S * 1000) / MINUTE) * MINUTE;
  while (localMinuteOfDay(t) < 1 || localMinuteOfDay(t) + GAP_MIN > DAY_MIN - 1) t += MINUTE;
  return t;
}

interface BenchCalendar {
  compiled: CompiledCalendar;
  gapStart: number;
  gapEnd: number;
  intervals: WorkingInterval[];
  exceptions: number;
}

/**
 * Makes the bench's calendar through the API, then compiles what the server
 * holds (its weekly hours and the days in effect, read back) with the
 * engine's own arithmetic, so the bench lays out on what the server has.
 */
async function makeCalendar(url: string, admin: string): Promise<BenchCalendar> {
  const gapStart = gapStartAfter(Date.now());
  const gapEnd = gapStart + GAP_MIN * MINUTE;
  const m1 = localMinuteOfDay(gapStart);
  const m2 = m1 + GAP_MIN;
  const intervals = [
    { start: hhmm(Math.max(0, m1 - SPAN_MIN)), end: hhmm(m1) },
    { start: hhmm(m2), end: hhmm(Math.min(DAY_MIN, m2 + SPAN_MIN)) },
  ];
  const created = await api<{ version: number }>(url, admin, 'POST', '/api/v1/calendars', {
    key: BENCH_CALENDAR,
    name: '基准测试 (午休式间隔)',
    timeZone: 'Asia/Shanghai',
    weekly: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, intervals])),
    followsChinaHolidays: true,
  });
  const date = localDate(gapStart);
  await api(url, admin, 'PUT', `/api/v1/calendars/${BENCH_CALENDAR}/days/${date}`, {
    type: 'workday',
    name: '基准测试日',
    expectedVersion: created.version,
  });
  const day = 86_400_000;
  const read = await api<{
    key: string;
    timeZone: string;
    weekly: CalendarDefinition['weekly'];
    effectiveDays: { date: string; type: 'holiday' | 'workday'; name: string; intervals: WorkingInterval[] | null }[];
  }>(
    url,
    admin,
    'GET',
    `/api/v1/calendars/${BENCH_CALENDAR}?from=${localDate(gapStart - 365 * day)}&to=${localDate(gapStart + 730 * day)}`,
  );
  const compiled = compileCalendar({
    key: read.key,
    timeZone: read.timeZone,
    weekly: read.weekly,
    exceptions: read.effectiveDays.map(toException),
  });
  return { compiled, gapStart, gapEnd, intervals, exceptions: read.effectiveDays.length };
}

/**
 * Waits until the sla queue has nothing waiting or running: each calendar
 * change made above asks the workers to lay out running clocks on it again
 * (there are none yet), and that job should be done before any clock exists.
 */
async function quietQueue(queue: Queue): Promise<void> {
  for (let quiet = 0, tries = 0; quiet < 5; tries++) {
    const n = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
    quiet = Object.values(n).every((x) => x === 0) ? quiet + 1 : 0;
    if (tries > 300) throw new Error(`the sla queue did not go quiet: ${JSON.stringify(n)}`);
    await sleep(100);
  }
}

interface Lateness {
  label: string;
  clocks: number;
  ms: number[];
  distinct: number;
  events: number;
}

async function lateness(db: Client, label: string, caseIds: string[]): Promise<Lateness> {
  const ms: number[] = (
    await db.query(
      `SELECT extract(epoch FROM (raised_at - due_at)) * 1000 AS ms FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`,
      [caseIds],
    )
  ).rows.map((r: { ms: string }) => Number(r.ms));
  const distinct = (
    await db.query(`SELECT count(DISTINCT case_id)::int AS n FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`, [caseIds])
  ).rows[0].n as number;
  const events = (
    await db.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'sla.breached' AND (data->>'caseId')::uuid = ANY($1)`, [
      caseIds,
    ])
  ).rows[0].n as number;
  return { label, clocks: caseIds.length, ms, distinct, events };
}

const missingOf = (l: Lateness) => l.clocks - l.distinct;
const duplicatedOf = (l: Lateness) => l.ms.length - l.distinct + Math.max(0, l.events - l.distinct);

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_sla');
  await recreateDatabase(databaseUrl);
  const probeDir = mkdtempSync(path.join(tmpdir(), 'bench-sla-loop-'));
  const probeEnv = {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'loop-probe.js')}`.trim(),
    BENCH_LOOP_PROBE_DIR: probeDir,
  };
  const server = await startServer(databaseUrl, probeEnv);
  const db = new Client({ connectionString: databaseUrl });
  const queue = new Queue('sla', { connection: { url: REDIS_URL }, prefix: server.queuePrefix });
  const yardQueue = new Queue('bench-yardstick', { connection: { url: REDIS_URL }, prefix: server.queuePrefix });
  let yardWorker: ChildProcess | null = null;
  try {
    await db.connect();
    const admin = await token(server.url, 'admin', server.adminPassword);
    // The yardstick's pending load: as many bare delayed jobs days ahead as the engine has far timers.
    const farDue = Date.now() + 3 * 86_400_000;
    for (let i = 0; i < YARDSTICK_FAR; i += 1000) {
      await yardQueue.addBulk(
        Array.from({ length: Math.min(1000, YARDSTICK_FAR - i) }, () => ({
          name: 'tick',
          data: { due: farDue },
          opts: { delay: farDue - Date.now(), removeOnComplete: true },
        })),
      );
    }
    const body = '91440000000000001';
    const customer = await api<{ id: string }>(server.url, admin, 'POST', '/api/v1/customers', {
      name: 'SLA基准测试客户',
      creditCode: body + creditCodeCheckChar(body),
      tier: 'key',
      industry: 'government',
      homeRegion: '440605',
      greenChannel: false,
      contacts: [],
      sites: [{ name: '总部', region: '440605', address: 'x' }],
    });

    const bench = await makeCalendar(server.url, admin);
    const always = compileCalendar(twentyFourSevenDefinition());
    const calendarOf = (i: number) => (i % 2 === 0 ? bench.compiled : always);
    await quietQueue(queue);
    console.log(
      `calendar ${BENCH_CALENDAR}: ${bench.intervals.map((iv) => `${iv.start}–${iv.end}`).join(', ')} every day (Asia/Shanghai), ` +
        `${bench.exceptions} dated days in effect around the run; gap ${new Date(bench.gapStart).toISOString()} – ${new Date(bench.gapEnd).toISOString()}`,
    );

    console.log(`loading ${FAR} far clocks (${machine()})…`);
    let t = Date.now();
    const now = new Date();
    const far = Array.from({ length: FAR }, (_, i) =>
      // warnings 5+ working days ahead
      laidOut(calendarOf(i), `FLT-BENCH-F${i}`, now, 7 * 86_400 + (i % 86_400), 'warning'),
    );
    const farLayoutMs = Date.now() - t;
    t = Date.now();
    const farIds = await insertCases(db, customer.id, far);
    const loadMs = Date.now() - t;
    t = Date.now();
    await arm(queue, farIds, far);
    const armMs = Date.now() - t;
    console.log(`far: laid out in ${farLayoutMs} ms, inserted in ${loadMs} ms, armed in ${armMs} ms`);

    // The window opens when the gap closes; breaches of both halves interleave across it.
    const windowStart = bench.gapEnd + 1; // 1 ms in: a breach exactly at the gap's end reads as the end of the interval before it
    t = Date.now();
    const near = Array.from({ length: NEAR }, (_, i) => {
      const cal = calendarOf(i);
      const due = new Date(windowStart + Math.floor((i / NEAR) * WINDOW_S * 1000));
      // an hour of working time before its breach: the warning is long past, the next threshold is the breach itself
      const startedAt = workingInstantBefore(cal, due, NEAR_TARGET_S * 1000);
      const row = laidOut(cal, `FLT-BENCH-N${i}`, startedAt, NEAR_TARGET_S, 'breached');
      if (row.dueAt.getTime() !== due.getTime())
        throw new Error(`near clock ${i} laid out at ${row.dueAt.toISOString()}, meant ${due.toISOString()}`);
      return row;
    });
    const nearLayoutMs = Date.now() - t;
    const nearIds = await insertCases(db, customer.id, near);
    await arm(queue, nearIds, near);

    // BullMQ alone: bare delayed jobs due across the same window, taken by a worker (its own process) that only notes how late it got them.
    const yard = fork(path.join(__dirname, 'yardstick-worker.js'), {
      env: {
        ...process.env,
        ...probeEnv,
        REDIS_URL,
        YARDSTICK_QUEUE: 'bench-yardstick',
        YARDSTICK_PREFIX: server.queuePrefix,
        YARDSTICK_CONCURRENCY: String(SLA_WORKER_CONCURRENCY),
        YARDSTICK_COUNT: String(YARDSTICK),
      },
    });
    yardWorker = yard;
    let yardLate: number[] | null = null;
    const yardReported = new Promise<void>((resolve) =>
      yard.on('message', (m: unknown) => {
        if (m && typeof m === 'object' && 'late' in m) {
          yardLate = (m as { late: number[] }).late;
          resolve();
        }
      }),
    );
    await new Promise<void>((resolve, reject) => {
      yard.once('message', () => resolve());
      yard.once('exit', (code) => reject(new Error(`the yardstick's worker exited with ${code}`)));
    });
    const yardDue = Array.from({ length: YARDSTICK }, (_, i) => windowStart + Math.floor((i / YARDSTICK) * WINDOW_S * 1000));
    for (let i = 0; i < yardDue.length; i += 1000) {
      await yardQueue.addBulk(
        yardDue.slice(i, i + 1000).map((due) => ({
          name: 'tick',
          data: { due },
          opts: { delay: Math.max(0, due - Date.now()), removeOnComplete: true },
        })),
      );
    }

    const gapLeft = bench.gapStart - Date.now();
    console.log(
      `near: ${NEAR} breaches (half on ${BENCH_CALENDAR}, half on ${CALENDAR_24X7}) from ${new Date(windowStart).toISOString()} over ${WINDOW_S} s; ` +
        `the gap opens in ${gapLeft} ms`,
    );
    if (gapLeft < 0) throw new Error('loading and arming ended after the gap had begun: raise BENCH_LEAD');

    // Each working-time clock's hour of working time spans the gap: wall time from start to breach minus the hour.
    const detour = near
      .filter((r) => r.calendarKey === BENCH_CALENDAR)
      .map((r) => r.dueAt.getTime() - r.startedAt.getTime() - NEAR_TARGET_S * 1000);
    const spansGap = near.filter(
      (r) =>
        r.calendarKey === BENCH_CALENDAR &&
        r.startedAt.getTime() < bench.gapStart &&
        r.dueAt.getTime() > bench.gapEnd &&
        workingTimeBetween(bench.compiled, r.startedAt, r.dueAt) === NEAR_TARGET_S * 1000,
    ).length;

    const windowEnd = windowStart + WINDOW_S * 1000;
    const deadline = windowEnd + 60_000;
    // Each process's event-loop delay histogram restarts at each signal: signalled as the window opens, read after it.
    const probed: [string, ChildProcess][] = [
      [server.worker ? 'API process' : 'server (API and workers)', server.process],
      ...(server.worker ? [['workers’ process', server.worker] as [string, ChildProcess]] : []),
      ["yardstick's worker", yard],
    ];
    await sleep(Math.max(0, windowStart - Date.now()));
    await loopDelays(probeDir, probed);
    const serverPids = [server.process.pid!, ...(server.worker ? [server.worker.pid!] : [])];
    const workBefore = { cpuMs: cpuMsOf(serverPids), commits: await commitsOf(db) };
    const nearCaseIds = near.map((r) => r.caseId);
    let raised = 0;
    let yardDone = false;
    void yardReported.then(() => (yardDone = true));
    while (Date.now() < deadline) {
      await sleep(1000);
      raised = (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`, [nearCaseIds]))
        .rows[0].n;
      if (raised >= NEAR && Date.now() > windowEnd && yardDone) break;
    }
    const loops = await loopDelays(probeDir, probed);
    const cpuMs = cpuMsOf(serverPids) - workBefore.cpuMs;
    await sleep(11_000); // a backend that goes idle flushes its statistics within PostgreSQL's idle interval (10 s)
    const commits = (await commitsOf(db)) - workBefore.commits;
    if (!yardDone) yard.send('report');
    await yardReported;
    const yardMs: number[] = yardLate ?? [];
    await sleep(2000); // anything late or doubled would show now

    const halves = [
      await lateness(
        db,
        `on \`${BENCH_CALENDAR}\` (working time)`,
        near.filter((r) => r.calendarKey === BENCH_CALENDAR).map((r) => r.caseId),
      ),
      await lateness(
        db,
        `on \`${CALENDAR_24X7}\``,
        near.filter((r) => r.calendarKey === CALENDAR_24X7).map((r) => r.caseId),
      ),
    ];
    const all: Lateness = {
      label: 'all',
      clocks: NEAR,
      ms: halves.flatMap((h) => h.ms),
      distinct: halves.reduce((s, h) => s + h.distinct, 0),
      events: halves.reduce((s, h) => s + h.events, 0),
    };
    const farAlerts = (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE case_id <> ALL($1)`, [nearCaseIds])).rows[0].n as number;
    const relaid = (await db.query(`SELECT count(*)::int AS n FROM sla_clocks WHERE generation <> 1`)).rows[0].n as number;
    const f = (x: number) => x.toFixed(0);
    const row = (l: Lateness) =>
      `| ${l.label} | ${l.clocks.toLocaleString('en')} | ${f(percentile(l.ms, 50))} | ${f(percentile(l.ms, 95))} | ${f(percentile(l.ms, 99))} | ` +
      `${f(Math.max(...l.ms))} | ${missingOf(l)} | ${duplicatedOf(l)} |`;
    const report = [
      `## SLA breach timing — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${FAR.toLocaleString('en')} running clocks with far timers, ${NEAR.toLocaleString('en')} breaches due within ${WINDOW_S} s; ` +
        `half of each on \`${BENCH_CALENDAR}\`, half on \`${CALENDAR_24X7}\`. Command: \`npm run bench:sla\`.`,
      '',
      `Calendar \`${BENCH_CALENDAR}\`: ${bench.intervals.map((iv) => `${iv.start}–${iv.end}`).join(' and ')} every day, Asia/Shanghai, following China's ` +
        `statutory days (${bench.exceptions} dated days in effect from a year before the run to two after). Gap ${new Date(bench.gapStart).toISOString()} – ` +
        `${new Date(bench.gapEnd).toISOString()}, opening ${gapLeft} ms after the last timer was armed; ${spansGap} of the ` +
        `${detour.length} near clocks on it run across the gap, breaching ${f(median(detour) / 1000)} s (median; ${f(Math.min(...detour) / 1000)}–${f(Math.max(...detour) / 1000)} s) ` +
        `later in wall time than their hour of working time.`,
      '',
      `Loading: ${FAR} clocks laid out in ${farLayoutMs} ms, inserted in ${loadMs} ms, their timers armed in ${armMs} ms; ${NEAR} near clocks laid out ` +
        `(started an hour of working time before their breach: workingInstantBefore, then layOut) in ${nearLayoutMs} ms.`,
      '',
      '| breach lateness (raised − due), ms | clocks | p50 | p95 | p99 | max | missing | duplicated |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...halves.map(row),
      row(all),
      `| yardstick: bare BullMQ delayed jobs, same window (taken − due) | ${YARDSTICK.toLocaleString('en')} | ${f(percentile(yardMs, 50))} | ${f(percentile(yardMs, 95))} | ${f(percentile(yardMs, 99))} | ${f(Math.max(...yardMs))} | ${YARDSTICK - yardMs.length} | — |`,
      '',
      `Breach p99 / yardstick p99: ${(percentile(all.ms, 99) / percentile(yardMs, 99)).toFixed(2)} (target ≤ 2). ` +
        `Topology: ${server.worker ? 'split (API and workers apart)' : 'single process'}. ` +
        `Event-loop delay from the window's start until every breach was raised: ` +
        loops.map((l) => `${l.label} p50 ${f(l.p50)} · p99 ${f(l.p99)} · max ${f(l.max)} ms`).join('; ') +
        '.',
      '',
      `Work from the window's start until every breach was raised: server CPU ${(cpuMs / 1000).toFixed(1)} s ` +
        `(${server.worker ? 'API and workers' : 'one process'}), ${commits.toLocaleString('en')} PostgreSQL transactions in the database.`,
      '',
      `Alerts (all levels) on far clocks: ${farAlerts}; sla.breached events: ${all.events}; clocks laid out again by the server (generation ≠ 1): ${relaid}.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('sla', report)}`);
    if (missingOf(all) || duplicatedOf(all) || farAlerts || spansGap !== detour.length) {
      console.error(`the server's last output:\n${server.output().slice(-5000)}`);
      process.exitCode = 1;
    }
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    if (yardWorker && yardWorker.exitCode === null) yardWorker.kill('SIGTERM');
    await yardQueue.close();
    await queue.close();
    await db.end().catch(() => undefined);
    await server.stop();
    await deleteQueueKeys(server.queuePrefix);
    await dropDatabase(databaseUrl);
    if (process.env.BENCH_CPU_PROFILE === '1') console.log(`CPU profiles of the window (one per process, <pid>.cpuprofile) in ${probeDir}`);
    else rmSync(probeDir, { recursive: true, force: true });
  }
}

/** CPU time (user + system) the processes have used so far, in ms, from /proc. */
function cpuMsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 1/100 s
  }, 0);
}

/** Transactions committed in the benchmark's database so far (its own polling among them: one a second). */
async function commitsOf(db: Client): Promise<number> {
  return Number((await db.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit);
}

/** Each process's event-loop delay since the last signal (loop-probe.ts), in ms. */
async function loopDelays(
  dir: string,
  procs: [string, ChildProcess][],
): Promise<{ label: string; p50: number; p99: number; max: number }[]> {
  for (const [, p] of procs) p.kill('SIGWINCH');
  const out = [];
  for (const [label, p] of procs) {
    const file = path.join(dir, `${p.pid}.json`);
    for (let i = 0; ; i++) {
      try {
        const seen = JSON.parse(readFileSync(file, 'utf8')) as { p50: number; p99: number; max: number };
        rmSync(file);
        out.push({ label, ...seen });
        break;
      } catch (err) {
        if (i > 100) throw new Error(`no event-loop reading from the ${label}`, { cause: err });
        await sleep(50);
      }
    }
  }
  return out;
}

void main();
