import { type Db, type Sql, firstRow, join, rows, sql } from '../common/sql';
import { WINDOW_DAYS, type WarningSignal, type WarningThresholds } from './warning-signals';

/*
 * The evaluation of every signal for every customer in ONE statement
 * (docs/REPORTS.md, "Customer warnings"): each signal is one aggregate over
 * its window, grouped by customer, never a query per customer, so it costs
 * the same few scans for 100 or 100,000 customers. The windows end at `at`
 * and are the 7, 30 or 90 × 24 hours before it: (at − N days, at].
 */

/** A candidate: a customer a signal fires for, with what it saw. */
const signalRow = (signal: WarningSignal, occurrence: Sql, figures: Sql) =>
  sql`${signal}::text AS signal, ${occurrence}::text AS occurrence, ${figures} AS figures`;

const since = (at: string, days: number) => sql`${at}::timestamptz - make_interval(days => ${days})`;

/** fault_spike: faults (not rejected) opened in the last 7 days ≥ faultsMin and ≥ faultFactor × (faults in 90 days × 7 / 90). */
function faultSpike(at: string, t: WarningThresholds): Sql {
  return sql`
    SELECT customer_id, ${signalRow(
      'fault_spike',
      sql`NULL`,
      sql`jsonb_build_object('faults7d', n7, 'faults90d', n90, 'weeklyAverage90d', round(n90 * 7 / 90.0, 2))`,
    )}
      FROM (SELECT customer_id, count(*) FILTER (WHERE opened_at > ${since(at, WINDOW_DAYS.recent)}) AS n7, count(*) AS n90
              FROM case_index
             WHERE kind = 'fault' AND state <> 'rejected' AND opened_at > ${since(at, WINDOW_DAYS.baseline)} AND opened_at <= ${at}::timestamptz
             GROUP BY customer_id) f
     WHERE n7 >= ${t.faultsMin} AND n7 * 90 >= ${String(t.faultFactor)}::numeric * n90 * 7`;
}

/** repeated_complaints: complaints (not rejected) opened in the last 30 days ≥ complaintsMin. */
function repeatedComplaints(at: string, t: WarningThresholds): Sql {
  return sql`
    SELECT customer_id, ${signalRow('repeated_complaints', sql`NULL`, sql`jsonb_build_object('complaints30d', count(*))`)}
      FROM case_index
     WHERE kind = 'complaint' AND state <> 'rejected' AND opened_at > ${since(at, WINDOW_DAYS.complaints)} AND opened_at <= ${at}::timestamptz
     GROUP BY customer_id
    HAVING count(*) >= ${t.complaintsMin}`;
}

/** sla_breaches: alerts of level breached (either clock, any case kind) raised on the customer's cases in the last 7 days ≥ breachesMin. */
function slaBreaches(at: string, t: WarningThresholds): Sql {
  return sql`
    SELECT customer_id, ${signalRow(
      'sla_breaches',
      sql`NULL`,
      sql`jsonb_build_object('breaches7d', count(*), 'casesBreached7d', count(DISTINCT case_id))`,
    )}
      FROM alerts
     WHERE level = 'breached' AND raised_at > ${since(at, WINDOW_DAYS.recent)} AND raised_at <= ${at}::timestamptz
     GROUP BY customer_id
    HAVING count(*) >= ${t.breachesMin}`;
}

/**
 * arrears: the customer's oldest unpaid bill (state not paid, due before
 * today) entered the 61–90 bucket (61 days past due) or the 90+ bucket (91
 * days) within the last 7 China days, today included. The occurrence is the
 * bucket and that due date: one warning per bucket entered.
 */
function arrears(today: string): Sql {
  return sql`
    SELECT customer_id, ${signalRow(
      'arrears',
      sql`bucket || '@' || to_char(oldest, 'YYYY-MM-DD')`,
      sql`jsonb_build_object('bucket', bucket, 'daysOverdue', days, 'oldestDueDate', to_char(oldest, 'YYYY-MM-DD'), 'overdueFen', overdue)`,
    )}
      FROM (SELECT customer_id, min(due_date) AS oldest, ${today}::date - min(due_date) AS days, sum(total_fen - paid_fen) AS overdue
              FROM bills WHERE state <> 'paid' AND due_date < ${today}::date
             GROUP BY customer_id) a
     CROSS JOIN LATERAL (SELECT CASE WHEN days BETWEEN 61 AND 61 + ${WINDOW_DAYS.recent - 1} THEN '61-90'
                                     WHEN days BETWEEN 91 AND 91 + ${WINDOW_DAYS.recent - 1} THEN '90+' END AS bucket) b
     WHERE bucket IS NOT NULL`;
}

/**
 * bill_drop: the customer's bill of the latest period whose bill run has
 * completed (`current`, at most this China month) is below billDropPercent %
 * of the mean of its bills of the three periods before (a period without a
 * bill counts as 0, in both); customers with nothing billed in those three
 * are not judged. The occurrence is the period: one warning per period.
 */
function billDrop(current: string, previous: string[], t: WarningThresholds): Sql {
  return sql`
    SELECT customer_id, ${signalRow(
      'bill_drop',
      sql`${current}`,
      sql`jsonb_build_object('period', ${current}::text, 'billedFen', cur, 'previousAverageFen', round(prev / 3.0), 'previousPeriods', ${previous}::text[])`,
    )}
      FROM (SELECT customer_id, coalesce(sum(total_fen) FILTER (WHERE period = ${current}), 0) AS cur,
                   coalesce(sum(total_fen) FILTER (WHERE period <> ${current}), 0) AS prev
              FROM bills WHERE period = ANY(${[current, ...previous]}::text[])
             GROUP BY customer_id) b
     WHERE prev > 0 AND cur * 100 * 3 < ${t.billDropPercent} * prev`;
}

