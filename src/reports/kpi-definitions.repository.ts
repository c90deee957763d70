import { sql, type Db, type Sql, firstRow } from '../common/sql';
import { FIGURES, type Figure, type Figures } from './report-kpis';
import type { ReportCut, ReportWindow } from './report-window';

/**
 * The definition of every figure as one statement over the raw tables
 * (case_index, sla_clocks, alerts, faults, support_requests, callbacks,
 * orders, work_orders, bills, bill_lines, payments, payment_allocations), for a
 * period of China days and a region set. This is the KPI table's "SQL"
 * column (docs/REPORTS.md): the nightly build computes the same figures per
 * grain and day (`reports.repository.ts`), and the tests hold the two equal.
 * It scans the raw tables, so reports never call it; tests and audits do.
 */

const NOT_COUNTED = sql`('cancelled', 'rejected')`;

/** The cut on a case_index row `ci` joined to its customer `cu`. */
const caseCut = (c: ReportCut) => sql`ci.kind NOT IN ('work_order', 'callback') AND ci.region LIKE ANY(${c.patterns})
  AND (${c.kind ?? null}::text IS NULL OR ci.kind = ${c.kind ?? null})
  AND (${c.priority ?? null}::int IS NULL OR ci.priority = ${c.priority ?? null})
  AND (${c.greenChannel ?? null}::boolean IS NULL OR ci.green_channel = ${c.greenChannel ?? null})
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR cu.account_manager_id = ${c.accountManagerId ?? null})`;
const cases = (c: ReportCut, where: Sql) =>
  sql`FROM case_index ci LEFT JOIN customers cu ON cu.id = ci.customer_id WHERE ${caseCut(c)} AND ${where}`;

/** Clocks of a kind ended in the window, their case counted. */
const ended = (clock: string, c: ReportCut, w: ReportWindow) =>
  sql`FROM sla_clocks k JOIN case_index ci ON ci.kind = k.case_kind AND ci.id = k.case_id LEFT JOIN customers cu ON cu.id = ci.customer_id
      WHERE ${caseCut(c)} AND k.clock = ${clock} AND k.state = 'stopped' AND k.stopped_at >= ${w.start} AND k.stopped_at < ${w.end}
        AND ci.state NOT IN ${NOT_COUNTED}`;

const ageOpen = (c: ReportCut, w: ReportWindow, lo: number, hi: number | null) =>
  sql`SELECT count(*) AS value ${cases(
    c,
    sql`ci.opened_at < ${w.end} AND (ci.closed_at IS NULL OR ci.closed_at >= ${w.end})
        AND ${w.end}::timestamptz - ci.opened_at >= make_interval(days => ${lo})
        AND (${hi}::int IS NULL OR ${w.end}::timestamptz - ci.opened_at < make_interval(days => ${hi ?? 0}))`,
  )}`;

const alertsOf = (levels: string[], c: ReportCut, w: ReportWindow) =>
  sql`SELECT count(*) AS value FROM alerts a JOIN case_index ci ON ci.kind = a.case_kind AND ci.id = a.case_id LEFT JOIN customers cu ON cu.id = ci.customer_id
      WHERE ${caseCut(c)} AND a.level = ANY(${levels}) AND a.raised_at >= ${w.start} AND a.raised_at < ${w.end}`;

/** Faults, complaints and support requests closed (state closed) in the window, with their score. */
const feedback = (c: ReportCut, w: ReportWindow, select: Sql) =>
  sql`SELECT ${select} AS value FROM case_index ci LEFT JOIN customers cu ON cu.id = ci.customer_id
        LEFT JOIN faults f ON ci.kind IN ('fault', 'complaint') AND f.id = ci.id
        LEFT JOIN support_requests s ON ci.kind = 'support' AND s.id = ci.id
      WHERE ${caseCut(c)} AND ci.kind IN ('fault', 'complaint', 'support') AND ci.state = 'closed'
        AND ci.closed_at >= ${w.start} AND ci.closed_at < ${w.end}`;
const score = sql`coalesce(f.feedback_score, s.feedback_score)`;

