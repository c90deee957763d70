/**
 * Working-time benchmark (issue 12):
 *
 *   npm run bench:calendar
 *
 * Part 1, the arithmetic (no server, no database): times one due-time
 * computation (`addWorkingTime`) and the engine's own clock layout (`layOut`
 * in src/sla/clock-layout.ts: the four level instants of a clock) call by
 * call, from random starts across 2026, on a `workday` calendar with two
 * intervals a day (09:00–12:00, 13:30–18:00) and China's 2026 holidays and
 * make-up days, and on `24x7` (the plain-addition path); also the working
 * time remaining (`workingTimeBetween`) and the cost of compiling a calendar
 * and answering its first query. Every scenario is a function returning one
 * row of the table.
 *
 * Part 2, fault intake on each calendar (BENCH_INTAKE=0 leaves it out): the
 * built server on a database and a Redis prefix of its own (both removed at
 * the end), P3 faults (`minor` for key and strategic customers, none
 * green-channel) posted with autocannon while the `fault:P3` policy counts
 * both clocks on `workday`, then on `24x7` (switched with
 * PUT /api/v1/sla/policies/fault:P3), alternating BENCH_RUNS times, each
 * run beside GET /health/live; medians and the workday / 24x7 ratio. Intake
 * lays out clocks in the process from the policies and calendars it holds
 * (SlaPoliciesService.inForce, CalendarsService.compiled), so the calendar
 * should cost no round trip; the check counts each phase's clocks by
 * calendar, so a phase that did not run on its calendar fails the run.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CALENDAR_24X7, CALENDAR_WORKDAY, twentyFourSevenDefinition } from '../../src/calendars/builtin-calendars';
import { chinaHolidayExceptions } from '../../src/calendars/china-holidays';
import type { CalendarDefinition, CompiledCalendar } from '../../src/calendars/working-time';
import { addWorkingTime, compileCalendar, workingTimeBetween } from '../../src/calendars/working-time';
import { layOut } from '../../src/sla/clock-layout';
import { faultBody } from '../support/factories';
import type { LoadResult } from './harness';
import {
  api,
  benchCreditCode,
  benchDatabaseUrl,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  load,
  machine,
  median,
  percentile,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const CALLS = envInt('BENCH_CALLS', 200_000);
const WARMUP = envInt('BENCH_WARMUP', 20_000);
const COLD_RUNS = envInt('BENCH_COLD_RUNS', 50);
const INTAKE = process.env.BENCH_INTAKE !== '0';
const RUNS = envInt('BENCH_RUNS', 3);
const DURATION = envInt('BENCH_DURATION', 10);
const HEALTH_DURATION = envInt('BENCH_HEALTH_DURATION', 5);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const CUSTOMERS = envInt('BENCH_CUSTOMERS', 100);

const H = 3_600_000;
const WORKING_DAY = 7.5 * H; // 09:00–12:00 and 13:30–18:00

const WORKDAY_TWO_INTERVALS: CalendarDefinition = {
  key: CALENDAR_WORKDAY,
  timeZone: 'Asia/Shanghai',
  weekly: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '18:00' },
      ],
    ]),
  ),
  exceptions: chinaHolidayExceptions(2026),
};

interface Row {
  scenario: string;
  runs: number;
  medianUs: number;
  p99Us: number;
}

/** A fixed sequence of pseudo-random numbers (mulberry32), so that every run times the same starts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 4,096 instants spread over 2026, whole seconds (intake stamps are not minute-aligned). */
function startsIn2026(): Date[] {
  const next = random(12);
  const from = Date.parse('2026-01-01T00:00:00+08:00');
  const to = Date.parse('2027-01-01T00:00:00+08:00');
  return Array.from({ length: 4096 }, () => new Date(from + Math.floor((next() * (to - from)) / 1000) * 1000));
}

let sink = 0; // keeps the results alive so that nothing timed can be optimised away