/**
 * low_callback_score: a call-back of the customer scored at most
 * callbackScoreMax in the last 7 days (its `finished_at`, set with the
 * score; the call-backs' table, src/callbacks, read as the reports read
 * theirs). The occurrence is the newest such call-back: one warning per low
 * score.
 */
function lowCallbackScore(at: string, t: WarningThresholds): Sql {
  return sql`
    SELECT customer_id, ${signalRow(
      'low_callback_score',
      sql`(array_agg(id::text ORDER BY finished_at DESC))[1]`,
      sql`jsonb_build_object('lowScores7d', count(*), 'lowestScore', min(score))`,
    )}
      FROM callbacks
     WHERE score IS NOT NULL AND score <= ${t.callbackScoreMax} AND finished_at > ${since(at, WINDOW_DAYS.recent)} AND finished_at <= ${at}::timestamptz
     GROUP BY customer_id`;
}

/** The latest period with a completed bill run, at most `month`, and the three before it; null when none. */
export async function billPeriods(db: Db, month: string): Promise<{ current: string; previous: string[] } | null> {
  const row = await firstRow<{ current: string | null; previous: string[] | null }>(
    db,
    sql`SELECT p AS current,
               ARRAY(SELECT to_char(to_date(p || '-01', 'YYYY-MM-DD') - make_interval(months => n), 'YYYY-MM') FROM generate_series(1, 3) n ORDER BY n)
                 AS previous
          FROM (SELECT max(period) AS p FROM bill_runs WHERE state = 'completed' AND period <= ${month}) x`,
  );
  return row?.current ? { current: row.current, previous: row.previous ?? [] } : null;
}

export interface EvaluationInput {
  evaluationId: string;
  at: string;
  /** China date of `at`. */
  today: string;
  /** China ISO week of `at`. */
  week: string;
  thresholds: WarningThresholds;
  /** Per signal, the thresholds kept on its warnings. */
  thresholdsBySignal: Record<WarningSignal, Record<string, number>>;
  bills: { current: string; previous: string[] } | null;
}

export interface EvaluatedWarning {
  id: string;
  customerId: string;
  signal: WarningSignal;
  /** Inserted by this evaluation (else an open warning of this week refreshed). */
  created: boolean;
  week: string;
  figures: Record<string, unknown>;
  thresholds: Record<string, number>;
  region: string;
  raisedAt: Date;
  customerNo: string;
  customerName: string;
  accountManagerId: string | null;
}

/**
 * Every signal for every customer, then one upsert keyed on (customer,
 * signal, week): a new key is a new warning (created), an open warning of
 * this week gets the latest figures, an acknowledged one is left alone. Two
 * evaluations at once: the second waits on the unique key for the first and
 * finds the row, so each key is created once. Rows are written in key order
 * so concurrent evaluations lock them in the same order (no deadlock). A
 * signal about one occurrence (arrears bucket, bill period, call-back) is
 * skipped when an earlier week already warned of that occurrence. Archived
 * customers (gone, kept for the record) are not warned about.
 */
export async function evaluateSignals(db: Db, e: EvaluationInput): Promise<EvaluatedWarning[]> {
  const parts: Sql[] = [
    faultSpike(e.at, e.thresholds),
    repeatedComplaints(e.at, e.thresholds),
    slaBreaches(e.at, e.thresholds),
    arrears(e.today),
  ];
  if (e.bills) parts.push(billDrop(e.bills.current, e.bills.previous, e.thresholds));
  parts.push(lowCallbackScore(e.at, e.thresholds));
  // Columns named as EvaluatedWarning's fields, so the rows are the result.
  return rows<EvaluatedWarning>(
    db,
    sql`WITH cand AS (${join(
      parts.map((p) => sql`(${p})`),
      ' UNION ALL ',
    )}),
         fresh AS (
           SELECT cand.customer_id, cand.signal, cand.occurrence, cand.figures, c.home_region
             FROM cand JOIN customers c ON c.id = cand.customer_id AND c.archived_at IS NULL
            WHERE cand.occurrence IS NULL
               OR NOT EXISTS (SELECT 1 FROM customer_warnings w
                               WHERE w.customer_id = cand.customer_id AND w.signal = cand.signal AND w.occurrence = cand.occurrence
                                 AND w.week <> ${e.week})),
         up AS (
           INSERT INTO customer_warnings (customer_id, signal, week, occurrence, region, figures, thresholds, evaluation_id, raised_at, last_evaluated_at)
           SELECT customer_id, signal, ${e.week}, occurrence, home_region, figures, (${JSON.stringify(e.thresholdsBySignal)}::jsonb) -> signal,
                  ${e.evaluationId}::uuid, now(), now()
             FROM fresh ORDER BY customer_id, signal
           ON CONFLICT (customer_id, signal, week) DO UPDATE
              SET figures = EXCLUDED.figures, last_evaluated_at = EXCLUDED.last_evaluated_at
            WHERE customer_warnings.state = 'open'
           RETURNING id, customer_id AS "customerId", signal, (xmax::text = '0') AS created, week, figures, thresholds, region,
                     raised_at AS "raisedAt")
       SELECT up.*, c.customer_no AS "customerNo", c.name AS "customerName", c.account_manager_id AS "accountManagerId"
         FROM up JOIN customers c ON c.id = up."customerId"
        ORDER BY up."customerId", up.signal`,
  );
}
