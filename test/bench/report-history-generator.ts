/**
 * Bulk histories for the reports benchmark (issue 14): customers, account
 * managers, cases with their SLA clocks and alerts, feedback, orders with work
 * orders, bills, payments and allocations, written by INSERT … SELECT over
 * generate_series in PostgreSQL (no row goes through the API). The histories
 * follow the rules the KPI SQL reads (src/reports/kpi-definitions.repository.ts,
 * the generator of the e2e tests in test/support/report-histories.ts):
 * - a clock stopped at or before its due time was met; a pause moves the
 *   resolution due time by the paused time; worked = stopped − started − paused;
 * - an alert is raised at each threshold a clock passed (warning at 75 %,
 *   breached at 100 %, escalated_2 at 150 %, escalated_3 at 200 %);
 * - a closed fault, complaint or support request may carry a 1–5 score;
 * - an order completes when its work orders do; a bill line is paid by
 *   allocations of payments, some reversed later, and a bill's state and paid
 *   amounts are what its live allocations add up to.
 *
 * - a closed (not cancelled) fault, complaint or support request has a
 *   call-back when src/callbacks/callback-rules.ts selects it (strategic and
 *   key customers, green-channel cases, a sample of the rest), with its
 *   attempts, its case_index row (kind `callback`) and its own clock.
 *
 * Each part is one entry of GENERATOR_PARTS.
 */
import type { Client } from 'pg';
import { benchCreditCode } from './harness';

const DAY_MS = 86_400_000;

export interface GeneratorPlan {
  closedCases: number;
  openCases: number;
  customers: number;
  accountManagers: number;
  /** Districts the customers live in, grouped by province (codes in order, so a neighbour is usually in the same province). */
  districts: string[];
  /** The histories run from `start` to `end` (instants, ISO); open cases were opened in the 30 days before `end`. */
  start: string;
  end: string;
  /** Bill periods (YYYY-MM): one bill per customer each, issued on the 3rd at 10:00 China time when that is before `end`. */
  periods: string[];
}

export interface GeneratorPart {
  name: string;
  /** What it writes, for the report. */
  writes: string;
  run(db: Client, plan: GeneratorPlan): Promise<void>;
}

const TICKETS = `('fault', 'complaint', 'support')`;

/** Account managers: staff rows (they never log in here), each holding one province. */
const accountManagers: GeneratorPart = {
  name: 'account managers',
  writes: 'staff',
  async run(db, plan) {
    const provinces = [...new Set(plan.districts.map((d) => `${d.slice(0, 2)}0000`))];
    await db.query(
      `INSERT INTO staff (username, display_name, password_hash, roles, regions)
       SELECT 'bench.am.' || g, '客户经理' || g, '!bench-no-login', ARRAY['account_manager'], ARRAY[($1::text[])[1 + g % $2::int]]
       FROM generate_series(0, $3::int - 1) g`,
      [provinces, provinces.length, plan.accountManagers],
    );
  },
};

/** Customers with their billing accounts; `bench_customers` numbers them and keeps what the later parts join on. */
const customers: GeneratorPart = {
  name: 'customers',
  writes: 'customers, billing_accounts',
  async run(db, plan) {
    const D = plan.districts.length;
    const names: string[] = [];
    const codes: string[] = [];
    const regions: string[] = [];
    for (let i = 0; i < plan.customers; i++) {
      names.push(`报表基准客户${i}号有限公司`);
      codes.push(benchCreditCode(i));
      regions.push(plan.districts[i % D]);
    }
    // an account manager of the customer's province; one customer in twenty has none
    await db.query(
      `WITH am AS (SELECT id, regions[1] AS province, row_number() OVER (PARTITION BY regions[1] ORDER BY username) - 1 AS k,
                          count(*) OVER (PARTITION BY regions[1]) AS n
                   FROM staff WHERE username LIKE 'bench.am.%')
       INSERT INTO customers (name, credit_code, tier, industry, home_region, green_channel, account_manager_id)
       SELECT t.name, t.code, (ARRAY['strategic', 'key', 'standard'])[1 + t.i % 3], 'manufacturing', t.region, t.i % 7 = 0,
              CASE WHEN t.i % 20 = 19 THEN NULL ELSE am.id END
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(name, code, region, i)
       LEFT JOIN am ON am.province = rpad(left(t.region, 2), 6, '0') AND am.k = (t.i / ${D}) % am.n
       ORDER BY t.i`,
      [names, codes, regions],
    );
    await db.query(`INSERT INTO billing_accounts (customer_id) SELECT id FROM customers`);
    await db.query(
      `CREATE UNLOGGED TABLE bench_customers AS
       SELECT (row_number() OVER (ORDER BY customer_no))::int AS i, id, home_region AS region, account_manager_id AS am, green_channel AS green,
              array_position($1::text[], home_region) - 1 AS ri
       FROM customers`,
      [plan.districts],
    );
    await db.query(`ALTER TABLE bench_customers ADD PRIMARY KEY (i)`);
  },
};

