import { sql, raw, join, type Db, type Sql, execute, rows, firstRow, affected } from '../common/sql';
import { FIGURES, type Figure, type Figures } from './report-kpis';
import type { ReportCut, ReportWindow } from './report-window';

/*
 * The nightly build: one China day's figures per grain (region, kind,
 * priority, green channel, account manager) into the report_daily_* tables,
 * by the same rules as kpi-definitions.repository.ts (each part below names
 * the figures it computes). A build deletes the day's rows and inserts them
 * again in the caller's transaction, so re-running a day replaces it.
 */

const NOT_COUNTED = sql`('cancelled', 'rejected')`;
const GRAIN = sql`day, region, kind, priority, green_channel, account_manager_id`;

/**
 * opened, closed, open_eod, aging, csat (the case rows); response and resolution (the clocks); breaches and escalations (the alerts);
 * callbacks_* (the call-backs, kind callback; their case_index rows and clocks are left out of the case figures).
 */
function buildCases(w: ReportWindow): Sql {
  return sql`
    INSERT INTO report_daily_cases (${GRAIN}, opened, closed, open_eod, aging_0_1, aging_1_3, aging_3_7, aging_7_plus,
      response_ended, response_met, resolution_ended, resolution_met, breaches, escalations,
      csat_closed, csat_answered, csat_sum, csat_1, csat_2, csat_3, csat_4, csat_5,
      callbacks_created, callbacks_done, callbacks_unreachable, callbacks_on_time, callbacks_score_sum, callbacks_low_score)
    SELECT ${w.from}::date, region, kind, priority, green_channel, am,
           sum(opened), sum(closed), sum(open_eod), sum(a01), sum(a13), sum(a37), sum(a7),
           sum(re), sum(rm), sum(se), sum(sm), sum(br), sum(es),
           sum(cc), sum(ca), sum(cs), sum(c1), sum(c2), sum(c3), sum(c4), sum(c5),
           sum(kc), sum(kd), sum(ku), sum(kt), sum(ks), sum(kl)
    FROM (
      SELECT ci.region, ci.kind, ci.priority, ci.green_channel, cu.account_manager_id AS am,
             (ci.opened_at >= ${w.start})::int AS opened,
             coalesce(ci.closed_at >= ${w.start} AND ci.closed_at < ${w.end}, false)::int AS closed,
             (ci.closed_at IS NULL OR ci.closed_at >= ${w.end})::int AS open_eod,
             (open_now AND age < interval '1 day')::int AS a01,
             (open_now AND age >= interval '1 day' AND age < interval '3 days')::int AS a13,
             (open_now AND age >= interval '3 days' AND age < interval '7 days')::int AS a37,
             (open_now AND age >= interval '7 days')::int AS a7,
             0 AS re, 0 AS rm, 0 AS se, 0 AS sm, 0 AS br, 0 AS es,
             fb.closed AS cc, (fb.closed = 1 AND fb.score IS NOT NULL)::int AS ca, CASE WHEN fb.closed = 1 THEN coalesce(fb.score, 0) ELSE 0 END AS cs,
             (fb.closed = 1 AND coalesce(fb.score, 0) = 1)::int AS c1, (fb.closed = 1 AND coalesce(fb.score, 0) = 2)::int AS c2, (fb.closed = 1 AND coalesce(fb.score, 0) = 3)::int AS c3,
             (fb.closed = 1 AND coalesce(fb.score, 0) = 4)::int AS c4, (fb.closed = 1 AND coalesce(fb.score, 0) = 5)::int AS c5,
             0 AS kc, 0 AS kd, 0 AS ku, 0 AS kt, 0 AS ks, 0 AS kl
      FROM case_index ci
      LEFT JOIN customers cu ON cu.id = ci.customer_id
      CROSS JOIN LATERAL (SELECT (ci.closed_at IS NULL OR ci.closed_at >= ${w.end}) AS open_now, ${w.end}::timestamptz - ci.opened_at AS age) o
      LEFT JOIN faults f ON ci.kind IN ('fault', 'complaint') AND f.id = ci.id
      LEFT JOIN support_requests s ON ci.kind = 'support' AND s.id = ci.id
      CROSS JOIN LATERAL (SELECT coalesce(ci.kind IN ('fault', 'complaint', 'support') AND ci.state = 'closed'
                                  AND ci.closed_at >= ${w.start} AND ci.closed_at < ${w.end}, false)::int AS closed,
                                 coalesce(f.feedback_score, s.feedback_score)::int AS score) fb
      WHERE ci.kind NOT IN ('work_order', 'callback') AND ci.opened_at < ${w.end} AND (ci.closed_at IS NULL OR ci.closed_at >= ${w.start})
      UNION ALL
      SELECT ci.region, ci.kind, ci.priority, ci.green_channel, cu.account_manager_id,
             0, 0, 0, 0, 0, 0, 0,
             (k.clock = 'response')::int, (k.clock = 'response' AND k.stopped_at <= k.due_at)::int,
             (k.clock = 'resolution')::int, (k.clock = 'resolution' AND k.stopped_at <= k.due_at)::int, 0, 0,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM sla_clocks k JOIN case_index ci ON ci.kind = k.case_kind AND ci.id = k.case_id LEFT JOIN customers cu ON cu.id = ci.customer_id
      WHERE ci.kind NOT IN ('work_order', 'callback') AND k.state = 'stopped' AND k.stopped_at >= ${w.start} AND k.stopped_at < ${w.end} AND ci.state NOT IN ${NOT_COUNTED}
      UNION ALL
      SELECT ci.region, ci.kind, ci.priority, ci.green_channel, cu.account_manager_id,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             (a.level = 'breached')::int, (a.level IN ('escalated_2', 'escalated_3'))::int,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM alerts a JOIN case_index ci ON ci.kind = a.case_kind AND ci.id = a.case_id LEFT JOIN customers cu ON cu.id = ci.customer_id
      WHERE ci.kind NOT IN ('work_order', 'callback') AND a.level IN ('breached', 'escalated_2', 'escalated_3') AND a.raised_at >= ${w.start} AND a.raised_at < ${w.end}
      UNION ALL
      SELECT cb.region, 'callback', cb.priority, cb.green_channel, cu.account_manager_id,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             (cb.created_at >= ${w.start} AND cb.created_at < ${w.end})::int,
             (fin AND cb.state = 'done')::int, (fin AND cb.state = 'unreachable')::int, (fin AND cb.finished_at <= cb.due_at)::int,
             CASE WHEN fin AND cb.state = 'done' THEN cb.score ELSE 0 END, (fin AND cb.state = 'done' AND cb.score <= 2)::int
      FROM callbacks cb JOIN customers cu ON cu.id = cb.customer_id
      CROSS JOIN LATERAL (SELECT coalesce(cb.finished_at >= ${w.start} AND cb.finished_at < ${w.end}, false) AS fin) f
      WHERE (cb.created_at >= ${w.start} AND cb.created_at < ${w.end}) OR (cb.finished_at >= ${w.start} AND cb.finished_at < ${w.end})
    ) x
    GROUP BY region, kind, priority, green_channel, am`;
}