/** Times `op(i)` call by call: warm-up first, then CALLS timed calls; µs at the median and p99. */
function timeCalls(scenario: string, op: (i: number) => number): Row {
  for (let i = 0; i < WARMUP; i++) sink += op(i);
  const us = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    sink += op(i);
    us[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const xs = Array.from(us);
  return { scenario, runs: CALLS, medianUs: median(xs), p99Us: percentile(xs, 99) };
}

const starts = startsIn2026();

/** What reading the clock twice costs by itself: every other row includes it. */
function timerOnly(): Row {
  return timeCalls('timer alone (hrtime twice)', () => 0);
}

function dueTime(cal: CompiledCalendar, label: string, ms: number): Row {
  return timeCalls(`due time, ${label}, ${cal.key}`, (i) => addWorkingTime(cal, starts[i & 4095], ms).getTime());
}

/**
 * What the engine does per clock at intake, on resume and on a re-target:
 * `layOut` places all four levels (warning at 75 %, breach, 150 %, 200 %).
 * `workedMs` is what the clock had consumed before (0 at intake).
 */
function clockLayout(cal: CompiledCalendar, label: string, targetMs: number, workedMs = 0): Row {
  const targetSeconds = targetMs / 1000;
  return timeCalls(`clock layout (4 levels), ${label}, ${cal.key}`, (i) => {
    const levels = layOut(cal, starts[i & 4095], workedMs, targetSeconds, 75);
    return levels.warning.getTime() + levels.escalated_3.getTime();
  });
}

function workingTimeRemaining(cal: CompiledCalendar): Row {
  const ends = starts.map((s) => addWorkingTime(cal, s, 10 * WORKING_DAY));
  return timeCalls(`working time between start and a 10-day due time, ${cal.key}`, (i) =>
    workingTimeBetween(cal, starts[i & 4095], ends[i & 4095]),
  );
}

/** A calendar compiled afresh, then its first due time (builds its cache): what a calendar change costs once per process. */
function compileAndFirstDueTime(def: CalendarDefinition): Row {
  const us: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const cal = compileCalendar(def);
    sink += addWorkingTime(cal, starts[i], 8 * H).getTime();
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { scenario: `compile + first due time, ${def.key}`, runs: COLD_RUNS, medianUs: median(us), p99Us: percentile(us, 99) };
}

function arithmetic(): string {
  const workday = compileCalendar(WORKDAY_TWO_INTERVALS);
  const always = compileCalendar(twentyFourSevenDefinition());
  const scenarios: (() => Row)[] = [
    timerOnly,
    () => dueTime(workday, '8 working hours', 8 * H),
    () => dueTime(workday, '5 working days', 5 * WORKING_DAY),
    () => dueTime(workday, '10 working days', 10 * WORKING_DAY),
    () => dueTime(always, '8 hours', 8 * H),
    () => dueTime(always, '10 days', 10 * 24 * H),
    () => clockLayout(workday, '8 working hours', 8 * H),
    () => clockLayout(workday, '10 working days', 10 * WORKING_DAY),
    () => clockLayout(workday, '8 working hours, resumed with 3 h consumed', 8 * H, 3 * H),
    // A re-target to a shorter target than already consumed: the levels passed are counted back (workingInstantBefore), the rare slow path.
    () => clockLayout(workday, '8 working hours, re-targeted with 13 h consumed', 8 * H, 13 * H),
    () => clockLayout(always, '8 hours', 8 * H),
    () => workingTimeRemaining(workday),
    () => compileAndFirstDueTime(WORKDAY_TWO_INTERVALS),
  ];
  const rows = scenarios.map((run) => run());
  const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(0));
  return [
    `## Working-time arithmetic`,
    '',
    `${CALLS.toLocaleString('en')} timed calls per scenario after ${WARMUP.toLocaleString('en')} warm-up calls, starts across 2026;`,
    `workday: 09:00–12:00 and 13:30–18:00 Mon–Fri, Asia/Shanghai, ${WORKDAY_TWO_INTERVALS.exceptions!.length} exceptions (China 2026).`,
    '',
    '| scenario | runs | median µs | p99 µs |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.runs.toLocaleString('en')} | ${fmt(r.medianUs)} | ${fmt(r.p99Us)} |`),
    '',
    `(checksum ${sink % 1000})`,
    '',
  ].join('\n');
}

// ─── Part 2: fault intake with the P3 policy on `workday`, then on `24x7` ───

const REGIONS = ['440605', '440604', '440606', '440106', '440305', '441900', '110105', '310115'];
const P3_POLICY = 'fault:P3';
type Phase = typeof CALENDAR_WORKDAY | typeof CALENDAR_24X7;

interface IntakeRun {
  order: Phase[];
  health: LoadResult;
  phases: Record<Phase, LoadResult>;
  /** Clocks each phase opened, by calendar key. */
  clocks: Record<Phase, Record<string, number>>;
}