/**
 * The staging table every case part reads: one row per case with its whole
 * history as instants (opened, responded, resolved, closed), its targets
 * from sla_policies, its pause and its score. Closed cases whose history
 * would end after `end` are moved back whole.
 */
const caseHistories: GeneratorPart = {
  name: 'case histories',
  writes: 'bench_cases (staging)',
  async run(db, plan) {
    const spanMs = Date.parse(plan.end) - Date.parse(plan.start);
    await db.query(
      `CREATE UNLOGGED TABLE bench_cases AS
       WITH base AS (
         SELECT g AS n, gen_random_uuid() AS id,
                CASE WHEN g % 20 < 8 THEN 'fault' WHEN g % 20 < 10 THEN 'complaint' WHEN g % 20 < 14 THEN 'support'
                     WHEN g % 20 < 17 THEN 'inquiry' ELSE 'order' END AS kind,
                g > $1::int AS open, 1 + floor(random() * $3::int)::int AS ci,
                (ARRAY[1, 2, 2, 3, 3, 3, 3, 4, 4, 4])[1 + floor(random() * 10)::int] AS priority,
                random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8,
                random() AS r9, random() AS r10
         FROM generate_series(1, $1::int + $2::int) g
       ), timed AS (
         SELECT b.*, c.id AS customer_id, c.ri,
                CASE WHEN b.r10 < 0.8 THEN c.region ELSE ($4::text[])[1 + (c.ri + 1) % cardinality($4::text[])] END AS region,
                c.green OR b.r8 < 0.03 AS green, p.response_seconds AS rs, p.resolution_seconds AS ss, p.version AS policy_version,
                CASE WHEN b.open THEN $6::timestamptz - (b.r9 * 30 * ${DAY_MS} * interval '1 millisecond')
                     ELSE $5::timestamptz + (b.r9 * ${spanMs} * interval '1 millisecond') END AS opened0,
                b.kind IN ${TICKETS} AND NOT b.open AND b.r6 < 0.05 AS cancelled,
                CASE WHEN b.r2 < 0.3 THEN b.r3 * p.resolution_seconds / 2 ELSE 0 END AS pause_s
         FROM base b JOIN bench_customers c ON c.i = b.ci JOIN sla_policies p ON p.kind = b.kind AND p.priority = b.priority
       ), lived AS (
         SELECT t.*,
                -- seconds after opening: taken (response clock stops), resolved (resolution clock stops), closed
                CASE WHEN cancelled THEN NULL ELSE r1 * r1 * 1.2 * rs END AS took_s,
                CASE WHEN cancelled THEN NULL ELSE pause_s + greatest(r1 * r1 * 1.2 * rs + 60, power(r4, 1.5) * 1.15 * ss) END AS resolved_s,
                CASE WHEN cancelled THEN r1 * 2 * rs
                     WHEN kind IN ${TICKETS} THEN pause_s + greatest(r1 * r1 * 1.2 * rs + 60, power(r4, 1.5) * 1.15 * ss) + r5 * 2 * 86400
                     ELSE pause_s + greatest(r1 * r1 * 1.2 * rs + 60, power(r4, 1.5) * 1.15 * ss) END AS closed_s
         FROM timed t
       ), placed AS (
         SELECT l.*,
                CASE WHEN open THEN opened0
                     ELSE opened0 - greatest(interval '0', opened0 + closed_s * interval '1 second' - $6::timestamptz + interval '1 minute') END AS opened_at
         FROM lived l
       )
       SELECT n, id, kind, open, customer_id, region, ri, priority, green, rs, ss, policy_version, opened_at,
              CASE kind WHEN 'fault' THEN 'FLT' WHEN 'complaint' THEN 'CMP' WHEN 'support' THEN 'SUP' WHEN 'inquiry' THEN 'INQ' ELSE 'ORD' END
                || '-BENCH-' || lpad(n::text, 8, '0') AS case_no,
              -- an open case: acknowledged (nobody took it), in progress, or waiting on the customer
              CASE WHEN NOT open THEN NULL WHEN r6 < 0.25 THEN 'acknowledged' WHEN r6 < 0.8 THEN 'in_progress' ELSE 'pending' END AS open_state,
              cancelled,
              CASE WHEN open AND (r6 < 0.25 OR kind = 'inquiry') THEN NULL
                   WHEN open THEN opened_at + least(took_s * interval '1 second', ($6::timestamptz - opened_at) * r1)
                   WHEN cancelled THEN opened_at + closed_s * interval '1 second'
                   ELSE opened_at + took_s * interval '1 second' END AS responded_at,
              CASE WHEN open THEN NULL ELSE opened_at + coalesce(resolved_s, closed_s) * interval '1 second' END AS resolved_at,
              CASE WHEN open THEN NULL ELSE opened_at + closed_s * interval '1 second' END AS closed_at,
              CASE WHEN open THEN 0 ELSE round(pause_s * 1000)::bigint END AS paused_ms,
              CASE WHEN NOT open AND NOT cancelled AND kind IN ${TICKETS} AND r7 < 0.7
                   THEN (ARRAY[1, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5])[1 + floor(r8 * 20)::int] END AS score,
              r3, r5
       FROM placed`,
      [plan.closedCases, plan.openCases, plan.customers, plan.districts, plan.start, plan.end],
    );
    await db.query(`ALTER TABLE bench_cases ADD PRIMARY KEY (n)`);
    // each case's state as its own table spells it
    await db.query(`ALTER TABLE bench_cases ADD COLUMN state text, ADD COLUMN final boolean`);
    await db.query(
      `UPDATE bench_cases SET
         state = CASE WHEN cancelled THEN 'cancelled'
                      WHEN open AND kind = 'inquiry' THEN 'open'
                      WHEN open AND kind = 'order' THEN CASE open_state WHEN 'acknowledged' THEN 'acknowledged' ELSE 'in_progress' END
                      WHEN open THEN open_state
                      WHEN kind = 'order' THEN 'completed'
                      ELSE 'closed' END,
         final = NOT open`,
    );
  },
};

