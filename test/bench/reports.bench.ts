/**
 * Reports benchmark (issue 14):
 *
 *   npm run bench:reports
 *
 * 1. Drops and recreates a dedicated database (BENCH_DATABASE_URL, default
 *    postgres://postgres@127.0.0.1:5432/focus_one_bench_reports; its name must contain "bench"),
 *    starts the built server (it runs the app's own migrations) and leaves it idle.
 * 2. Generates 13 months of histories up to the start of today (China time) with bulk SQL
 *    (report-history-generator.ts): 1,000,000 closed and 50,000 open cases for 100,000 customers
 *    held by 500 account managers in 60 districts of 6 provinces, with their SLA clocks and alerts,
 *    feedback, orders and work orders, satisfaction call-backs with their attempts and clocks, one bill
 *    a month per customer, payments and allocations;
 *    BENCH_SCALE (1) multiplies every count. Then VACUUM ANALYZE.
 * 3. Builds the rollups the reports read through the real rebuild (POST /api/v1/reports/rebuild, the
 *    worker's job): the report month (the last full one) and the month before it.
 * 4. Checks that the monthly report of the report month for Guangdong equals every figure's
 *    definition run over the raw tables (kpi-definitions.repository.ts), call-backs' figures included
 *    (and not all zero): the histories are valid.
 * 5. Measures, BENCH_RUNS (3) times each: the nightly build of one day (yesterday, rebuilt through
 *    the same job), and the monthly report (the last full month) for Guangdong and for the whole
 *    country as JSON, XLSX and HTML under autocannon at BENCH_CONNECTIONS (10) for BENCH_DURATION
 *    (10) s each; prints medians against the targets.
 * 6. Stops the server, drops the database and deletes the run's Redis keys.
 *
 * To work on the queries against one generated database: BENCH_KEEP_DATABASE=1 keeps it at the end,
 * and BENCH_REUSE_DATABASE=1 builds and measures again on it (no generation; BENCH_SKIP_REBUILD=1: no rebuild either).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { hashPassword } from '../../src/common/auth/passwords';
import { figuresFromRawTables } from '../../src/reports/kpi-definitions.repository';
import { kpiValues } from '../../src/reports/report-kpis';
import { addDays, addMonths, chinaDate, chinaDayStart, monthEnd, windowOf } from '../../src/reports/report-window';
import type { LoadResult } from './harness';
import {
  benchDatabaseUrl,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  load,
  machine,
  median,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';
import { GENERATOR_PARTS, STAGING_TABLES, type GeneratorPlan } from './report-history-generator';

const SCALE = Number(process.env.BENCH_SCALE || '1');
if (!(SCALE > 0)) throw new Error('BENCH_SCALE must be a positive number');
const RUNS = envInt('BENCH_RUNS', 3);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 10);
const DURATION = envInt('BENCH_DURATION', 10);
const PROVINCES = ['44', '11', '31', '32', '33', '51']; // 广东, 北京, 上海, 江苏, 浙江, 四川
const DISTRICTS_PER_PROVINCE = 10;
const KEEP = process.env.BENCH_KEEP_DATABASE === '1';
const REUSE = process.env.BENCH_REUSE_DATABASE === '1';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Rebuild {
  id: string;
  state: string;
  daysDone: number;
  daysTotal: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

async function rebuild(url: string, admin: string, from: string, to: string): Promise<{ wallMs: number; serverMs: number; days: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/reports/rebuild`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ from, to }),
  });
  if (res.status !== 202) throw new Error(`rebuild ${from}..${to}: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as Rebuild;
  for (;;) {
    const r = (await (
      await fetch(`${url}/api/v1/reports/rebuild/${id}`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as Rebuild;
    if (r.state === 'failed') throw new Error(`rebuild failed: ${r.error}`);
    if (r.state === 'done')
      return { wallMs: performance.now() - t0, serverMs: Date.parse(r.finishedAt!) - Date.parse(r.createdAt), days: r.daysTotal };
    await sleep(r.daysTotal > 1 ? 1000 : 50);
  }
}

/** Step 2: every generator part, then VACUUM ANALYZE, and what was written. */
async function generate(db: Client, plan: GeneratorPlan, say: (s: string) => void): Promise<void> {
  say('| generator part | writes | seconds |\n|---|---|---:|');
  const genStart = performance.now();
  // a bulk load like a restore: the rows are consistent by construction (step 4 checks the KPIs they give), so no
  // foreign-key trigger runs per row; there are no other triggers
  await db.query(`SET session_replication_role = replica`);
  for (const part of GENERATOR_PARTS) {
    const t0 = performance.now();
    await part.run(db, plan);
    say(`| ${part.name} | ${part.writes} | ${fmt((performance.now() - t0) / 1000, 1)} |`);
  }
  await db.query(`SET session_replication_role = DEFAULT`);
  for (const t of STAGING_TABLES) await db.query(`DROP TABLE IF EXISTS ${t}`);
  const t0 = performance.now();
  await db.query('VACUUM ANALYZE');
  say(`| VACUUM ANALYZE | | ${fmt((performance.now() - t0) / 1000, 1)} |`);
  say(`| **total** | | **${fmt((performance.now() - genStart) / 1000, 1)}** |\n`);
  const counts = (
    await db.query<{ t: string; n: string }>(
      `SELECT 'case_index (cases)' AS t, count(*) FILTER (WHERE kind NOT IN ('work_order', 'callback')) AS n FROM case_index
         UNION ALL SELECT 'of them open', count(*) FILTER (WHERE kind NOT IN ('work_order', 'callback') AND closed_at IS NULL) FROM case_index
         UNION ALL SELECT 'work_orders', count(*) FROM work_orders UNION ALL SELECT 'sla_clocks', count(*) FROM sla_clocks
         UNION ALL SELECT 'alerts', count(*) FROM alerts UNION ALL SELECT 'feedback scores', (SELECT count(feedback_score) FROM faults) + (SELECT count(feedback_score) FROM support_requests)
         UNION ALL SELECT 'callbacks', count(*) FROM callbacks
         UNION ALL SELECT 'of them ' || s || coalesce(' (' || b || ')', ''), n FROM (
           SELECT state AS s, CASE WHEN state IN ('done', 'unreachable') THEN count(*) FILTER (WHERE finished_at > due_at) || ' late' END AS b, count(*) AS n
           FROM callbacks GROUP BY state ORDER BY array_position(ARRAY['done', 'unreachable', 'in_progress', 'pending'], state)) st
         UNION ALL SELECT 'callback_attempts', count(*) FROM callback_attempts
         UNION ALL SELECT 'bills', count(*) FROM bills UNION ALL SELECT 'bill_lines', count(*) FROM bill_lines
         UNION ALL SELECT 'payments', count(*) FROM payments UNION ALL SELECT 'payment_allocations', count(*) FROM payment_allocations
         UNION ALL SELECT 'database size (MB)', pg_database_size(current_database()) / 1048576`,
    )
  ).rows;
  say(`| table | rows |\n|---|---:|\n${counts.map((c) => `| ${c.t} | ${fmt(Number(c.n))} |`).join('\n')}\n`);
}

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_reports');
  if (!REUSE) await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const lines: string[] = [];
  const say = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  try {
    // ---- the plan: 13 months up to the start of today, China time
    const today = chinaDate(new Date());
    const yesterday = addDays(today, -1);
    const reportMonth = addMonths(today, -1).slice(0, 7);
    const previousMonth = addMonths(today, -2).slice(0, 7);
    const firstMonth = addMonths(today, -12).slice(0, 7);
    const periods = Array.from({ length: 13 }, (_, k) => addMonths(`${firstMonth}-01`, k).slice(0, 7));
    const districts = (
      await db.query<{ code: string }>(
        `SELECT code FROM (SELECT code, row_number() OVER (PARTITION BY left(code, 2) ORDER BY code) AS k FROM regions
                           WHERE level = 'district' AND left(code, 2) = ANY($1)) d WHERE k <= $2 ORDER BY code`,
        [PROVINCES, DISTRICTS_PER_PROVINCE],
      )
    ).rows.map((r) => r.code);
    const plan: GeneratorPlan = {
      closedCases: Math.round(1_000_000 * SCALE),
      openCases: Math.round(50_000 * SCALE),
      customers: Math.round(100_000 * SCALE),
      accountManagers: Math.max(PROVINCES.length, Math.round(500 * SCALE)),
      districts,
      start: chinaDayStart(`${firstMonth}-01`),
      end: chinaDayStart(today),
      periods,
    };
    say(`# Reports benchmark (issue 14)\n`);
    say(`${machine()}; BENCH_SCALE=${SCALE}; ${new Date().toISOString()}\n`);
    say(
      `Plan: ${fmt(plan.closedCases)} closed + ${fmt(plan.openCases)} open cases, ${fmt(plan.customers)} customers, ` +
        `${fmt(plan.accountManagers)} account managers, ${districts.length} districts in ${PROVINCES.length} provinces, ` +
        `${firstMonth}-01 to ${yesterday}; report month ${reportMonth}.\n`,
    );

    // ---- 2. generate
    if (!REUSE) await generate(db, plan, say);
    // a database kept from an earlier run has its admin with that run's password
    else await db.query(`UPDATE staff SET password_hash = $1 WHERE username = 'admin'`, [await hashPassword(server.adminPassword)]);
    const admin = await token(server.url, 'admin', server.adminPassword);
    const buildFrom = `${previousMonth}-01`;
    const buildTo = monthEnd(reportMonth);
    if (!(REUSE && process.env.BENCH_SKIP_REBUILD === '1')) {
      const built = await rebuild(server.url, admin, buildFrom, buildTo);
      say(
        `Rollups ${buildFrom} to ${buildTo} (${built.days} days) through POST /api/v1/reports/rebuild: ` +
          `${fmt(built.serverMs / 1000, 1)} s server-side, ${fmt(built.serverMs / built.days / 1000, 2)} s a day.\n`,
      );
    }
    await db.query('VACUUM ANALYZE report_daily_cases, report_daily_durations, report_daily_orders, report_daily_billing, report_days');

    // ---- 4. the histories are valid for the KPI SQL: the report equals the definitions over the raw tables
    const region = '440000';
    const api = async (path: string) => {
      const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${admin}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return res;
    };
    const report = (await (await api(`/reports/monthly?month=${reportMonth}&region=${region}`)).json()) as {
      kpis: { key: string; value: number | null }[];
    };
    const v0 = performance.now();
    const raw = kpiValues(
      await figuresFromRawTables(
        { query: async <T>(text: string, values?: unknown[]) => (await db.query(text, values)).rows as T },
        { patterns: ['44%'] },
        windowOf(`${reportMonth}-01`, monthEnd(reportMonth)),
      ),
    );
    const differ = report.kpis.filter((k) => k.value !== raw[k.key]);
    say(
      `Check: the ${reportMonth} report for Guangdong against every figure's definition over the raw tables ` +
        `(${fmt((performance.now() - v0) / 1000, 1)} s): ${differ.length === 0 ? `all ${report.kpis.length} KPIs equal` : `${differ.length} differ: ${JSON.stringify(differ.map((k) => [k.key, k.value, raw[k.key]]))}`}; ` +
        `cases opened ${fmt(raw.cases_opened ?? 0)}, resolution met ${raw.resolution_met_pct} %, CSAT ${raw.csat_average}, breaches ${fmt(raw.breaches ?? 0)}; ` +
        `call-backs created ${fmt(raw.callbacks_created ?? 0)}, done ${fmt(raw.callbacks_done ?? 0)}, unreachable ${fmt(raw.callbacks_unreachable ?? 0)}, ` +
        `on time ${raw.callbacks_on_time_pct} %, call-back CSAT ${raw.callbacks_csat_average}, low scores ${fmt(raw.callbacks_low_score ?? 0)}.\n`,
    );
    if (differ.length) throw new Error('the report does not equal the raw definitions');
    // an equality over nothing proves nothing: every kind of call-back figure must have something to count
    const empty = ['callbacks_created', 'callbacks_done', 'callbacks_unreachable', 'callbacks_low_score'].filter((k) => !raw[k]);
    if (empty.length) throw new Error(`the histories give no call-back figures for ${empty.join(', ')}`);

    // ---- 5a. the nightly build of one day
    const nightly: { wallMs: number; serverMs: number }[] = [];
    for (let r = 0; r < RUNS; r++) nightly.push(await rebuild(server.url, admin, yesterday, yesterday));
    const nightlyMs = median(nightly.map((n) => n.serverMs));

    // ---- 5b. the monthly report under load
    const headers = { authorization: `Bearer ${admin}` };
    const cases = [
      { what: `province (${region}) JSON`, path: `/api/v1/reports/monthly?month=${reportMonth}&region=${region}`, target: 300 },
      { what: 'country (CN) JSON', path: `/api/v1/reports/monthly?month=${reportMonth}&region=CN`, target: 300 },
      {
        what: `province (${region}) XLSX`,
        path: `/api/v1/reports/monthly?month=${reportMonth}&region=${region}&format=xlsx`,
        target: 2000,
      },
      { what: 'country (CN) XLSX', path: `/api/v1/reports/monthly?month=${reportMonth}&region=CN&format=xlsx`, target: 2000 },
      {
        what: `province (${region}) HTML`,
        path: `/api/v1/reports/monthly?month=${reportMonth}&region=${region}&format=html`,
        target: 2000,
      },
      { what: 'country (CN) HTML', path: `/api/v1/reports/monthly?month=${reportMonth}&region=CN&format=html`, target: 2000 },
    ];
    const results = new Map<string, LoadResult[]>();
    const cold = new Map<string, number[]>();
    for (let r = 0; r < RUNS; r++) {
      // the month's last day rebuilt: every kept view of the month is stale, so the first request of each case
      // computes (JSON) or renders (XLSX, HTML) again, alone; the load that follows finds it kept
      await rebuild(server.url, admin, monthEnd(reportMonth), monthEnd(reportMonth));
      for (const c of cases) {
        const t1 = performance.now();
        await (await api(c.path.replace('/api/v1', ''))).arrayBuffer();
        cold.set(c.what, [...(cold.get(c.what) ?? []), performance.now() - t1]);
      }
      for (const c of cases) {
        const res = await load({ url: `${server.url}${c.path}`, connections: CONNECTIONS, duration: DURATION, headers });
        if (res.errors || res.non2xx) throw new Error(`${c.what}: ${res.errors} errors, ${res.non2xx} non-2xx\n${server.output()}`);
        results.set(c.what, [...(results.get(c.what) ?? []), res]);
        console.log(`run ${r + 1} ${c.what}: ${fmt(res.requestsPerSec, 1)} req/s, p50 ${res.p50} ms, p99 ${res.p99} ms`);
      }
    }
    const health = await load({ url: `${server.url}/health/live`, connections: CONNECTIONS, duration: 5 });

    say(`\n## Results (medians of ${RUNS} runs; ${CONNECTIONS} connections, ${DURATION} s each)\n`);
    say('| measure | result | target | met? |\n|---|---:|---|---|');
    say(
      `| nightly build of one day (${yesterday}), server-side | **${fmt(nightlyMs / 1000, 2)} s** (runs: ${nightly.map((n) => fmt(n.serverMs / 1000, 2)).join(', ')} s) | < 10 s | ${nightlyMs < 10_000 ? '**yes**' : 'no'} |`,
    );
    for (const c of cases) {
      const rs = results.get(c.what)!;
      const p99 = median(rs.map((x) => x.p99));
      say(
        `| monthly ${reportMonth}, ${c.what} | ${fmt(median(rs.map((x) => x.requestsPerSec)), 1)} req/s, p50 ${median(rs.map((x) => x.p50))} ms, **p99 ${p99} ms**; first request after a rebuild ${fmt(median(cold.get(c.what)!))} ms | p99 < ${fmt(c.target)} ms | ${p99 < c.target ? '**yes**' : 'no'} |`,
      );
    }
    say(`| \`GET /health/live\` after the runs (yardstick) | ${fmt(health.requestsPerSec)} req/s, p99 ${health.p99} ms | — | — |`);
    const sizes = await Promise.all(
      cases.map(async (c) => `${c.what} ${fmt((await (await api(c.path.replace('/api/v1', ''))).arrayBuffer()).byteLength / 1024)} KiB`),
    );
    say(`\nResponse sizes: ${sizes.join(', ')}.`);
    console.log(`\nwritten to ${writeReport('reports', lines.join('\n') + '\n')}`);
  } finally {
    await db.end().catch(() => undefined);
    await server.stop();
    const keys = await deleteQueueKeys(server.queuePrefix);
    if (!KEEP) await dropDatabase(databaseUrl);
    console.log(`cleaned up: ${KEEP ? 'database kept (BENCH_KEEP_DATABASE=1)' : 'database dropped'}, ${keys} Redis keys deleted`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
