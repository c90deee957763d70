import { type Db, type Sql, affected, empty, firstRow, join, rows, sql } from '../common/sql';
import type { EvaluationState, WarningSignal, WarningState } from './warning-signals';

/** A warning with what access decisions and the views need of its customer. */
export interface WarningRow {
  id: string;
  customerId: string;
  customerNo: string;
  customerName: string;
  homeRegion: string;
  siteRegions: string[];
  accountManagerId: string | null;
  signal: WarningSignal;
  week: string;
  state: WarningState;
  region: string;
  figures: Record<string, unknown>;
  thresholds: Record<string, number>;
  evaluationId: string | null;
  raisedAt: Date;
  lastEvaluatedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  ackNote: string | null;
  version: number;
}

const COLUMNS = sql`w.id, w.customer_id AS "customerId", c.customer_no AS "customerNo", c.name AS "customerName", c.home_region AS "homeRegion",
  ARRAY(SELECT DISTINCT s.region FROM customer_sites s WHERE s.customer_id = c.id ORDER BY 1) AS "siteRegions",
  c.account_manager_id AS "accountManagerId", w.signal, w.week, w.state, w.region, w.figures, w.thresholds,
  w.evaluation_id AS "evaluationId", w.raised_at AS "raisedAt", w.last_evaluated_at AS "lastEvaluatedAt",
  w.acknowledged_by AS "acknowledgedBy", w.acknowledged_at AS "acknowledgedAt", w.ack_note AS "ackNote", w.version`;

/** Who may see which warnings: everyone's, those of customers in some regions (home or a site), or those of one's own customers. */
export type Visibility = { all: true } | { all: false; patterns: string[] | null; managerId: string | null };

function visible(v: Visibility): Sql {
  if (v.all) return sql`true`;
  const any: Sql[] = [];
  if (v.patterns?.length)
    any.push(sql`(c.home_region LIKE ANY(${v.patterns}::text[])
                  OR EXISTS (SELECT 1 FROM customer_sites s WHERE s.customer_id = c.id AND s.region LIKE ANY(${v.patterns}::text[])))`);
  if (v.managerId) any.push(sql`c.account_manager_id = ${v.managerId}`);
  return any.length ? sql`(${join(any, ' OR ')})` : sql`false`;
}

export interface WarningFilter {
  visibility: Visibility;
  /** LIKE pattern on the customer's home region. */
  regionPattern?: string;
  signal?: WarningSignal;
  state?: WarningState;
  customerId?: string;
  limit: number;
  offset: number;
}

/** Newest first, with the number of all matches. */
export async function warningPage(db: Db, f: WarningFilter): Promise<{ items: WarningRow[]; total: number }> {
  const where: Sql[] = [visible(f.visibility)];
  if (f.regionPattern) where.push(sql`c.home_region LIKE ${f.regionPattern}`);
  if (f.signal) where.push(sql`w.signal = ${f.signal}`);
  if (f.state) where.push(sql`w.state = ${f.state}`);
  if (f.customerId) where.push(sql`w.customer_id = ${f.customerId}`);
  const found = await rows<WarningRow & { total: number }>(
    db,
    sql`SELECT ${COLUMNS}, count(*) OVER ()::int AS total
          FROM customer_warnings w JOIN customers c ON c.id = w.customer_id
         WHERE ${join(where, ' AND ')}
         ORDER BY w.raised_at DESC, w.id
         LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
  const total = found[0]?.total ?? (f.offset ? await countWarnings(db, where) : 0);
  return { items: found.map(({ total: _total, ...w }) => w), total };
}

async function countWarnings(db: Db, where: Sql[]): Promise<number> {
  const row = await firstRow<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM customer_warnings w JOIN customers c ON c.id = w.customer_id WHERE ${join(where, ' AND ')}`,
  );
  return row?.n ?? 0;
}

/** One warning; `lock` takes its row lock for the caller's transaction. */
export function findWarning(db: Db, id: string, lock = false): Promise<WarningRow | undefined> {
  return firstRow<WarningRow>(
    db,
    sql`SELECT ${COLUMNS} FROM customer_warnings w JOIN customers c ON c.id = w.customer_id WHERE w.id = ${id}
        ${lock ? sql`FOR UPDATE OF w` : empty}`,
  );
}