/** mtta_* and mttr_*: one row per clock ended that day. */
function buildDurations(w: ReportWindow): Sql {
  return sql`
    INSERT INTO report_daily_durations (${GRAIN}, clock, elapsed_ms, working_ms)
    SELECT ${w.from}::date, ci.region, ci.kind, ci.priority, ci.green_channel, cu.account_manager_id, k.clock,
           round(extract(epoch FROM k.stopped_at - ci.opened_at) * 1000), k.worked_ms
    FROM sla_clocks k JOIN case_index ci ON ci.kind = k.case_kind AND ci.id = k.case_id LEFT JOIN customers cu ON cu.id = ci.customer_id
    WHERE ci.kind NOT IN ('work_order', 'callback') AND k.state = 'stopped' AND k.stopped_at >= ${w.start} AND k.stopped_at < ${w.end} AND ci.state NOT IN ${NOT_COUNTED}`;
}

/** orders_* (by accepted region, kind order) and work_orders_* (by the work order's region, kind work_order). */
function buildOrders(w: ReportWindow): Sql {
  return sql`
    INSERT INTO report_daily_orders (${GRAIN}, accepted, completed, completed_on_time, lead_time_ms, work_orders_completed, work_orders_on_time)
    SELECT ${w.from}::date, region, kind, priority, green_channel, am, sum(acc), sum(comp), sum(ontime), sum(lead), sum(wc), sum(wt)
    FROM (
      SELECT o.accepted_region AS region, 'order' AS kind, o.priority, o.green_channel, cu.account_manager_id AS am,
             (o.created_at >= ${w.start} AND o.created_at < ${w.end})::int AS acc,
             done::int AS comp, (done AND o.closed_at <= o.committed_completion_at)::int AS ontime,
             CASE WHEN done THEN round(extract(epoch FROM o.closed_at - o.created_at) * 1000) ELSE 0 END AS lead,
             0 AS wc, 0 AS wt
      FROM orders o JOIN customers cu ON cu.id = o.customer_id
      CROSS JOIN LATERAL (SELECT coalesce(o.state = 'completed' AND o.closed_at >= ${w.start} AND o.closed_at < ${w.end}, false) AS done) d
      WHERE (o.created_at >= ${w.start} AND o.created_at < ${w.end}) OR done
      UNION ALL
      SELECT wo.region, 'work_order', wo.priority, wo.green_channel, cu.account_manager_id, 0, 0, 0, 0, 1, (wo.closed_at <= wo.due_at)::int
      FROM work_orders wo JOIN customers cu ON cu.id = wo.customer_id
      WHERE wo.state = 'completed' AND wo.closed_at >= ${w.start} AND wo.closed_at < ${w.end}
    ) x
    GROUP BY region, kind, priority, green_channel, am`;
}

