import type { Db } from '../common/sql';
import { firstRow, join, raw, rows, sql } from '../common/sql';
import { escapeLike } from '../common/escape-like';
import type { Sql } from '../common/sql';
import type { MatchKey } from './dto/console.dto';

// The console writes nothing: every statement here is a read across the
// customer record, the case index, the SLA clocks and the alerts.

// ---- lookup ----

export interface LookupDetails {
  id: string;
  matchedBy: MatchKey;
  /** Primary contact first, then by role in `roleOrder`, then oldest first. */
  contacts: { name: string; mobile: string; role: string }[];
}

/** The keys a search term is compared with, already read by lookupTerm (src/common/lookup-term.ts). */
export interface MatchKeys {
  /** The term as an identifier: the mobile's 11 digits, or the upper-cased customer number or credit code. */
  identifier: string;
  /** The term as an access number (NFKC, as typed). */
  accessNo: string;
  /** `%fragment%`, lower case, for names; null when the term is no name fragment. */
  nameLike: string | null;
}

/**
 * For customers a search found: which key the search text matched, and their
 * contacts in the hotline's order, in one query.
 */
export async function lookupDetails(
  db: Db,
  customerIds: string[],
  keys: MatchKeys,
  roleOrder: readonly string[],
): Promise<LookupDetails[]> {
  const found = await rows<{ id: string; matched_by: MatchKey; contacts: LookupDetails['contacts'] }>(
    db,
    sql`SELECT c.id,
               CASE
                 WHEN EXISTS (SELECT 1 FROM customer_contacts k WHERE k.customer_id = c.id AND k.mobile = ${keys.identifier}) THEN 'mobile'
                 WHEN c.credit_code = ${keys.identifier} THEN 'credit_code'
                 WHEN c.customer_no = ${keys.identifier} THEN 'customer_no'
                 WHEN EXISTS (SELECT 1 FROM service_instances s WHERE s.customer_id = c.id AND s.access_no = ${keys.accessNo}) THEN 'access_no'
                 WHEN lower(c.name) LIKE ${keys.nameLike} THEN 'name'
                 WHEN EXISTS (SELECT 1 FROM customer_contacts k WHERE k.customer_id = c.id AND lower(k.name) LIKE ${keys.nameLike}) THEN 'contact_name'
                 ELSE 'name'
               END AS matched_by,
               coalesce((SELECT json_agg(json_build_object('name', k.name, 'mobile', k.mobile, 'role', k.role)
                                  ORDER BY array_position(${[...roleOrder]}::text[], k.role), k.created_at, k.name, k.id)
                         FROM customer_contacts k WHERE k.customer_id = c.id), '[]'::json) AS contacts
          FROM customers c
         WHERE c.id = ANY(${customerIds}::uuid[])`,
  );
  return found.map((r) => ({ id: r.id, matchedBy: r.matched_by, contacts: r.contacts }));
}

/** A case found by its number, as the lookup shows it. */
export interface CaseByNumberRow {
  kind: string;
  id: string;
  caseNo: string;
  customerId: string | null;
  title: string;
  state: string;
  priority: number;
  greenChannel: boolean;
  region: string;
  assigneeId: string | null;
  isOpen: boolean;
  openedAt: Date;
}

/**
 * The case with this number (case_index.case_no is unique), if the caller
 * may see it: by the case modules' list rule (restrictCaseList: its region,
 * its customer's home region, or the caller manages the customer), and for
 * an order also any of its work orders' regions (maySeeOrder). Anything
 * else reads as no case.
 */
export function visibleCaseByNumber(db: Db, caseNo: string, scope: string[] | null, me: string): Promise<CaseByNumberRow | undefined> {
  const visible = scope
    ? sql`AND (ci.region LIKE ANY(${scope}::text[]) OR c.home_region LIKE ANY(${scope}::text[]) OR c.account_manager_id = ${me}
               OR (ci.kind = 'order' AND EXISTS (SELECT 1 FROM work_orders w WHERE w.order_id = ci.id AND w.region LIKE ANY(${scope}::text[]))))`
    : raw('');
  return firstRow<CaseByNumberRow>(
    db,
    sql`SELECT ci.kind, ci.id, ci.case_no AS "caseNo", ci.customer_id AS "customerId", ci.title, ci.state, ci.priority,
               ci.green_channel AS "greenChannel", ci.region, ci.assignee_id AS "assigneeId", ci.is_open AS "isOpen", ci.opened_at AS "openedAt"
          FROM case_index ci LEFT JOIN customers c ON c.id = ci.customer_id
         WHERE ci.case_no = ${caseNo} ${visible}`,
  );
}

/** The customer a bill number belongs to (bills.bill_no is unique); whether the caller may see it is the customer search's rule. */
export async function customerOfBill(db: Db, billNo: string): Promise<string | null> {
  const row = await firstRow<{ customer_id: string }>(db, sql`SELECT customer_id FROM bills WHERE bill_no = ${billNo}`);
  return row?.customer_id ?? null;
}