/**
 * Acknowledges a warning read under its row lock at `version` and returns it
 * as acknowledged (the row `findWarning` would now read, from the UPDATE's
 * RETURNING); undefined when the version moved (someone else won).
 */
export function markAcknowledged(db: Db, id: string, version: number, by: string, note: string): Promise<WarningRow | undefined> {
  return firstRow<WarningRow>(
    db,
    sql`UPDATE customer_warnings w SET state = 'acknowledged', acknowledged_by = ${by}, acknowledged_at = now(), ack_note = ${note},
               version = w.version + 1
          FROM customers c
         WHERE w.id = ${id} AND w.version = ${version} AND w.state = 'open' AND c.id = w.customer_id
        RETURNING ${COLUMNS}`,
  );
}

/** The open warnings of one customer, newest first (the 360° overview), and how many there are. */
export async function openWarningsOf(db: Db, customerId: string, limit: number): Promise<{ items: WarningRow[]; total: number }> {
  return warningPage(db, { visibility: { all: true }, customerId, state: 'open', limit, offset: 0 });
}

/* ---- evaluations ---- */

export interface EvaluationRow {
  id: string;
  trigger: 'schedule' | 'request';
  requestedBy: string | null;
  state: EvaluationState;
  windowEnd: Date | null;
  week: string | null;
  result: EvaluationResult | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What an evaluation found, per signal: warnings created, open ones of this week refreshed; signals not evaluated and why. */
export interface EvaluationResult {
  raised: Record<string, number>;
  refreshed: Record<string, number>;
  skipped: Record<string, string>;
}

const EVALUATION_COLUMNS = sql`id, trigger, requested_by AS "requestedBy", state, window_end AS "windowEnd", week, result, error,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

export async function insertEvaluation(
  db: Db,
  e: { id: string; trigger: EvaluationRow['trigger']; by: string | null },
): Promise<EvaluationRow> {
  return (
    (await firstRow<EvaluationRow>(
      db,
      sql`INSERT INTO customer_warning_evaluations (id, trigger, requested_by, state) VALUES (${e.id}, ${e.trigger}, ${e.by}, 'queued')
        ON CONFLICT (id) DO NOTHING RETURNING ${EVALUATION_COLUMNS}`,
    )) ?? (await findEvaluation(db, e.id))!
  );
}

export const findEvaluation = (db: Db, id: string) =>
  firstRow<EvaluationRow>(db, sql`SELECT ${EVALUATION_COLUMNS} FROM customer_warning_evaluations WHERE id = ${id}`);

/** Takes a queued (or failed, on a retry) evaluation for running; false when it is done or already running elsewhere. */
export async function startEvaluation(db: Db, id: string, windowEnd: Date, week: string): Promise<boolean> {
  return (
    (await affected(
      db,
      sql`UPDATE customer_warning_evaluations SET state = 'running', started_at = now(), window_end = ${windowEnd}, week = ${week}, error = NULL
           WHERE id = ${id} AND (state IN ('queued', 'failed') OR (state = 'running' AND started_at < now() - interval '10 minutes'))`,
    )) === 1
  );
}

export async function finishEvaluation(db: Db, id: string, outcome: { result: EvaluationResult } | { error: string }): Promise<void> {
  await affected(
    db,
    'result' in outcome
      ? sql`UPDATE customer_warning_evaluations SET state = 'done', result = ${JSON.stringify(outcome.result)}::jsonb, finished_at = now()
             WHERE id = ${id}`
      : sql`UPDATE customer_warning_evaluations SET state = 'failed', error = ${outcome.error}, finished_at = now() WHERE id = ${id}`,
  );
}

/** Evaluations still queued a minute after they were asked for (their job lost with Redis): their ids. */
export async function staleQueuedEvaluations(db: Db): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM customer_warning_evaluations WHERE state = 'queued' AND created_at < now() - interval '1 minute' ORDER BY created_at LIMIT 100`,
  );
  return found.map((r) => r.id);
}