/** billed_fen (serving region), collected_fen (collecting region), arrears at the end of the day (serving region). */
function buildBilling(w: ReportWindow): Sql {
  return sql`
    INSERT INTO report_daily_billing (day, region, account_manager_id, billed_fen, collected_fen,
      arrears_0_30_fen, arrears_31_60_fen, arrears_61_90_fen, arrears_90_plus_fen)
    WITH since AS (
      -- what changed on each line after the end of the day: allocated since (and still standing), reversed since (and
      -- standing then); read through the indexes on both instants, however many allocations lie before the day
      SELECT pa.bill_line_id,
             sum(CASE WHEN pa.allocated_at >= ${w.end} AND pa.reversed_at IS NULL THEN pa.amount_fen ELSE 0 END)
             - sum(CASE WHEN pa.allocated_at < ${w.end} AND pa.reversed_at >= ${w.end} THEN pa.amount_fen ELSE 0 END) AS change
      FROM payment_allocations pa WHERE pa.allocated_at >= ${w.end} OR pa.reversed_at >= ${w.end}
      GROUP BY pa.bill_line_id
    )
    SELECT ${w.from}::date, region, am, sum(billed), sum(collected), sum(a0), sum(a1), sum(a2), sum(a3)
    FROM (
      SELECT l.serving_region AS region, cu.account_manager_id AS am, l.amount_fen AS billed, 0 AS collected, 0 AS a0, 0 AS a1, 0 AS a2, 0 AS a3
      FROM bill_lines l JOIN bills b ON b.id = l.bill_id JOIN customers cu ON cu.id = b.customer_id
      WHERE b.issued_at >= ${w.start} AND b.issued_at < ${w.end}
      UNION ALL
      SELECT p.collected_region, cu.account_manager_id, 0,
             CASE WHEN p.received_at >= ${w.start} AND p.received_at < ${w.end} THEN p.amount_fen ELSE 0 END
             - CASE WHEN p.reversed_at >= ${w.start} AND p.reversed_at < ${w.end} THEN p.amount_fen ELSE 0 END, 0, 0, 0, 0
      FROM payments p JOIN customers cu ON cu.id = p.customer_id
      WHERE (p.received_at >= ${w.start} AND p.received_at < ${w.end}) OR (p.reversed_at >= ${w.start} AND p.reversed_at < ${w.end})
      UNION ALL
      SELECT debts.region, cu.account_manager_id, 0, 0,
             CASE WHEN late BETWEEN 1 AND 30 THEN owed ELSE 0 END, CASE WHEN late BETWEEN 31 AND 60 THEN owed ELSE 0 END,
             CASE WHEN late BETWEEN 61 AND 90 THEN owed ELSE 0 END, CASE WHEN late > 90 THEN owed ELSE 0 END
      FROM (
        -- what a line owed at the end of the day = what it owes now (l.paid_fen is the sum of its standing allocations)
        -- plus what changed since: the lines of the bills not paid now, and those of the bills paid now that changed
        -- after the day (a bill paid now with no change since owed nothing then), so the paid past is never read
        SELECT l.serving_region AS region, b.customer_id, ${w.to}::date - b.due_date AS late, l.due_fen - l.paid_fen + coalesce(s.change, 0) AS owed
        FROM bills b JOIN bill_lines l ON l.bill_id = b.id LEFT JOIN since s ON s.bill_line_id = l.id
        WHERE b.state <> 'paid' AND b.issued_at < ${w.end} AND b.due_date < ${w.to}::date
        UNION ALL
        SELECT l.serving_region, b.customer_id, ${w.to}::date - b.due_date, l.due_fen - l.paid_fen + s.change
        FROM since s JOIN bill_lines l ON l.id = s.bill_line_id JOIN bills b ON b.id = l.bill_id
        WHERE b.state = 'paid' AND b.issued_at < ${w.end} AND b.due_date < ${w.to}::date
      ) debts JOIN customers cu ON cu.id = debts.customer_id
      WHERE owed > 0
    ) x
    GROUP BY region, am`;
}

