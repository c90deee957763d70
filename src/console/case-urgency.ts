import { DataSource } from 'typeorm';
import { escapeLike } from '../common/escape-like';

/**
 * Open cases (case_index.is_open) of every kind, most urgent first, in ONE
 * statement (the hotline's work queue; docs/ARCHITECTURE.md, "Console"):
 *   1. breached first: a clock of the case, running or not, has breached_at;
 *   2. then the nearest due time: the earliest due_at among the case's
 *      running clocks (paused and stopped clocks do not count; a case with no
 *      running clock comes last);
 *   3. green channel first on ties, then priority (P1 first), then the oldest;
 *   4. kind and id, so that pages never overlap.
 *
 * A case has at most one clock of each name (unique (case_kind, case_id,
 * clock); the names are CLOCKS of sla-levels), so the clocks are two plain
 * left joins, no grouping. For the queue only the clocks that can matter are
 * joined: running or paused, or breached. Those are exactly the rows of the
 * partial covering index sla_clocks_live_idx (migration console-queue), which
 * stays about the size of the open work — every clock of a finished case is
 * stopped — where sla_clocks itself grows with all history. The planner then
 * takes index-only nested-loop probes for a narrow scope (a city) and a hash
 * join of the open cases with that small index for a wide one (nationwide);
 * never a scan of sla_clocks. Open cases come through the partial index
 * case_index (region text_pattern_ops) WHERE is_open: each scope prefix is its
 * own LIKE on a parameter, which PostgreSQL plans (unnamed statement, custom
 * plan) as an index range. A top-N heap sort keeps limit + offset rows;
 * customer names are joined for the page alone; the total is a count over the
 * same filters (index-only on the same partial index).
 */
export interface UrgencyFilter {
  /** LIKE patterns of the caller's scope ('44%'), or null for nationwide. An empty list matches nothing. */
  scope: string[] | null;
  /** A region prefix narrowing the scope ('4406'). */
  regionPrefix?: string;
  kind?: string;
  customerId?: string;
  limit: number;
  offset: number;
  /**
   * Also join stopped clocks that never breached, so that responseDueAt and
   * resolutionDueAt are known whatever the clock's state (the overview of one
   * customer). The queue leaves them out: they change nothing in its order.
   */
  allClocks?: boolean;
}

export interface UrgentCaseRow {
  kind: string;
  id: string;
  caseNo: string;
  customerId: string | null;
  customerName: string | null;
  title: string;
  state: string;
  priority: number;
  greenChannel: boolean;
  region: string;
  assigneeId: string | null;
  openedAt: Date;
  breached: boolean;
  nextDueAt: Date | null;
  nextDueClock: 'response' | 'resolution' | null;
  /** Null unless `allClocks` (or the clock is live). */
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

/** The queue's order, over output columns (inside the page: bare output names; outside: `q.`). */
const urgencyOrder = (x = '') =>
  `${x}breached DESC, ${x}next_due_at ASC NULLS LAST, ${x}green_channel DESC, ${x}priority ASC, ${x}opened_at ASC, ${x}kind ASC, ${x}id ASC`;

/** The predicate of sla_clocks_live_idx, written the same way so the planner sees that the index applies. */
const LIVE = (c: string) => `AND (${c}.state <> 'stopped' OR ${c}.breached_at IS NOT NULL)`;

export async function urgentCases(ds: DataSource, f: UrgencyFilter): Promise<{ rows: UrgentCaseRow[]; total: number }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['ci.is_open'];
  // One LIKE per prefix rather than LIKE ANY(array): a parameter with a literal prefix becomes an index range.
  if (f.scope) where.push(f.scope.length ? `(${f.scope.map((s) => `ci.region LIKE ${p(s)}`).join(' OR ')})` : 'false');
  if (f.regionPrefix) where.push(`ci.region LIKE ${p(`${escapeLike(f.regionPrefix)}%`)}`);
  if (f.kind) where.push(`ci.kind = ${p(f.kind)}`);
  if (f.customerId) where.push(`ci.customer_id = ${p(f.customerId)}`);
  const filter = where.join(' AND ');
  const live = f.allClocks ? () => '' : LIVE;

  const sql = `
    SELECT t.total,
           q.kind, q.id, q.case_no AS "caseNo", q.customer_id AS "customerId", c.name AS "customerName",
           q.title, q.state, q.priority, q.green_channel AS "greenChannel", q.region, q.assignee_id AS "assigneeId",
           q.opened_at AS "openedAt", q.breached, q.next_due_at AS "nextDueAt", q.next_due_clock AS "nextDueClock",
           q.response_due_at AS "responseDueAt", q.resolution_due_at AS "resolutionDueAt"
    FROM (SELECT count(*)::int AS total FROM case_index ci WHERE ${filter}) t
    LEFT JOIN LATERAL (
      SELECT ci.kind, ci.id, ci.case_no, ci.customer_id, ci.title, ci.state, ci.priority, ci.green_channel, ci.region,
             ci.assignee_id, ci.opened_at,
             (r.breached_at IS NOT NULL OR x.breached_at IS NOT NULL) AS breached,
             LEAST(CASE WHEN r.state = 'running' THEN r.due_at END, CASE WHEN x.state = 'running' THEN x.due_at END) AS next_due_at,
             CASE WHEN r.state = 'running' AND (x.state IS DISTINCT FROM 'running' OR r.due_at <= x.due_at) THEN 'response'
                  WHEN x.state = 'running' THEN 'resolution' END AS next_due_clock,
             r.due_at AS response_due_at, x.due_at AS resolution_due_at
      FROM case_index ci
      LEFT JOIN sla_clocks r ON r.case_kind = ci.kind AND r.case_id = ci.id AND r.clock = 'response' ${live('r')}
      LEFT JOIN sla_clocks x ON x.case_kind = ci.kind AND x.case_id = ci.id AND x.clock = 'resolution' ${live('x')}
      WHERE ${filter}
      ORDER BY ${urgencyOrder()}
      LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}
    ) q ON true
    LEFT JOIN customers c ON c.id = q.customer_id
    ORDER BY ${urgencyOrder('q.')}`;
  const raw: (UrgentCaseRow & { total: number })[] = await ds.query(sql, params);
  const total = raw[0]?.total ?? 0;
  // An empty page still brings one row, carrying the total.
  const rows = raw.filter((r) => r.id !== null).map(({ total: _, ...r }) => r);
  return { rows, total };
}