/** Call-backs `cb` (kind callback) joined to their customer `cu`, by their own region, priority and green channel. */
const callbackCut = (c: ReportCut) => sql`cb.region LIKE ANY(${c.patterns})
  AND (${c.kind ?? null}::text IS NULL OR ${c.kind ?? null} = 'callback')
  AND (${c.priority ?? null}::int IS NULL OR cb.priority = ${c.priority ?? null})
  AND (${c.greenChannel ?? null}::boolean IS NULL OR cb.green_channel = ${c.greenChannel ?? null})
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR cu.account_manager_id = ${c.accountManagerId ?? null})`;
/** Call-backs finished (done or unreachable) in the window. */
const finishedCallbacks = (c: ReportCut, w: ReportWindow, select: Sql) =>
  sql`SELECT ${select} AS value FROM callbacks cb JOIN customers cu ON cu.id = cb.customer_id
      WHERE ${callbackCut(c)} AND cb.state IN ('done', 'unreachable') AND cb.finished_at >= ${w.start} AND cb.finished_at < ${w.end}`;

const orderCut = (c: ReportCut, alias: Sql, region: Sql) => sql`${region} LIKE ANY(${c.patterns})
  AND (${c.kind ?? null}::text IS NULL OR ${c.kind ?? null} = 'order')
  AND (${c.priority ?? null}::int IS NULL OR ${alias}.priority = ${c.priority ?? null})
  AND (${c.greenChannel ?? null}::boolean IS NULL OR ${alias}.green_channel = ${c.greenChannel ?? null})
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR cu.account_manager_id = ${c.accountManagerId ?? null})`;
const completedOrders = (c: ReportCut, w: ReportWindow, select: Sql) =>
  sql`SELECT ${select} AS value FROM orders o JOIN customers cu ON cu.id = o.customer_id
      WHERE ${orderCut(c, sql`o`, sql`o.accepted_region`)} AND o.state = 'completed' AND o.closed_at >= ${w.start} AND o.closed_at < ${w.end}`;
const completedWorkOrders = (c: ReportCut, w: ReportWindow, select: Sql) =>
  sql`SELECT ${select} AS value FROM work_orders wo JOIN customers cu ON cu.id = wo.customer_id
      WHERE ${orderCut(c, sql`wo`, sql`wo.region`)} AND wo.state = 'completed' AND wo.closed_at >= ${w.start} AND wo.closed_at < ${w.end}`;

/** Billing has no kind, priority or green channel: a cut on them leaves no money in it. */
const billingCut = (c: ReportCut, region: Sql) => sql`${region} LIKE ANY(${c.patterns})
  AND ${c.kind === undefined && c.priority === undefined && c.greenChannel === undefined}
  AND (${c.accountManagerId ?? null}::uuid IS NULL OR cu.account_manager_id = ${c.accountManagerId ?? null})`;
const arrears = (c: ReportCut, w: ReportWindow, lo: number, hi: number | null) =>
  sql`SELECT coalesce(sum(owed), 0) AS value FROM (
        SELECT l.due_fen - coalesce((SELECT sum(pa.amount_fen) FROM payment_allocations pa
                                      WHERE pa.bill_line_id = l.id AND pa.allocated_at < ${w.end}
                                        AND (pa.reversed_at IS NULL OR pa.reversed_at >= ${w.end})), 0) AS owed
        FROM bill_lines l JOIN bills b ON b.id = l.bill_id JOIN customers cu ON cu.id = b.customer_id
        WHERE ${billingCut(c, sql`l.serving_region`)} AND b.issued_at < ${w.end}
          AND ${w.to}::date - b.due_date BETWEEN ${lo} AND ${hi ?? 1_000_000}) x
      WHERE owed > 0`;