const ROLLUPS = ['report_daily_cases', 'report_daily_durations', 'report_daily_orders', 'report_daily_billing'] as const;

/** Replaces one day's rollups (run it in a transaction: readers see the old day or the new one, never half). */
/**
 * Replaces one day's rollups under the day's lock. With `unlessBuiltWithinMs`
 * (today so far, built on request) a caller that waited for the lock while
 * another built the day finds it fresh and builds nothing: false.
 */
export async function buildDay(db: Db, w: ReportWindow, partial: boolean, unlessBuiltWithinMs?: number): Promise<boolean> {
  await execute(db, sql`SELECT pg_advisory_xact_lock(hashtext('report-day'), (${w.from}::date - date '2000-01-01'))`);
  if (unlessBuiltWithinMs !== undefined) {
    const fresh = await firstRow(
      db,
      sql`SELECT 1 FROM report_days WHERE day = ${w.from}::date AND built_at > now() - make_interval(secs => ${unlessBuiltWithinMs / 1000})`,
    );
    if (fresh) return false;
  }
  // the planner's cost of these scans crosses jit_above_cost on a year of history, and compiling them took longer than
  // running them (docs/PERFORMANCE.md, "Reports")
  await execute(db, sql`SET LOCAL jit = off`);
  // the allocations touched after an older day being rebuilt are many: aggregate them in memory, not in batches on disk
  await execute(db, sql`SET LOCAL work_mem = '64MB'`);
  // the table names are this file's constants, never input
  for (const table of ROLLUPS) await execute(db, sql`DELETE FROM ${raw(table)} WHERE day = ${w.from}::date`);
  for (const statement of [buildCases(w), buildDurations(w), buildOrders(w), buildBilling(w)]) await execute(db, statement);
  await execute(
    db,
    sql`INSERT INTO report_days (day, built_at, partial) VALUES (${w.from}::date, now(), ${partial})
        ON CONFLICT (day) DO UPDATE SET built_at = now(), partial = EXCLUDED.partial`,
  );
  return true;
}

