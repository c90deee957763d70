/**
 * Working-time arithmetic benchmark (issue 12):
 *
 *   npm run bench:calendar
 *
 * Times one due-time computation (`addWorkingTime`) call by call, from random
 * starts across 2026, for 8 working hours, 5 and 10 working days, on a
 * `workday` calendar with two intervals a day (09:00–12:00, 13:30–18:00) and
 * China's 2026 holidays and make-up days, and on `24x7` (the plain-addition
 * path); also the working time remaining (`workingTimeBetween`) and the cost
 * of compiling a calendar and answering its first query. No server, no
 * database: every scenario is a function returning one row of the table.
 */
import { CALENDAR_WORKDAY, twentyFourSevenDefinition } from '../../src/calendars/builtin-calendars';
import { chinaHolidayExceptions } from '../../src/calendars/china-holidays';
import type { CalendarDefinition, CompiledCalendar } from '../../src/calendars/working-time';
import { addWorkingTime, compileCalendar, workingTimeBetween } from '../../src/calendars/working-time';
import { envInt, machine, median, percentile, writeReport } from './harness';

const RUNS = envInt('BENCH_RUNS', 200_000);
const WARMUP = envInt('BENCH_WARMUP', 20_000);
const COLD_RUNS = envInt('BENCH_COLD_RUNS', 50);

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

/** Times `op(i)` call by call: warm-up first, then RUNS timed calls; µs at the median and p99. */
function timeCalls(scenario: string, op: (i: number) => number): Row {
  for (let i = 0; i < WARMUP; i++) sink += op(i);
  const us = new Float64Array(RUNS);
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    sink += op(i);
    us[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const xs = Array.from(us);
  return { scenario, runs: RUNS, medianUs: median(xs), p99Us: percentile(xs, 99) };
}

const starts = startsIn2026();

/** What reading the clock twice costs by itself: every other row includes it. */
function timerOnly(): Row {
  return timeCalls('timer alone (hrtime twice)', () => 0);
}

function dueTime(cal: CompiledCalendar, label: string, ms: number): Row {
  return timeCalls(`due time, ${label}, ${cal.key}`, (i) => addWorkingTime(cal, starts[i & 4095], ms).getTime());
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

function main(): void {
  const workday = compileCalendar(WORKDAY_TWO_INTERVALS);
  const always = compileCalendar(twentyFourSevenDefinition());
  const scenarios: (() => Row)[] = [
    timerOnly,
    () => dueTime(workday, '8 working hours', 8 * H),
    () => dueTime(workday, '5 working days', 5 * WORKING_DAY),
    () => dueTime(workday, '10 working days', 10 * WORKING_DAY),
    () => dueTime(always, '8 hours', 8 * H),
    () => dueTime(always, '10 days', 10 * 24 * H),
    () => workingTimeRemaining(workday),
    () => compileAndFirstDueTime(WORKDAY_TWO_INTERVALS),
  ];
  const rows = scenarios.map((run) => run());

  const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(0));
  const md = [
    `# Working-time arithmetic (${new Date().toISOString()})`,
    '',
    `${machine()}; ${RUNS.toLocaleString('en')} timed calls per scenario after ${WARMUP.toLocaleString('en')} warm-up calls, starts across 2026;`,
    `workday: 09:00–12:00 and 13:30–18:00 Mon–Fri, Asia/Shanghai, ${WORKDAY_TWO_INTERVALS.exceptions!.length} exceptions (China 2026).`,
    '',
    '| scenario | runs | median µs | p99 µs |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.runs.toLocaleString('en')} | ${fmt(r.medianUs)} | ${fmt(r.p99Us)} |`),
    '',
  ].join('\n');
  console.log(md);
  console.log(`(checksum ${sink % 1000})`);
  console.log(`written to ${writeReport('calendar', md)}`);
}

main();