/** The case index every report reads (cases and, below, work orders). */
const caseIndex: GeneratorPart = {
  name: 'case index',
  writes: 'case_index',
  async run(db) {
    await db.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at, updated_at)
       SELECT kind, id, case_no, customer_id, region, '报表基准', state, priority, green, NOT final, opened_at, closed_at, coalesce(closed_at, opened_at)
       FROM bench_cases ORDER BY n`,
    );
  },
};

/** Faults, complaints and support requests, with their feedback (the score CSAT reads). */
const tickets: GeneratorPart = {
  name: 'faults, complaints, support requests and feedback',
  writes: 'faults, support_requests',
  async run(db) {
    const severity = `CASE priority WHEN 1 THEN 'critical' WHEN 2 THEN 'major' ELSE 'minor' END`;
    await db.query(
      `INSERT INTO faults (id, case_no, customer_id, category, severity, title, description, reported_via, region, reporter_name, reporter_mobile,
                           state, priority, green_channel, feedback_score, feedback_at, resolved_at, closed_at, created_at, updated_at)
       SELECT id, case_no, customer_id, kind, ${severity}, '报表基准', '生成的故障', 'hotline', region, '张三', '13800000000',
              state, priority, green, score, CASE WHEN score IS NOT NULL THEN closed_at END, CASE WHEN NOT cancelled THEN resolved_at END, closed_at,
              opened_at, coalesce(closed_at, opened_at)
       FROM bench_cases WHERE kind IN ('fault', 'complaint') ORDER BY n`,
    );
    await db.query(
      `INSERT INTO support_requests (id, case_no, customer_id, category, severity, description, region, contact_name, contact_mobile,
                                     state, priority, green_channel, feedback_score, feedback_at, resolved_at, closed_at, created_at, updated_at)
       SELECT id, case_no, customer_id, 'maintenance', ${severity}, '生成的支持', region, '李四', '13900000000',
              state, priority, green, score, CASE WHEN score IS NOT NULL THEN closed_at END, CASE WHEN NOT cancelled THEN resolved_at END, closed_at,
              opened_at, coalesce(closed_at, opened_at)
       FROM bench_cases WHERE kind = 'support' ORDER BY n`,
    );
  },
};

const inquiries: GeneratorPart = {
  name: 'inquiries',
  writes: 'inquiries',
  async run(db) {
    await db.query(
      `INSERT INTO inquiries (id, case_no, customer_id, caller_name, caller_mobile, channel, topic, question, region, state, priority, green_channel,
                              answer, answered_at, closed_at, created_at, updated_at)
       SELECT id, case_no, customer_id, '王五', '13700000000', 'hotline', 'product', '生成的咨询', region, state, priority, green,
              CASE WHEN final THEN '已答复' END, resolved_at, closed_at, opened_at, coalesce(closed_at, opened_at)
       FROM bench_cases WHERE kind = 'inquiry' ORDER BY n`,
    );
  },
};

/** Orders and their regional work orders (one, or two in neighbouring districts), each work order also in the case index. */
const orders: GeneratorPart = {
  name: 'orders and work orders',
  writes: 'orders, work_orders, case_index (work_order)',
  async run(db, plan) {
    await db.query(
      `INSERT INTO orders (id, case_no, customer_id, accepted_region, urgent, committed_completion_at, state, priority, green_channel,
                           created_at, updated_at, closed_at)
       SELECT id, case_no, customer_id, region, false, opened_at + ss * interval '1 second', state, priority, green,
              opened_at, coalesce(closed_at, opened_at), closed_at
       FROM bench_cases WHERE kind = 'order' ORDER BY n`,
    );
    await db.query(
      `CREATE UNLOGGED TABLE bench_work_orders AS
       SELECT gen_random_uuid() AS id, o.case_no || '-' || k AS case_no, o.id AS order_id, o.customer_id, o.priority, o.green, o.opened_at,
              CASE WHEN k = 1 THEN o.region ELSE ($1::text[])[1 + (array_position($1::text[], o.region) % cardinality($1::text[]))] END AS region,
              CASE WHEN o.state = 'completed' THEN 'completed' WHEN o.state = 'acknowledged' THEN 'pending' ELSE 'in_progress' END AS state,
              o.opened_at + o.ss * interval '1 second' - o.r3 * interval '1 day' AS due_at,
              CASE WHEN o.state = 'completed' THEN o.closed_at - (o.closed_at - o.opened_at) * o.r5 * 0.2 END AS closed_at
       FROM bench_cases o CROSS JOIN LATERAL generate_series(1, CASE WHEN o.n % 3 = 0 THEN 2 ELSE 1 END) k
       WHERE o.kind = 'order'`,
      [plan.districts],
    );
    await db.query(
      `INSERT INTO work_orders (id, case_no, order_id, customer_id, region, state, priority, green_channel, due_at, created_at, updated_at, closed_at)
       SELECT id, case_no, order_id, customer_id, region, state, priority, green, due_at, opened_at, coalesce(closed_at, opened_at), closed_at
       FROM bench_work_orders ORDER BY case_no`,
    );
    await db.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at, updated_at)
       SELECT 'work_order', id, case_no, customer_id, region, '报表基准工单', state, priority, green, state <> 'completed', opened_at, closed_at,
              coalesce(closed_at, opened_at)
       FROM bench_work_orders ORDER BY case_no`,
    );
  },
};