/* ---- reading the rollups ---- */

const caseRollupCut = (c: ReportCut) => sql`region LIKE ANY(${c.patterns})
  AND (${c.kind ?? null}::text IS NULL OR kind = ${c.kind ?? null})
  AND (${c.priority ?? null}::int IS NULL OR priority = ${c.priority ?? null})
  AND (${c.greenChannel ?? null}::boolean IS NULL OR green_channel = ${c.greenChannel ?? null})
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR account_manager_id = ${c.accountManagerId ?? null})`;
const billingRollupCut = (c: ReportCut) => sql`region LIKE ANY(${c.patterns})
  AND ${c.kind === undefined && c.priority === undefined && c.greenChannel === undefined}
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR account_manager_id = ${c.accountManagerId ?? null})`;

/**
 * A breakdown key over the rollups: `total` (one group), the child region of
 * the requested one (`child:<n>`, the first n digits padded to 6), or a
 * grain column.
 */
export type GroupBy = 'total' | 'day' | 'kind' | 'priority' | 'green_channel' | 'account_manager_id' | { childRegionDigits: number };
const groupExpr = (g: GroupBy, billing = false): Sql => {
  if (g === 'total') return sql`'total'`;
  if (typeof g === 'object') return g.childRegionDigits >= 6 ? sql`region` : sql`rpad(left(region, ${g.childRegionDigits}), 6, '0')`;
  if (g === 'day') return sql`to_char(day, 'YYYY-MM-DD')`;
  if (billing && g !== 'account_manager_id') return sql`NULL::text`;
  return {
    kind: sql`kind`,
    priority: sql`priority::text`,
    green_channel: sql`green_channel::text`,
    account_manager_id: sql`account_manager_id::text`,
  }[g];
};

type Grouped = Map<string, Figures>;

/** The figures of a period per group, from the rollups only; stocks from `stockDay` (the last built day of the period). */
export async function rollupFigures(db: Db, c: ReportCut, w: ReportWindow, stockDay: string | null, g: GroupBy): Promise<Grouped> {
  return (await rollupFiguresBy(db, c, w, stockDay, [g]))[0];
}

/**
 * The figures of a period for several breakdowns at once: each rollup table
 * is read once, its rows aggregated per breakdown (GROUPING SETS), instead
 * of once per breakdown. One map per breakdown, in the order asked.
 */
