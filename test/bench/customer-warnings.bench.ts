/**
 * Customer warnings benchmark (issue 14 point 5, docs/REPORTS.md "Customer
 * warnings"):
 *
 *   npm run bench:customer-warnings
 *
 * Drops and recreates its database (BENCH_DATABASE_URL, the name must
 * contain "bench"; default focus_one_warnings_bench), migrates it, and
 * writes with bulk SQL: BENCH_CUSTOMERS (100,000) customers across 50
 * districts; BENCH_CASES (1,000,000) faults and complaints over 13 months,
 * plus a burst of recent faults for 1 % of the customers; a breached alert
 * on 1 in 20 of the last 30 days' cases; 13 monthly bills per customer with
 * completed bill runs, 2 % of them left unpaid (arrears of every age) and
 * the latest period's bill much lower for 1 %. Then it times what the 06:00
 * job runs, `evaluateSignals` (the one statement over every customer), in a
 * transaction rolled back: BENCH_RUNS times as the first evaluation of a week
 * (every warning created), and BENCH_RUNS times after one was committed (the
 * same week again: every open warning refreshed). Medians, with the number
 * of warnings per signal.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { migrate } from '../../src/database/data-source';
import { WARNING_SIGNALS, chinaDateOf, chinaIsoWeek, chinaMonthOf, thresholdsOf } from '../../src/customer-warnings/warning-signals';
import type { WarningSignal, WarningThresholds } from '../../src/customer-warnings/warning-signals';
import { billPeriods, evaluateSignals } from '../../src/customer-warnings/warning-signals.repository';
import type { Db } from '../../src/common/sql';
import { benchDatabaseUrl, dropDatabase, envInt, machine, median, recreateDatabase, writeReport } from './harness';

const CUSTOMERS = envInt('BENCH_CUSTOMERS', 100_000);
const CASES = envInt('BENCH_CASES', 1_000_000);
const RUNS = envInt('BENCH_RUNS', 3);
const URL_ = benchDatabaseUrl('focus_one_warnings_bench');

const THRESHOLDS: WarningThresholds = {
  faultsMin: 3,
  faultFactor: 3,
  complaintsMin: 2,
  breachesMin: 1,
  billDropPercent: 50,
  callbackScoreMax: 2,
};

async function timed<T>(what: string, f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  const ms = performance.now() - t0;
  console.log(`${what}: ${(ms / 1000).toFixed(1)} s`);
  return [out, ms];
}

async function generate(c: Client): Promise<void> {
  await timed('customers', () =>
    c.query(
      `WITH d AS (SELECT array_agg(code ORDER BY code) AS codes FROM (SELECT code FROM regions WHERE level = 'district' ORDER BY code LIMIT 50) x)
       INSERT INTO customers (name, credit_code, tier, industry, home_region)
       SELECT '基准客户' || i, '9144' || lpad(i::text, 14, '0'), (ARRAY['strategic', 'key', 'standard'])[1 + i % 3], 'government',
              d.codes[1 + i % array_length(d.codes, 1)]
         FROM generate_series(1, $1::int) i, d`,
      [CUSTOMERS],
    ),
  );
  await c.query(`CREATE TEMP TABLE bc AS SELECT id, home_region, row_number() OVER (ORDER BY id) AS n FROM customers`);
  await c.query(`CREATE UNIQUE INDEX ON bc (n)`);
  await timed('cases over 13 months', () =>
    c.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
       SELECT CASE WHEN g % 5 = 0 THEN 'complaint' ELSE 'fault' END, gen_random_uuid(), 'BW-' || g, bc.id, bc.home_region, '基准', 'closed',
              3, false, false, t, t + interval '4 hours'
         FROM generate_series(1, $1::int) g
         JOIN bc ON bc.n = 1 + (g::bigint * 7919) % $2
         -- g in it, or the planner computes the one random instant once for every row
         CROSS JOIN LATERAL (SELECT now() - random() * interval '395 days' - g * interval '0' AS t) o`,
      [CASES, CUSTOMERS],
    ),
  );
  await timed('recent fault bursts (1 % of customers)', () =>
    c.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
       SELECT 'fault', gen_random_uuid(), 'BWS-' || bc.n || '-' || k, bc.id, bc.home_region, '基准', 'closed', 3, false, false,
              now() - random() * interval '6 days', now()
         FROM bc, generate_series(1, 4) k WHERE bc.n % 100 = 0`,
    ),
  );
  await timed('breached alerts (1 in 20 of the last 30 days)', async () => {
    await c.query(
      `INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, due_at, state, stopped_at, worked_ms)
       SELECT kind, id, 'resolution', kind || ':P3', 1, '24x7', 3600, 75, opened_at, opened_at + interval '1 hour', 'stopped', closed_at, 14400000
         FROM case_index WHERE opened_at > now() - interval '30 days' AND hashtext(case_no) % 20 = 0`,
    );
    await c.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, raised_at, customer_id, region)
       SELECT k.case_kind, k.case_id, ci.case_no, k.id, 'resolution', 'breached', k.due_at, k.due_at, ci.customer_id, ci.region
         FROM sla_clocks k JOIN case_index ci ON ci.kind = k.case_kind AND ci.id = k.case_id`,
    );
  });
  const month = chinaMonthOf(new Date());
  await timed('bills: 13 periods per customer, runs completed', async () => {
    await c.query(`INSERT INTO billing_accounts (customer_id) SELECT id FROM bc`);
    await c.query(
      `INSERT INTO bill_runs (id, period, state, customers_total, completed_at)
       SELECT gen_random_uuid(), to_char(to_date($1 || '-01', 'YYYY-MM-DD') - make_interval(months => m), 'YYYY-MM'), 'completed', $2, now()
         FROM generate_series(1, 13) m`,
      [month, CUSTOMERS],
    );
    await c.query(
      `INSERT INTO bills (id, bill_no, customer_id, period, total_fen, paid_fen, state, charge_count, issue_date, due_date, issued_at)
       SELECT gen_random_uuid(), 'BWB-' || bc.n || '-' || m, bc.id, p.period,
              CASE WHEN m = 1 AND bc.n % 100 = 7 THEN 1000 ELSE 100000 + (bc.n % 50) * 1000 END,
              CASE WHEN unpaid THEN 0 ELSE CASE WHEN m = 1 AND bc.n % 100 = 7 THEN 1000 ELSE 100000 + (bc.n % 50) * 1000 END END,
              CASE WHEN unpaid THEN 'issued' ELSE 'paid' END, 10, p.due - 20, p.due, p.due - 20
         FROM bc CROSS JOIN generate_series(1, 13) m
         CROSS JOIN LATERAL (SELECT to_char(to_date($1 || '-01', 'YYYY-MM-DD') - make_interval(months => m), 'YYYY-MM') AS period,
                                    (to_date($1 || '-01', 'YYYY-MM-DD') - make_interval(months => m - 1))::date + 30 AS due) p
         CROSS JOIN LATERAL (SELECT (hashtext(bc.n || '-' || m) % 50 = 0) AS unpaid) u`,
      [month],
    );
  });
  // as autovacuum leaves a table after a bulk load: statistics, and the visibility map index-only scans need
  await timed('vacuum analyze', () => c.query('VACUUM ANALYZE'));
}

async function main(): Promise<void> {
  await recreateDatabase(URL_);
  const config = AppConfig.load({ ...process.env, DATABASE_URL: URL_, NODE_ENV: 'development' });
  await migrate(config);
  const c = new Client({ connectionString: URL_ });
  await c.connect();
  const db = { query: async (text: string, values?: unknown[]) => (await c.query(text, values)).rows } as unknown as Db;
  try {
    await generate(c);
    const [{ n: cases }] = (await c.query(`SELECT count(*)::int AS n FROM case_index`)).rows;
    const [{ n: bills }] = (await c.query(`SELECT count(*)::int AS n FROM bills`)).rows;
    const at = new Date();
    const input = async (evaluationId: string) => ({
      evaluationId,
      at: at.toISOString(),
      today: chinaDateOf(at),
      week: chinaIsoWeek(at),
      thresholds: THRESHOLDS,
      thresholdsBySignal: Object.fromEntries(WARNING_SIGNALS.map((s) => [s, thresholdsOf(s, THRESHOLDS)])) as Record<
        WarningSignal,
        Record<string, number>
      >,
      bills: await billPeriods(db, chinaMonthOf(at)),
      callbacks: null,
    });
    const evaluation = async () => {
      const id = randomUUID();
      await c.query(`INSERT INTO customer_warning_evaluations (id, trigger, state) VALUES ($1, 'schedule', 'running')`, [id]);
      return evaluateSignals(db, await input(id));
    };
    /** RUNS evaluations, each in a transaction rolled back (the same starting point each time). */
    const runs = async (label: string) => {
      const times: number[] = [];
      const counts: Record<string, number> = {};
      for (let i = 0; i < RUNS; i++) {
        await c.query('BEGIN');
        const [found, ms] = await timed(`${label}, run ${i + 1}`, evaluation);
        await c.query('ROLLBACK');
        times.push(ms);
        for (const k of Object.keys(counts)) delete counts[k];
        for (const w of found) {
          const key = w.created ? w.signal : `${w.signal} refreshed`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      return { median: median(times), counts };
    };
    const first = await runs('first evaluation of the week');
    // one committed, then the same week again: every open warning refreshed
    await c.query('BEGIN');
    await evaluation();
    await c.query('COMMIT');
    const again = await runs('the same week again');
    const report = [
      `# Customer warnings: the evaluation of every customer`,
      ``,
      `Machine: ${machine()}. ${CUSTOMERS.toLocaleString('en')} customers, ${Number(cases).toLocaleString('en')} cases, ${Number(bills).toLocaleString('en')} bills.`,
      ``,
      `| evaluation | median of ${RUNS} | warnings |`,
      `|---|---|---|`,
      `| first of the week (every warning created) | ${(first.median / 1000).toFixed(2)} s | ${JSON.stringify(first.counts)} |`,
      `| the same week again (open warnings refreshed) | ${(again.median / 1000).toFixed(2)} s | ${JSON.stringify(again.counts)} |`,
    ].join('\n');
    console.log(`\n${report}\n`);
    console.log(`written to ${writeReport('customer-warnings', report)}`);
  } finally {
    await c.end();
    if (process.env.BENCH_KEEP_DATABASE !== '1') await dropDatabase(URL_);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