/**
 * Two clocks per case (24x7): response stops when the case was taken,
 * resolution when it was resolved (a cancelled case stops both); a paused
 * clock of a pending case. Timers are left unset (next_at NULL): the
 * histories lie in the past and nothing is left to raise for the server.
 */
const slaClocks: GeneratorPart = {
  name: 'SLA clocks',
  writes: 'sla_clocks',
  async run(db, plan) {
    await db.query(
      `CREATE UNLOGGED TABLE bench_clocks AS
       SELECT gen_random_uuid() AS id, c.n, c.kind, c.id AS case_id, c.case_no, c.customer_id, c.region, k.clock, c.kind || ':P' || c.priority AS policy_key,
              c.policy_version, k.target_s, c.opened_at AS started_at, k.due_at, k.state, k.stopped_at, k.paused_at, k.paused_ms,
              CASE WHEN k.state = 'running' THEN c.opened_at END AS resumed_at,
              greatest(0, round(extract(epoch FROM coalesce(k.stopped_at, k.paused_at, c.opened_at) - c.opened_at) * 1000) - k.paused_ms)::bigint AS worked_ms
       FROM bench_cases c CROSS JOIN LATERAL (VALUES
         ('response', c.rs, c.opened_at + c.rs * interval '1 second',
          CASE WHEN c.responded_at IS NULL THEN 'running' ELSE 'stopped' END, c.responded_at, NULL::timestamptz, 0::bigint),
         ('resolution', c.ss, c.opened_at + c.ss * interval '1 second' + c.paused_ms * interval '1 millisecond',
          CASE WHEN c.final THEN 'stopped' WHEN c.state = 'pending' THEN 'paused' ELSE 'running' END,
          CASE WHEN c.cancelled THEN c.closed_at WHEN c.final THEN c.resolved_at END,
          CASE WHEN c.state = 'pending' THEN c.responded_at + ($1::timestamptz - c.responded_at) * c.r3 END,
          c.paused_ms)
       ) AS k(clock, target_s, due_at, state, stopped_at, paused_at, paused_ms)`,
      [plan.end],
    );
    await db.query(
      `INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, due_at, state, stopped_at, worked_ms, resumed_at, paused_at, paused_ms, breached_at)
       SELECT id, kind, case_id, clock, policy_key, policy_version, '24x7', target_s, 75, started_at, due_at, state, stopped_at, worked_ms,
              resumed_at, paused_at, paused_ms, CASE WHEN coalesce(stopped_at, paused_at, $1::timestamptz) > due_at THEN due_at END
       FROM bench_clocks ORDER BY n, clock`,
      [plan.end],
    );
  },
};