export async function rollupFiguresBy(db: Db, c: ReportCut, w: ReportWindow, stockDay: string | null, gs: GroupBy[]): Promise<Grouped[]> {
  const outs: Grouped[] = gs.map(() => new Map<string, Figures>());
  const names = gs.map((_, i) => `k${i}`);
  const keys = (billing: boolean) =>
    join(
      gs.map((g, i) => sql`${groupExpr(g, billing)} AS ${raw(names[i])}`),
      ', ',
    );
  // GROUPING(k0, k1, …) has a 0 bit for the key a row was grouped by (k0 the highest bit)
  const head = raw(`GROUPING(${names.join(', ')}) AS grouping_set, ${names.join(', ')}`);
  const sets = raw(names.map((n) => `(${n})`).join(', '));
  const grouped = (table: string, where: Sql, billing = false) =>
    sql`FROM (SELECT ${keys(billing)}, * FROM ${raw(table)} WHERE ${where}) t GROUP BY GROUPING SETS (${sets})`;
  const put = (r: Record<string, string | number | null>, billing = false) => {
    const i = names.findIndex((_, k) => ((Number(r.grouping_set) >> (names.length - 1 - k)) & 1) === 0);
    const key = r[names[i]] as string | null;
    // billing has no kind, priority or green channel: those breakdowns get no money (a total does)
    if (billing && key === null && gs[i] !== 'total') return;
    const out = outs[i];
    const k = key ?? '';
    // a percentile of no durations is null, as percentile_disc over no rows (a group of call-backs alone has flows and no durations)
    const f = out.get(k) ?? (Object.fromEntries(FIGURES.map((x) => [x, x.endsWith('_p90_ms') ? null : 0])) as Figures);
    for (const [name, v] of Object.entries(r)) {
      if (name === 'grouping_set' || names.includes(name)) continue;
      f[name as Figure] = v === null || v === undefined ? null : Number(v);
    }
    out.set(k, f);
  };
  const stock = stockDay ?? w.to;
  const period = sql`day BETWEEN ${w.from}::date AND ${w.to}::date`;
  const flows = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head}, sum(opened) AS opened, sum(closed) AS closed, sum(response_ended) AS response_ended, sum(response_met) AS response_met,
               sum(resolution_ended) AS resolution_ended, sum(resolution_met) AS resolution_met, sum(breaches) AS breaches, sum(escalations) AS escalations,
               sum(csat_closed) AS csat_closed, sum(csat_answered) AS csat_answered, sum(csat_sum) AS csat_sum, sum(csat_1) AS csat_1, sum(csat_2) AS csat_2,
               sum(csat_3) AS csat_3, sum(csat_4) AS csat_4, sum(csat_5) AS csat_5,
               sum(callbacks_created) AS callbacks_created, sum(callbacks_done) AS callbacks_done,
               sum(callbacks_unreachable) AS callbacks_unreachable, sum(callbacks_on_time) AS callbacks_on_time,
               sum(callbacks_score_sum) AS callbacks_score_sum, sum(callbacks_low_score) AS callbacks_low_score
        ${grouped('report_daily_cases', sql`${period} AND ${caseRollupCut(c)}`)}`,
  );
  for (const r of flows) put(r);
  const stocks = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head}, sum(open_eod) AS open_eod, sum(aging_0_1) AS aging_0_1, sum(aging_1_3) AS aging_1_3,
               sum(aging_3_7) AS aging_3_7, sum(aging_7_plus) AS aging_7_plus
        ${grouped('report_daily_cases', sql`day = ${stock}::date AND ${caseRollupCut(c)}`)}`,
  );
  for (const r of stocks) put(r);
  const durations = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head},
               count(*) FILTER (WHERE clock = 'response') AS mtta_n,
               coalesce(sum(elapsed_ms) FILTER (WHERE clock = 'response'), 0) AS mtta_sum_ms,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE clock = 'response') AS mtta_p90_ms,
               coalesce(sum(working_ms) FILTER (WHERE clock = 'response'), 0) AS mtta_working_sum_ms,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY working_ms) FILTER (WHERE clock = 'response') AS mtta_working_p90_ms,
               count(*) FILTER (WHERE clock = 'resolution') AS mttr_n,
               coalesce(sum(elapsed_ms) FILTER (WHERE clock = 'resolution'), 0) AS mttr_sum_ms,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE clock = 'resolution') AS mttr_p90_ms,
               coalesce(sum(working_ms) FILTER (WHERE clock = 'resolution'), 0) AS mttr_working_sum_ms,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY working_ms) FILTER (WHERE clock = 'resolution') AS mttr_working_p90_ms
        ${grouped('report_daily_durations', sql`${period} AND ${caseRollupCut(c)}`)}`,
  );
  for (const r of durations) put(r);
  const orders = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head}, sum(accepted) AS orders_accepted, sum(completed) AS orders_completed, sum(completed_on_time) AS orders_on_time,
               sum(lead_time_ms) AS orders_lead_time_ms, sum(work_orders_completed) AS work_orders_completed, sum(work_orders_on_time) AS work_orders_on_time
        ${grouped(
          'report_daily_orders',
          sql`${period} AND ${caseRollupCut({ ...c, kind: undefined })} AND (${c.kind ?? null}::text IS NULL OR ${c.kind ?? null} = 'order')`,
        )}`,
  );
  for (const r of orders) put(r);
  const money = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head}, sum(billed_fen) AS billed_fen, sum(collected_fen) AS collected_fen
        ${grouped('report_daily_billing', sql`${period} AND ${billingRollupCut(c)}`, true)}`,
  );
  for (const r of money) put(r, true);
  const arrears = await rows<Record<string, string | null>>(
    db,
    sql`SELECT ${head}, sum(arrears_0_30_fen) AS arrears_0_30_fen, sum(arrears_31_60_fen) AS arrears_31_60_fen,
               sum(arrears_61_90_fen) AS arrears_61_90_fen, sum(arrears_90_plus_fen) AS arrears_90_plus_fen
        ${grouped('report_daily_billing', sql`day = ${stock}::date AND ${billingRollupCut(c)}`, true)}`,
  );
  for (const r of arrears) put(r, true);
  return outs;
}

/** The last built day in [from, to], and when the period was last built. */
export async function builtDays(
  db: Db,
  from: string,
  to: string,
): Promise<{ last: string | null; builtAt: Date | null; days: number; partial: boolean }> {
  const r = await firstRow<{ last: string | null; built_at: Date | null; days: number; partial: boolean }>(
    db,
    sql`SELECT to_char(max(day), 'YYYY-MM-DD') AS last, max(built_at) AS built_at, count(*)::int AS days, coalesce(bool_or(partial), false) AS partial
        FROM report_days WHERE day BETWEEN ${from}::date AND ${to}::date`,
  );
  return { last: r?.last ?? null, builtAt: r?.built_at ?? null, days: r?.days ?? 0, partial: r?.partial ?? false };
}

/* ---- rebuild requests ---- */

export interface RebuildRow {
  id: string;
  from: string;
  to: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  daysTotal: number;
  daysDone: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
const REBUILD_COLUMNS = sql`id, to_char(from_day, 'YYYY-MM-DD') AS "from", to_char(to_day, 'YYYY-MM-DD') AS "to", state,
  days_total AS "daysTotal", days_done AS "daysDone", error, created_at AS "createdAt", finished_at AS "finishedAt"`;

export async function insertRebuild(
  db: Db,
  r: { id: string; from: string; to: string; by: string | null; days: number },
): Promise<RebuildRow> {
  return (await firstRow<RebuildRow>(
    db,
    sql`INSERT INTO report_rebuilds (id, from_day, to_day, requested_by, state, days_total)
        VALUES (${r.id}, ${r.from}::date, ${r.to}::date, ${r.by}, 'queued', ${r.days}) RETURNING ${REBUILD_COLUMNS}`,
  ))!;
}

export const findRebuild = (db: Db, id: string) =>
  firstRow<RebuildRow>(db, sql`SELECT ${REBUILD_COLUMNS} FROM report_rebuilds WHERE id = ${id}`);

export async function markRebuild(
  db: Db,
  id: string,
  change: { state: RebuildRow['state']; daysDone?: number; error?: string },
): Promise<number> {
  return affected(
    db,
    sql`UPDATE report_rebuilds SET state = ${change.state}, days_done = coalesce(${change.daysDone ?? null}::int, days_done),
               error = ${change.error ?? null}, finished_at = CASE WHEN ${change.state} IN ('done', 'failed') THEN now() ELSE NULL END
        WHERE id = ${id}`,
  );
}

/** Customers each account manager holds in the region set (today's holder), for the scorecard. */
export async function customersHeld(db: Db, patterns: string[], ids: string[] | null): Promise<Map<string, number>> {
  const r = await rows<{ am: string; n: number }>(
    db,
    sql`SELECT account_manager_id AS am, count(*)::int AS n FROM customers
        WHERE archived_at IS NULL AND account_manager_id IS NOT NULL AND home_region LIKE ANY(${patterns})
          AND (${ids}::uuid[] IS NULL OR account_manager_id = ANY(${ids}::uuid[]))
        GROUP BY 1`,
  );
  return new Map(r.map((x) => [x.am, x.n]));
}
