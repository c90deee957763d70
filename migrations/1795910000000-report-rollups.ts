import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 3: the daily rollups reports read (docs/REPORTS.md). Each
 * table holds one China day's figures per grain (region, kind, priority,
 * green channel, account manager); building a day deletes its rows and
 * inserts them again in one transaction, so a rebuild replaces the day.
 * No primary key on the grain: the account manager may be null, and rows
 * are only ever written whole per day. `report_days` says which days exist.
 */
const REPORT_SOURCE_INDEXES: [string, string][] = [
  ['case_index_unclosed_opened_idx', 'case_index (opened_at) WHERE closed_at IS NULL'],
  ['case_index_closed_at_idx', 'case_index (closed_at) WHERE closed_at IS NOT NULL'],
  ['sla_clocks_stopped_at_idx', `sla_clocks (stopped_at) WHERE state = 'stopped'`],
  ['alerts_raised_at_idx', 'alerts (raised_at)'],
  ['orders_closed_at_idx', 'orders (closed_at) WHERE closed_at IS NOT NULL'],
  ['work_orders_closed_at_idx', 'work_orders (closed_at) WHERE closed_at IS NOT NULL'],
  ['bills_issued_at_idx', 'bills (issued_at)'],
  ['payments_reversed_at_idx', 'payments (reversed_at) WHERE reversed_at IS NOT NULL'],
  ['payment_allocations_line_idx', 'payment_allocations (bill_line_id)'],
  ['payment_allocations_allocated_at_idx', 'payment_allocations (allocated_at)'],
];

export class ReportRollups1795910000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    const grain = `day date NOT NULL, region text NOT NULL, kind text NOT NULL, priority smallint NOT NULL,
                   green_channel boolean NOT NULL, account_manager_id uuid`;
    await q.query(`
      CREATE TABLE report_daily_cases (
        ${grain},
        opened integer NOT NULL, closed integer NOT NULL, open_eod integer NOT NULL,
        aging_0_1 integer NOT NULL, aging_1_3 integer NOT NULL, aging_3_7 integer NOT NULL, aging_7_plus integer NOT NULL,
        response_ended integer NOT NULL, response_met integer NOT NULL,
        resolution_ended integer NOT NULL, resolution_met integer NOT NULL,
        breaches integer NOT NULL, escalations integer NOT NULL,
        csat_closed integer NOT NULL, csat_answered integer NOT NULL, csat_sum integer NOT NULL,
        csat_1 integer NOT NULL, csat_2 integer NOT NULL, csat_3 integer NOT NULL, csat_4 integer NOT NULL, csat_5 integer NOT NULL)`);
    await q.query(`CREATE INDEX report_daily_cases_day ON report_daily_cases (day, region)`);
    // one row per clock that ended that day, so p90 over any cut is exact (a mean could be summed, a percentile cannot)
    await q.query(`
      CREATE TABLE report_daily_durations (
        ${grain},
        clock text NOT NULL CHECK (clock IN ('response', 'resolution')),
        elapsed_ms bigint NOT NULL, working_ms bigint NOT NULL)`);
    await q.query(`CREATE INDEX report_daily_durations_day ON report_daily_durations (day, region)`);
    await q.query(`
      CREATE TABLE report_daily_orders (
        ${grain},
        accepted integer NOT NULL, completed integer NOT NULL, completed_on_time integer NOT NULL, lead_time_ms bigint NOT NULL,
        work_orders_completed integer NOT NULL, work_orders_on_time integer NOT NULL)`);
    await q.query(`CREATE INDEX report_daily_orders_day ON report_daily_orders (day, region)`);
    await q.query(`
      CREATE TABLE report_daily_billing (
        day date NOT NULL, region text NOT NULL, account_manager_id uuid,
        billed_fen bigint NOT NULL, collected_fen bigint NOT NULL,
        arrears_0_30_fen bigint NOT NULL, arrears_31_60_fen bigint NOT NULL, arrears_61_90_fen bigint NOT NULL, arrears_90_plus_fen bigint NOT NULL)`);
    await q.query(`CREATE INDEX report_daily_billing_day ON report_daily_billing (day, region)`);
    await q.query(`CREATE TABLE report_days (day date PRIMARY KEY, built_at timestamptz NOT NULL, partial boolean NOT NULL)`);
    await q.query(`
      CREATE TABLE report_rebuilds (
        id uuid PRIMARY KEY, from_day date NOT NULL, to_day date NOT NULL, requested_by uuid,
        state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        days_total integer NOT NULL, days_done integer NOT NULL DEFAULT 0, error text,
        created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`);
    // What the nightly build reads by time, so building yesterday touches yesterday's rows and the open cases, not every row
    for (const [name, ddl] of REPORT_SOURCE_INDEXES) await q.query(`CREATE INDEX ${name} ON ${ddl}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of REPORT_SOURCE_INDEXES) await q.query(`DROP INDEX ${name}`);
    for (const t of [
      'report_rebuilds',
      'report_days',
      'report_daily_billing',
      'report_daily_orders',
      'report_daily_durations',
      'report_daily_cases',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