/** CALLBACK_SAMPLE_PERCENT's default (src/config/env.schema.ts): the bench server runs with it. */
const CALLBACK_SAMPLE_PERCENT = 20;
/** CALLBACK_DUE_HOURS's default, in seconds. */
const CALLBACK_DUE_S = 48 * 3600;

/**
 * Satisfaction call-backs (issue 14 point 4; src/callbacks/callback-creator.ts):
 * one per closed fault, complaint or support request that callbackSelection
 * picks — the customer's tier strategic or key, else the case in the green
 * channel, else its sampleBucket (the first four bytes of the SHA-256 of its
 * id, modulo 100) under the sample percent. Created at the close, due 48 h
 * later on its own 24x7 clock. Finished within 0–72 h (about a quarter late):
 * seven in ten reached (done, scored 1–5, on the first, second or third
 * attempt), the rest unreachable after three attempts; one whose finish lies
 * after `end` is still pending (no attempt yet) or in progress (one or two
 * attempts nobody answered). Its clock is written into `bench_clocks` too,
 * so the alerts part raises its warning and breach like any clock's.
 */
const callbacks: GeneratorPart = {
  name: 'call-backs',
  writes: 'callbacks, callback_attempts, case_index (callback), sla_clocks (callback)',
  async run(db, plan) {
    await db.query(
      `CREATE UNLOGGED TABLE bench_callbacks AS
       WITH picked AS (
         SELECT c.n, c.id AS case_id, c.kind, c.case_no, c.customer_id, c.region, c.priority, c.green, c.closed_at AS created_at,
                CASE WHEN cu.tier IN ('strategic', 'key') THEN 'tier' WHEN c.green THEN 'green_channel' ELSE 'sample' END AS selected_by,
                c.closed_at + power(random(), 1.5) * 72 * interval '1 hour' AS finish, random() AS r1, random() AS r2, random() AS r3
         FROM bench_cases c JOIN customers cu ON cu.id = c.customer_id
         WHERE c.kind IN ${TICKETS} AND c.state = 'closed'
           AND (cu.tier IN ('strategic', 'key') OR c.green
                OR ('x' || left(encode(sha256(convert_to(c.id::text, 'UTF8')), 'hex'), 8))::bit(32)::bigint % 100 < $2::int)
       ), outcome AS (
         SELECT p.*, p.finish <= $1::timestamptz AS finished, p.r1 < 0.7 AS reached
         FROM picked p
       )
       SELECT n, gen_random_uuid() AS id, 'CB-BENCH-' || lpad(n::text, 8, '0') AS callback_no, case_id, kind, case_no, customer_id, region,
              priority, green, selected_by, created_at, created_at + ${CALLBACK_DUE_S} * interval '1 second' AS due_at,
              CASE WHEN NOT finished THEN CASE WHEN r3 < 0.5 THEN 'pending' ELSE 'in_progress' END
                   WHEN reached THEN 'done' ELSE 'unreachable' END AS state,
              CASE WHEN NOT finished THEN CASE WHEN r3 < 0.5 THEN 0 ELSE 1 + floor(r2 * 2)::int END
                   WHEN reached THEN 1 + floor(r2 * 3)::int ELSE 3 END AS attempts,
              CASE WHEN finished AND reached THEN (ARRAY[1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5])[1 + floor(r3 * 14)::int] END AS score,
              CASE WHEN finished THEN finish END AS finished_at,
              -- the last attempt so far: the finish, or for one still open a moment between the close and the end of the histories
              CASE WHEN finished THEN finish ELSE created_at + ($1::timestamptz - created_at) * r2 END AS last_at
       FROM outcome`,
      [plan.end, CALLBACK_SAMPLE_PERCENT],
    );
    await db.query(`ALTER TABLE bench_callbacks ADD PRIMARY KEY (n)`);
    await db.query(
      `INSERT INTO callbacks (id, callback_no, case_kind, case_id, case_number, customer_id, region, priority, green_channel, selected_by,
                              contact_name, contact_mobile, state, attempts, score, comment, due_at, finished_at, created_at, updated_at)
       SELECT id, callback_no, kind, case_id, case_no, customer_id, region, priority, green, selected_by,
              CASE kind WHEN 'support' THEN '李四' ELSE '张三' END, CASE kind WHEN 'support' THEN '13900000000' ELSE '13800000000' END,
              state, attempts, score, CASE WHEN score IS NOT NULL THEN '回访满意度' || score || '分' END, due_at, finished_at, created_at,
              CASE WHEN attempts > 0 THEN last_at ELSE created_at END
       FROM bench_callbacks ORDER BY n`,
    );
    // attempt k of m at the k-th m-th of the way from the close to the last one; only the last of a done call-back reached
    await db.query(
      `INSERT INTO callback_attempts (callback_id, n, reached, score, comment, by_name, at)
       SELECT b.id, k, b.state = 'done' AND k = b.attempts, CASE WHEN k = b.attempts THEN b.score END,
              CASE WHEN b.state = 'done' AND k = b.attempts THEN '已接通' ELSE '无人接听' END, '回访坐席',
              b.created_at + (b.last_at - b.created_at) * k / b.attempts
       FROM bench_callbacks b CROSS JOIN LATERAL generate_series(1, b.attempts) k
       ORDER BY b.n, k`,
    );
    await db.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at, updated_at)
       SELECT 'callback', id, callback_no, customer_id, region, '满意度回访：报表基准', state, priority, green, finished_at IS NULL, created_at,
              finished_at, coalesce(finished_at, created_at)
       FROM bench_callbacks ORDER BY n`,
    );
    await db.query(
      `INSERT INTO bench_clocks (id, n, kind, case_id, case_no, customer_id, region, clock, policy_key, policy_version, target_s, started_at,
                                 due_at, state, stopped_at, paused_at, paused_ms, resumed_at, worked_ms)
       SELECT gen_random_uuid(), n, 'callback', id, callback_no, customer_id, region, 'resolution', 'callback', 0, ${CALLBACK_DUE_S},
              created_at, due_at, CASE WHEN finished_at IS NULL THEN 'running' ELSE 'stopped' END, finished_at, NULL, 0,
              CASE WHEN finished_at IS NULL THEN created_at END,
              CASE WHEN finished_at IS NULL THEN 0 ELSE round(extract(epoch FROM finished_at - created_at) * 1000)::bigint END
       FROM bench_callbacks`,
    );
    await db.query(
      `INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, due_at, state, stopped_at, worked_ms, resumed_at, paused_at, paused_ms, breached_at)
       SELECT id, kind, case_id, clock, policy_key, policy_version, '24x7', target_s, 75, started_at, due_at, state, stopped_at, worked_ms,
              resumed_at, paused_at, paused_ms, CASE WHEN coalesce(stopped_at, $1::timestamptz) > due_at THEN due_at END
       FROM bench_clocks WHERE kind = 'callback' ORDER BY n`,
      [plan.end],
    );
  },
};

/** The alerts each clock raised: every threshold passed before it stopped (or before `end`, if it still runs). */
const alerts: GeneratorPart = {
  name: 'alerts',
  writes: 'alerts',
  async run(db, plan) {
    await db.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, raised_at, customer_id, region)
       SELECT k.kind, k.case_id, k.case_no, k.id, k.clock, a.level, k.due_at, a.at, k.customer_id, k.region
       FROM bench_clocks k CROSS JOIN LATERAL (VALUES
         ('warning', k.due_at - k.target_s * 0.25 * interval '1 second'),
         ('breached', k.due_at),
         ('escalated_2', k.due_at + k.target_s * 0.5 * interval '1 second'),
         ('escalated_3', k.due_at + k.target_s * interval '1 second')
       ) AS a(level, at)
       WHERE coalesce(k.stopped_at, k.paused_at, $1::timestamptz) > a.at AND a.at <= $1::timestamptz
       ORDER BY k.n, k.clock, a.at`,
      [plan.end],
    );
  },
};