/** Customers whose `minor` fault is P3: key or strategic tier (a standard tier adds one), never green-channel (which forces 24x7). */
async function p3Customers(url: string, admin: string): Promise<{ id: string; siteId: string }[]> {
  const out: { id: string; siteId: string }[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const region = REGIONS[i % REGIONS.length];
    const c = await api<{ id: string; sites: { id: string }[] }>(url, admin, 'POST', '/api/v1/customers', {
      name: `工作时间基准客户${i}号有限公司`,
      creditCode: benchCreditCode(i),
      tier: i % 2 ? 'strategic' : 'key',
      industry: 'manufacturing',
      homeRegion: region,
      greenChannel: false,
      contacts: [{ name: '联系人', mobile: `138${String(i).padStart(8, '0')}`, role: 'primary' }],
      sites: [{ name: '站点', region, address: '测试路1号' }],
    });
    out.push({ id: c.id, siteId: c.sites[0].id });
  }
  return out;
}

async function clocksByCalendar(db: Client): Promise<Record<string, number>> {
  const found = await db.query<{ calendar_key: string; n: number }>(
    `SELECT calendar_key, count(*)::int AS n FROM sla_clocks WHERE policy_key = $1 GROUP BY calendar_key`,
    [P3_POLICY],
  );
  return Object.fromEntries(found.rows.map((r) => [r.calendar_key, r.n]));
}

/**
 * The clocks by calendar once intake has gone quiet: autocannon stops with
 * requests still in flight, which the server may finish after it returns.
 */
async function settledClocks(db: Client): Promise<Record<string, number>> {
  let last = await clocksByCalendar(db);
  for (;;) {
    await sleep(300);
    const now = await clocksByCalendar(db);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]));