const DEFINITIONS: Record<Figure, (c: ReportCut, w: ReportWindow) => Sql> = {
  opened: (c, w) => sql`SELECT count(*) AS value ${cases(c, sql`ci.opened_at >= ${w.start} AND ci.opened_at < ${w.end}`)}`,
  closed: (c, w) => sql`SELECT count(*) AS value ${cases(c, sql`ci.closed_at >= ${w.start} AND ci.closed_at < ${w.end}`)}`,
  open_eod: (c, w) =>
    sql`SELECT count(*) AS value ${cases(c, sql`ci.opened_at < ${w.end} AND (ci.closed_at IS NULL OR ci.closed_at >= ${w.end})`)}`,
  aging_0_1: (c, w) => ageOpen(c, w, 0, 1),
  aging_1_3: (c, w) => ageOpen(c, w, 1, 3),
  aging_3_7: (c, w) => ageOpen(c, w, 3, 7),
  aging_7_plus: (c, w) => ageOpen(c, w, 7, null),
  response_ended: (c, w) => sql`SELECT count(*) AS value ${ended('response', c, w)}`,
  response_met: (c, w) => sql`SELECT count(*) FILTER (WHERE k.stopped_at <= k.due_at) AS value ${ended('response', c, w)}`,
  resolution_ended: (c, w) => sql`SELECT count(*) AS value ${ended('resolution', c, w)}`,
  resolution_met: (c, w) => sql`SELECT count(*) FILTER (WHERE k.stopped_at <= k.due_at) AS value ${ended('resolution', c, w)}`,
  breaches: (c, w) => alertsOf(['breached'], c, w),
  escalations: (c, w) => alertsOf(['escalated_2', 'escalated_3'], c, w),
  mtta_n: (c, w) => sql`SELECT count(*) AS value ${ended('response', c, w)}`,
  mtta_sum_ms: (c, w) =>
    sql`SELECT coalesce(sum(round(extract(epoch FROM k.stopped_at - ci.opened_at) * 1000)), 0) AS value ${ended('response', c, w)}`,
  mtta_p90_ms: (c, w) =>
    sql`SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY round(extract(epoch FROM k.stopped_at - ci.opened_at) * 1000)) AS value ${ended('response', c, w)}`,
  mtta_working_sum_ms: (c, w) => sql`SELECT coalesce(sum(k.worked_ms), 0) AS value ${ended('response', c, w)}`,
  mtta_working_p90_ms: (c, w) => sql`SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY k.worked_ms) AS value ${ended('response', c, w)}`,
  mttr_n: (c, w) => sql`SELECT count(*) AS value ${ended('resolution', c, w)}`,
  mttr_sum_ms: (c, w) =>
    sql`SELECT coalesce(sum(round(extract(epoch FROM k.stopped_at - ci.opened_at) * 1000)), 0) AS value ${ended('resolution', c, w)}`,
  mttr_p90_ms: (c, w) =>
    sql`SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY round(extract(epoch FROM k.stopped_at - ci.opened_at) * 1000)) AS value ${ended('resolution', c, w)}`,
  mttr_working_sum_ms: (c, w) => sql`SELECT coalesce(sum(k.worked_ms), 0) AS value ${ended('resolution', c, w)}`,
  mttr_working_p90_ms: (c, w) => sql`SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY k.worked_ms) AS value ${ended('resolution', c, w)}`,
  csat_closed: (c, w) => feedback(c, w, sql`count(*)`),
  csat_answered: (c, w) => feedback(c, w, sql`count(${score})`),
  csat_sum: (c, w) => feedback(c, w, sql`coalesce(sum(${score}), 0)`),
  csat_1: (c, w) => feedback(c, w, sql`count(*) FILTER (WHERE ${score} = 1)`),
  csat_2: (c, w) => feedback(c, w, sql`count(*) FILTER (WHERE ${score} = 2)`),
  csat_3: (c, w) => feedback(c, w, sql`count(*) FILTER (WHERE ${score} = 3)`),
  csat_4: (c, w) => feedback(c, w, sql`count(*) FILTER (WHERE ${score} = 4)`),
  csat_5: (c, w) => feedback(c, w, sql`count(*) FILTER (WHERE ${score} = 5)`),
  callbacks_created: (c, w) =>
    sql`SELECT count(*) AS value FROM callbacks cb JOIN customers cu ON cu.id = cb.customer_id
        WHERE ${callbackCut(c)} AND cb.created_at >= ${w.start} AND cb.created_at < ${w.end}`,
  callbacks_done: (c, w) => finishedCallbacks(c, w, sql`count(*) FILTER (WHERE cb.state = 'done')`),
  callbacks_unreachable: (c, w) => finishedCallbacks(c, w, sql`count(*) FILTER (WHERE cb.state = 'unreachable')`),
  callbacks_on_time: (c, w) => finishedCallbacks(c, w, sql`count(*) FILTER (WHERE cb.finished_at <= cb.due_at)`),
  callbacks_score_sum: (c, w) => finishedCallbacks(c, w, sql`coalesce(sum(cb.score) FILTER (WHERE cb.state = 'done'), 0)`),
  callbacks_low_score: (c, w) => finishedCallbacks(c, w, sql`count(*) FILTER (WHERE cb.state = 'done' AND cb.score <= 2)`),
  orders_accepted: (c, w) =>
    sql`SELECT count(*) AS value FROM orders o JOIN customers cu ON cu.id = o.customer_id
        WHERE ${orderCut(c, sql`o`, sql`o.accepted_region`)} AND o.created_at >= ${w.start} AND o.created_at < ${w.end}`,
  orders_completed: (c, w) => completedOrders(c, w, sql`count(*)`),
  orders_on_time: (c, w) => completedOrders(c, w, sql`count(*) FILTER (WHERE o.closed_at <= o.committed_completion_at)`),
  orders_lead_time_ms: (c, w) => completedOrders(c, w, sql`coalesce(sum(round(extract(epoch FROM o.closed_at - o.created_at) * 1000)), 0)`),
  work_orders_completed: (c, w) => completedWorkOrders(c, w, sql`count(*)`),
  work_orders_on_time: (c, w) => completedWorkOrders(c, w, sql`count(*) FILTER (WHERE wo.closed_at <= wo.due_at)`),
  billed_fen: (c, w) =>
    sql`SELECT coalesce(sum(l.amount_fen), 0) AS value FROM bill_lines l JOIN bills b ON b.id = l.bill_id JOIN customers cu ON cu.id = b.customer_id
        WHERE ${billingCut(c, sql`l.serving_region`)} AND b.issued_at >= ${w.start} AND b.issued_at < ${w.end}`,
  collected_fen: (c, w) =>
    sql`SELECT coalesce(sum(CASE WHEN p.received_at >= ${w.start} AND p.received_at < ${w.end} THEN p.amount_fen ELSE 0 END)
                      - sum(CASE WHEN p.reversed_at >= ${w.start} AND p.reversed_at < ${w.end} THEN p.amount_fen ELSE 0 END), 0) AS value
        FROM payments p JOIN customers cu ON cu.id = p.customer_id
        WHERE ${billingCut(c, sql`p.collected_region`)}
          AND ((p.received_at >= ${w.start} AND p.received_at < ${w.end}) OR (p.reversed_at >= ${w.start} AND p.reversed_at < ${w.end}))`,
  arrears_0_30_fen: (c, w) => arrears(c, w, 1, 30),
  arrears_31_60_fen: (c, w) => arrears(c, w, 31, 60),
  arrears_61_90_fen: (c, w) => arrears(c, w, 61, 90),
  arrears_90_plus_fen: (c, w) => arrears(c, w, 91, null),
};

/** The statement that defines a figure, for the docs and for audits. */
export const figureDefinition = (figure: Figure, c: ReportCut, w: ReportWindow): Sql => DEFINITIONS[figure](c, w);

/** Every figure of a period and cut straight from the raw tables (stocks at the end of its last day). */
export async function figuresFromRawTables(db: Db, c: ReportCut, w: ReportWindow): Promise<Figures> {
  const out = {} as Figures;
  for (const figure of FIGURES) {
    const row = await firstRow<{ value: string | number | null }>(db, DEFINITIONS[figure](c, w));
    out[figure] = row?.value === null || row?.value === undefined ? null : Number(row.value);
  }
  return out;
}