/**
 * One bill per customer and period (a line in the home district, and in
 * three of ten a second in the neighbouring one), due 15 days after issue;
 * 97 in 100 paid by one payment within 40 days (one in twenty of those
 * half), one payment in fifty reversed two days later.
 */
const billing: GeneratorPart = {
  name: 'bills, payments and allocations',
  writes: 'bills, bill_lines, payments, payment_allocations',
  async run(db, plan) {
    await db.query(
      `CREATE UNLOGGED TABLE bench_bills AS
       WITH b AS (
         SELECT gen_random_uuid() AS id, c.i, c.id AS customer_id, c.region, c.ri, p.period,
                (p.period || '-03 10:00:00+08')::timestamptz AS issued_at,
                10000 + floor(random() * 990000)::bigint AS a1,
                CASE WHEN random() < 0.3 THEN 10000 + floor(random() * 490000)::bigint ELSE 0 END AS a2,
                random() AS r1, random() AS r2, random() AS r3, random() AS r4
         FROM bench_customers c CROSS JOIN unnest($1::text[]) AS p(period)
       )
       SELECT b.*, (b.issued_at AT TIME ZONE 'Asia/Shanghai')::date AS issue_date, (b.issued_at AT TIME ZONE 'Asia/Shanghai')::date + 15 AS due_date,
              ($3::text[])[1 + (b.ri + 1) % cardinality($3::text[])] AS region2,
              CASE WHEN b.r1 < 0.97 AND b.issued_at + b.r2 * 40 * interval '1 day' < $2::timestamptz
                   THEN b.issued_at + b.r2 * 40 * interval '1 day' END AS received_at,
              b.r3 < 0.05 AS half
       FROM b WHERE b.issued_at < $2::timestamptz`,
      [plan.periods, plan.end, plan.districts],
    );
    await db.query(
      `ALTER TABLE bench_bills ADD COLUMN reversed_at timestamptz, ADD COLUMN p1 bigint, ADD COLUMN p2 bigint, ADD COLUMN payment_id uuid,
                               ADD COLUMN line1 uuid, ADD COLUMN line2 uuid`,
    );
    await db.query(
      `UPDATE bench_bills SET
         reversed_at = CASE WHEN received_at IS NOT NULL AND r4 < 0.02 AND received_at + interval '2 days' < $1::timestamptz
                            THEN received_at + interval '2 days' END,
         p1 = CASE WHEN received_at IS NULL THEN 0 WHEN half THEN greatest(1, a1 / 2) ELSE a1 END,
         p2 = CASE WHEN received_at IS NULL OR a2 = 0 THEN 0 WHEN half THEN greatest(1, a2 / 2) ELSE a2 END,
         payment_id = CASE WHEN received_at IS NOT NULL THEN gen_random_uuid() END,
         line1 = gen_random_uuid(), line2 = CASE WHEN a2 > 0 THEN gen_random_uuid() END`,
      [plan.end],
    );
    // what stays allocated: nothing of a reversed payment
    const live = (x: string) => `CASE WHEN reversed_at IS NULL THEN ${x} ELSE 0 END`;
    await db.query(
      `INSERT INTO bills (id, bill_no, customer_id, period, total_fen, paid_fen, state, charge_count, issue_date, due_date, issued_at)
       SELECT id, 'B-BENCH-' || i || '-' || period, customer_id, period, a1 + a2, ${live('p1 + p2')},
              CASE WHEN ${live('p1 + p2')} = 0 THEN 'issued' WHEN ${live('p1 + p2')} = a1 + a2 THEN 'paid' ELSE 'partially_paid' END,
              CASE WHEN a2 > 0 THEN 2 ELSE 1 END, issue_date, due_date, issued_at
       FROM bench_bills ORDER BY issued_at, i`,
    );
    await db.query(
      `INSERT INTO bill_lines (id, bill_id, serving_region, amount_fen, due_fen, paid_fen, charge_count)
       SELECT line1, id, region, a1, a1, ${live('p1')}, 1 FROM bench_bills
       UNION ALL
       SELECT line2, id, region2, a2, a2, ${live('p2')}, 1 FROM bench_bills WHERE a2 > 0`,
    );
    await db.query(
      `INSERT INTO payments (id, customer_id, amount_fen, allocated_fen, collected_region, method, received_at, reversed_at, reversal_reason)
       SELECT payment_id, customer_id, p1 + p2, ${live('p1 + p2')}, region, 'bank_transfer', received_at, reversed_at,
              CASE WHEN reversed_at IS NOT NULL THEN '退票' END
       FROM bench_bills WHERE payment_id IS NOT NULL ORDER BY received_at`,
    );
    await db.query(
      `INSERT INTO payment_allocations (payment_id, bill_id, bill_line_id, amount_fen, allocated_at, reversed_at)
       SELECT payment_id, id, line1, p1, received_at, reversed_at FROM bench_bills WHERE payment_id IS NOT NULL
       UNION ALL
       SELECT payment_id, id, line2, p2, received_at, reversed_at FROM bench_bills WHERE payment_id IS NOT NULL AND p2 > 0
       ORDER BY received_at`,
    );
  },
};

/** In order: later parts read the staging tables (bench_*) the earlier ones made. */
export const GENERATOR_PARTS: GeneratorPart[] = [
  accountManagers,
  customers,
  caseHistories,
  caseIndex,
  tickets,
  inquiries,
  orders,
  slaClocks,
  callbacks,
  alerts,
  billing,
];

export const STAGING_TABLES = ['bench_customers', 'bench_cases', 'bench_work_orders', 'bench_clocks', 'bench_bills', 'bench_callbacks'];