async function intake(): Promise<string> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_calendar');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  try {
    await db.connect();
    const admin = await token(server.url, 'admin', server.adminPassword);
    const customers = await p3Customers(server.url, admin);
    const policyOn = async (calendar: Phase) => {
      const p = await api<{ responseCalendar: string; resolutionCalendar: string }>(
        server.url,
        admin,
        'PUT',
        `/api/v1/sla/policies/${P3_POLICY}`,
        { responseCalendar: calendar, resolutionCalendar: calendar },
      );
      if (p.responseCalendar !== calendar || p.resolutionCalendar !== calendar) throw new Error(`${P3_POLICY} did not move to ${calendar}`);
    };
    let n = 0;
    const faultRequest = () => {
      const c = customers[n++ % customers.length];
      return {
        method: 'POST' as const,
        path: '/api/v1/faults',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          faultBody(c.id, { siteId: c.siteId, category: 'fault', severity: 'minor', description: `工作时间基准 ${randomUUID()}` }),
        ),
      };
    };
    const faults = (duration: number) =>
      load({
        url: server.url,
        connections: CONNECTIONS,
        duration,
        requests: [{ setupRequest: (req: object) => ({ ...req, ...faultRequest() }) }],
      });
    const health = (duration: number) =>
      load({ url: server.url, connections: CONNECTIONS, duration, requests: [{ method: 'GET', path: '/health/live' }] });

    console.log(`intake: warming up (${machine()})…`);
    for (const calendar of [CALENDAR_WORKDAY, CALENDAR_24X7] as const) {
      await policyOn(calendar);
      await faults(5);
    }
    await health(3);

    const runs: IntakeRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first, so a drift of the machine within a run does not favour one calendar.
      const order: Phase[] = i % 2 === 0 ? [CALENDAR_WORKDAY, CALENDAR_24X7] : [CALENDAR_24X7, CALENDAR_WORKDAY];
      const run = { order, health: await health(HEALTH_DURATION), phases: {}, clocks: {} } as IntakeRun;
      for (const calendar of order) {
        await policyOn(calendar);
        const before = await settledClocks(db);
        run.phases[calendar] = await faults(DURATION);
        run.clocks[calendar] = difference(await settledClocks(db), before);
      }
      runs.push(run);
      const w = run.phases.workday;
      const a = run.phases['24x7'];
      console.log(
        `run ${i + 1} (${order.join(' then ')}): health ${run.health.requestsPerSec.toFixed(0)} req/s; ` +
          `workday ${w.requestsPerSec.toFixed(0)} req/s p50 ${w.p50} p99 ${w.p99}; 24x7 ${a.requestsPerSec.toFixed(0)} req/s p50 ${a.p50} p99 ${a.p99}`,
      );
    }

    // Each phase's faults have their two clocks, all on the phase's calendar (no other P3 clock is opened meanwhile).
    const problems: string[] = [];
    for (const [i, run] of runs.entries()) {
      for (const calendar of run.order) {
        const r = run.phases[calendar];
        const opened = run.clocks[calendar];
        const others = Object.entries(opened).filter(([k, c]) => k !== calendar && c > 0);
        if (r.non2xx || r.errors) problems.push(`run ${i + 1} ${calendar}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        if (others.length) problems.push(`run ${i + 1} ${calendar}: clocks on ${others.map(([k, c]) => `${k} (${c})`).join(', ')}`);
        // Requests cut off when the phase ended may still have been served: up to one per connection more than autocannon counted.
        const own = opened[calendar] ?? 0;
        if (own % 2 || own < 2 * r.total || own > 2 * (r.total + CONNECTIONS)) {
          problems.push(`run ${i + 1} ${calendar}: ${own} clocks for ${r.total} faults answered`);
        }
      }
    }

    const med = (pick: (r: IntakeRun) => number) => median(runs.map(pick));
    const rps = (c: Phase) => med((r) => r.phases[c].requestsPerSec);
    const healthRps = med((r) => r.health.requestsPerSec);
    const ratio = (pick: (r: LoadResult) => number) => med((r) => pick(r.phases.workday) / pick(r.phases['24x7']));
    const line = (c: Phase) =>
      `| POST /api/v1/faults, P3 on \`${c}\` | ${rps(c).toFixed(0)} | ${med((r) => r.phases[c].p50)} | ${med((r) => r.phases[c].p99)} | ${(rps(c) / healthRps).toFixed(3)} |`;
    const perRun = runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.order.join(' → ')} | ${r.health.requestsPerSec.toFixed(0)} | ` +
        `${r.phases.workday.requestsPerSec.toFixed(0)} · ${r.phases.workday.p50} · ${r.phases.workday.p99} | ` +
        `${r.phases['24x7'].requestsPerSec.toFixed(0)} · ${r.phases['24x7'].p50} · ${r.phases['24x7'].p99} | ` +
        `${(r.phases.workday.requestsPerSec / r.phases['24x7'].requestsPerSec).toFixed(3)} |`,
    );
    const total = (c: Phase) => runs.reduce((s, r) => s + r.phases[c].total, 0);
    if (problems.length) process.exitCode = 1;
    return [
      `## Fault intake, P3 policy on \`workday\` and on \`24x7\``,
      '',
      `${CONNECTIONS} connections, ${DURATION} s per phase, ${RUNS} runs (the phases' order alternating), GET /health/live ${HEALTH_DURATION} s in each run; ${customers.length} key/strategic customers, every fault \`minor\` (P3).`,
      '',
      '| run | order | health req/s | workday req/s · p50 · p99 ms | 24x7 req/s · p50 · p99 ms | workday / 24x7 req/s |',
      '|---|---|---:|---|---|---:|',
      ...perRun,
      '',
      'Medians:',
      '',
      '| scenario | req/s | p50 ms | p99 ms | vs health |',
      '|---|---:|---:|---:|---:|',
      `| GET /health/live | ${healthRps.toFixed(0)} | ${med((r) => r.health.p50)} | ${med((r) => r.health.p99)} | 1 |`,
      line(CALENDAR_WORKDAY),
      line(CALENDAR_24X7),
      '',
      `workday / 24x7, median of the runs' ratios: req/s ${ratio((r) => r.requestsPerSec).toFixed(3)}, p50 ${ratio((r) => r.p50).toFixed(3)}, p99 ${ratio((r) => r.p99).toFixed(3)}.`,
      '',
      `Check: ${total(CALENDAR_WORKDAY)} faults on workday and ${total(CALENDAR_24X7)} on 24x7, every phase's clocks two per fault and on its own calendar: ${problems.length ? `NO — ${problems.join('; ')}` : 'yes'}.`,
      '',
    ].join('\n');
  } catch (err) {
    console.error(server.output());
    throw err;
  } finally {
    await db.end().catch(() => undefined);
    await server.stop();
    await deleteQueueKeys(server.queuePrefix);
    await dropDatabase(databaseUrl);
  }
}

async function main(): Promise<void> {
  const parts = [
    `# Working time (${new Date().toISOString()})`,
    '',
    `${machine()}. Command: \`npm run bench:calendar\`.`,
    '',
    arithmetic(),
  ];
  console.log(parts.join('\n'));
  if (INTAKE) {
    const report = await intake();
    console.log(report);
    parts.push(report);
  }
  console.log(`written to ${writeReport('calendar', parts.join('\n'))}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