// ---- the queue ----

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
  /** Only cases without (true) or with (false) a customer. */
  unlinked?: boolean;
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
  /** The customer's account manager (null: none, or no customer). */
  accountManagerId: string | null;
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
  raw(
    `${x}breached DESC, ${x}next_due_at ASC NULLS LAST, ${x}green_channel DESC, ${x}priority ASC, ${x}opened_at ASC, ${x}kind ASC, ${x}id ASC`,
  );

/** The predicate of sla_clocks_live_idx, written the same way so the planner sees that the index applies. */
const LIVE = (c: string) => raw(`AND (${c}.state <> 'stopped' OR ${c}.breached_at IS NOT NULL)`);

export async function urgentCases(db: Db, f: UrgencyFilter): Promise<{ rows: UrgentCaseRow[]; total: number }> {
  const where: Sql[] = [sql`ci.is_open`];
  // One LIKE per prefix rather than LIKE ANY(array): a parameter with a literal prefix becomes an index range.
  if (f.scope)
    where.push(
      f.scope.length
        ? sql`(${join(
            f.scope.map((s) => sql`ci.region LIKE ${s}`),
            ' OR ',
          )})`
        : sql`false`,
    );
  if (f.regionPrefix) where.push(sql`ci.region LIKE ${`${escapeLike(f.regionPrefix)}%`}`);
  if (f.kind) where.push(sql`ci.kind = ${f.kind}`);
  if (f.customerId) where.push(sql`ci.customer_id = ${f.customerId}`);
  if (f.unlinked !== undefined) where.push(f.unlinked ? sql`ci.customer_id IS NULL` : sql`ci.customer_id IS NOT NULL`);
  const filter = join(where, ' AND ');
  const live = f.allClocks ? () => raw('') : LIVE;

  const found = await rows<UrgentCaseRow & { total: number }>(
    db,
    sql`
    SELECT t.total,
           q.kind, q.id, q.case_no AS "caseNo", q.customer_id AS "customerId", c.name AS "customerName", c.account_manager_id AS "accountManagerId",
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
      LIMIT ${f.limit} OFFSET ${f.offset}
    ) q ON true
    LEFT JOIN customers c ON c.id = q.customer_id
    ORDER BY ${urgencyOrder('q.')}`,
  );
  const total = found[0]?.total ?? 0;
  // An empty page still brings one row, carrying the total.
  const page = found.filter((r) => r.id !== null).map(({ total: _, ...r }) => r);
  return { rows: page, total };
}

// ---- one customer's overview ----

export interface OpenAlertRow {
  id: string;
  caseKind: string;
  caseId: string;
  caseNo: string;
  clock: string;
  level: string;
  dueAt: Date;
  raisedAt: Date;
  region: string;
}

export interface ClosedCaseRow {
  kind: string;
  id: string;
  caseNo: string;
  title: string;
  state: string;
  priority: number;
  greenChannel: boolean;
  region: string;
  assigneeId: string | null;
  openedAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
}

/** Only rows in a region under one of the patterns (LIKE), or every row when `scope` is null. */
const inScope = (scope: string[] | null) => (scope ? sql`AND region LIKE ANY(${scope}::text[])` : raw(''));

/** A customer's unacknowledged alerts, newest first, up to `limit`, with how many there are. */
export async function openAlertsOfCustomer(
  db: Db,
  customerId: string,
  scope: string[] | null,
  limit: number,
): Promise<{ rows: OpenAlertRow[]; total: number }> {
  const found = await rows<OpenAlertRow & { total: number }>(
    db,
    sql`SELECT id, case_kind AS "caseKind", case_id AS "caseId", case_no AS "caseNo", clock, level, due_at AS "dueAt",
               raised_at AS "raisedAt", region, count(*) OVER ()::int AS total
          FROM alerts
         WHERE customer_id = ${customerId} AND acknowledged_at IS NULL ${inScope(scope)}
         ORDER BY raised_at DESC, id
         LIMIT ${limit}`,
  );
  return { rows: found.map(({ total: _, ...a }) => a), total: found[0]?.total ?? 0 };
}

/** A customer's most recently closed (or resolved) cases, up to `limit`. */
export function recentClosedCasesOfCustomer(db: Db, customerId: string, scope: string[] | null, limit: number): Promise<ClosedCaseRow[]> {
  return rows<ClosedCaseRow>(
    db,
    sql`SELECT kind, id, case_no AS "caseNo", title, state, priority, green_channel AS "greenChannel", region,
               assignee_id AS "assigneeId", opened_at AS "openedAt", closed_at AS "closedAt", updated_at AS "updatedAt"
          FROM case_index
         WHERE customer_id = ${customerId} AND NOT is_open ${inScope(scope)}
         ORDER BY coalesce(closed_at, updated_at) DESC, kind, id
         LIMIT ${limit}`,
  );
}
