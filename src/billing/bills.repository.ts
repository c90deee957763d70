import type { Db } from '../common/sql';
import { affected, empty, firstRow, rows, sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { CreditSource, RegionGroup } from './allocation';
import type { BillOutcome } from './bill-issuer';
import type { BillState } from './dto/billing-views.dto';
import { creditsOf, parseCredits } from './payments.repository';

/**
 * Bills, their lines (one per serving region), and bill runs with their
 * items (one per customer). Amounts cross this file as bigint.
 */

/** What a new bill takes: its period's charges (and earlier unbilled ones), grouped by serving region, and the credit waiting. */
export interface TakenCharges {
  /** The period's bill, when one exists already (then nothing was taken). */
  existingBillId: string | null;
  groups: RegionGroup[];
  credits: CreditSource[];
}

/**
 * One statement (run after the account lock, so it sees what the previous
 * holder committed): marks every unbilled charge of this period or earlier
 * as the new bill's — a charge posted after an earlier period's bill was
 * issued lands here, on the next bill — unless the period is billed already,
 * and reads the credit waiting on the account.
 */
export async function takeChargesForBill(db: Db, bill: { id: string; customerId: string; period: string }): Promise<TakenCharges> {
  // A SELECT without FROM: always one row.
  const [taken] = await rows<{
    existing: string | null;
    groups: { region: string; amount: string; count: number }[];
    credits: { paymentId: string; remaining: string }[];
  }>(
    db,
    sql`WITH existing AS (SELECT id FROM bills WHERE customer_id = ${bill.customerId} AND period = ${bill.period}),
             taken AS (
               UPDATE billing_charges SET bill_id = ${bill.id}
                WHERE customer_id = ${bill.customerId} AND bill_id IS NULL AND period <= ${bill.period} AND NOT EXISTS (SELECT 1 FROM existing)
               RETURNING service_region, amount_fen),
             groups AS (SELECT service_region AS region, sum(amount_fen)::text AS amount, count(*)::int AS count FROM taken GROUP BY service_region)
        SELECT (SELECT id FROM existing) AS existing,
               coalesce((SELECT json_agg(groups) FROM groups), '[]') AS groups,
               ${creditsOf(bill.customerId)} AS credits`,
  );
  return {
    existingBillId: taken.existing,
    groups: taken.groups.map((g) => ({ region: g.region, amount: BigInt(g.amount), count: g.count })),
    credits: parseCredits(taken.credits),
  };
}

export interface NewBill {
  id: string;
  billNo: string;
  customerId: string;
  period: string;
  billRunId: string | null;
  total: bigint;
  paid: bigint;
  state: BillState;
  chargeCount: number;
  /** 'YYYY-MM-DD' */
  issueDate: string;
  dueDate: string;
  /** The period's due date was before the issue date: due BILL_DUE_DAYS after the issue date instead. */
  dueDateAdjusted: boolean;
}

export interface NewBillLine {
  id: string;
  servingRegion: string;
  /** The region's charges, adjustments included. */
  amount: bigint;
  due: bigint;
  paid: bigint;
  chargeCount: number;
}

/** The bill and its lines, as two parts of the caller's batch. */
export function insertBillIn(batch: WriteBatch, bill: NewBill, lines: NewBillLine[]): void {
  batch.add(
    sql`INSERT INTO bills (id, bill_no, customer_id, period, bill_run_id, total_fen, paid_fen, state, charge_count, issue_date, due_date,
                           due_date_adjusted)
        VALUES (${bill.id}, ${bill.billNo}, ${bill.customerId}, ${bill.period}, ${bill.billRunId}, ${String(bill.total)}, ${String(bill.paid)},
                ${bill.state}, ${bill.chargeCount}, ${bill.issueDate}, ${bill.dueDate}, ${bill.dueDateAdjusted})`,
  );
  batch.add(
    sql`INSERT INTO bill_lines (id, bill_id, serving_region, amount_fen, due_fen, paid_fen, charge_count)
        SELECT id, ${bill.id}, r, a, d, p, n
          FROM unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.servingRegion)}::text[], ${lines.map((l) => String(l.amount))}::bigint[],
                      ${lines.map((l) => String(l.due))}::bigint[], ${lines.map((l) => String(l.paid))}::bigint[],
                      ${lines.map((l) => l.chargeCount)}::int[]) AS t(id, r, a, d, p, n)`,
  );
}

/** A run's item for one customer: what its job came to. */
export function recordRunItemIn(
  batch: WriteBatch,
  item: { runId: string; customerId: string; outcome: BillOutcome; billId: string | null },
): void {
  batch.add(
    sql`UPDATE bill_run_items SET outcome = ${item.outcome}, bill_id = ${item.billId}, processed_at = now()
         WHERE bill_run_id = ${item.runId} AND customer_id = ${item.customerId}`,
  );
}

export interface BillLineRow {
  id: string;
  servingRegion: string;
  amount: bigint;
  due: bigint;
  paid: bigint;
  chargeCount: number;
}

export interface BillRow {
  id: string;
  billNo: string;
  customerId: string;
  period: string;
  state: BillState;
  total: bigint;
  paid: bigint;
  /** 'YYYY-MM-DD' */
  issueDate: string;
  dueDate: string;
  dueDateAdjusted: boolean;
  billRunId: string | null;
  /** By serving region. */
  lines: BillLineRow[];
}

const BILL_COLUMNS = sql`b.id, b.bill_no AS "billNo", b.customer_id AS "customerId", b.period, b.state, b.total_fen::text AS total,
  b.paid_fen::text AS paid, to_char(b.issue_date, 'YYYY-MM-DD') AS "issueDate", to_char(b.due_date, 'YYYY-MM-DD') AS "dueDate",
  b.due_date_adjusted AS "dueDateAdjusted", b.bill_run_id AS "billRunId",
  (SELECT json_agg(json_build_object('id', l.id, 'servingRegion', l.serving_region, 'amount', l.amount_fen::text, 'due', l.due_fen::text,
                                     'paid', l.paid_fen::text, 'chargeCount', l.charge_count) ORDER BY l.serving_region)
     FROM bill_lines l WHERE l.bill_id = b.id) AS lines`;

type StoredBill = Omit<BillRow, 'total' | 'paid' | 'lines'> & {
  total: string;
  paid: string;
  lines: (Omit<BillLineRow, 'amount' | 'due' | 'paid'> & { amount: string; due: string; paid: string })[] | null;
};

const toBill = (b: StoredBill): BillRow => ({
  ...b,
  total: BigInt(b.total),
  paid: BigInt(b.paid),
  lines: (b.lines ?? []).map((l) => ({ ...l, amount: BigInt(l.amount), due: BigInt(l.due), paid: BigInt(l.paid) })),
});

export async function billById(db: Db, id: string): Promise<BillRow | undefined> {
  const bill = await firstRow<StoredBill>(db, sql`SELECT ${BILL_COLUMNS} FROM bills b WHERE b.id = ${id}`);
  return bill && toBill(bill);
}

/** One page of a customer's bills: all of them newest first, or only the unpaid ones oldest first. */
export async function billsOfCustomer(
  db: Db,
  customerId: string,
  page: { limit: number; offset: number; openOnly: boolean },
): Promise<{ bills: BillRow[]; total: number }> {
  const order = page.openOnly ? sql`ASC` : sql`DESC`;
  const found = await rows<StoredBill & { n: number }>(
    db,
    sql`SELECT ${BILL_COLUMNS}, count(*) OVER ()::int AS n FROM bills b
         WHERE b.customer_id = ${customerId} ${page.openOnly ? sql`AND b.state <> 'paid'` : empty}
         ORDER BY b.issue_date ${order}, b.issued_at ${order}, b.id LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  return { bills: found.map(toBill), total: found[0]?.n ?? 0 };
}

/** A new run, with no customers counted yet. */
export async function insertBillRun(db: Db, run: { id: string; period: string; startedBy: string }): Promise<void> {
  await rows(
    db,
    sql`INSERT INTO bill_runs (id, period, state, customers_total, started_by) VALUES (${run.id}, ${run.period}, 'running', 0, ${run.startedBy})`,
  );
}

/** One pending item per customer with charges unbilled in the period or before; returns how many. */
export async function insertPendingRunItems(db: Db, runId: string, period: string): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`WITH items AS (
          INSERT INTO bill_run_items (bill_run_id, customer_id, outcome)
          SELECT ${runId}, customer_id, 'pending' FROM billing_charges WHERE bill_id IS NULL AND period <= ${period} GROUP BY customer_id
          RETURNING 1)
        SELECT count(*)::int AS n FROM items`,
  );
  return n;
}

/** The run's customer count; a run with none is complete at once. */
export async function setRunTotal(db: Db, runId: string, customersTotal: number): Promise<void> {
  await affected(
    db,
    sql`UPDATE bill_runs SET customers_total = ${customersTotal}, state = CASE WHEN ${customersTotal} = 0 THEN 'completed' ELSE state END,
               completed_at = CASE WHEN ${customersTotal} = 0 THEN now() END
         WHERE id = ${runId}`,
  );
}

export interface BillRunRow {
  id: string;
  period: string;
  state: 'running' | 'completed';
  customersTotal: number;
  startedAt: Date;
  completedAt: Date | null;
  /** Items by outcome, `pending` included. */
  outcomes: Partial<Record<BillOutcome | 'pending', number>>;
}

export function billRunById(db: Db, id: string): Promise<BillRunRow | undefined> {
  return firstRow<BillRunRow>(
    db,
    sql`SELECT r.id, r.period, r.state, r.customers_total AS "customersTotal", r.started_at AS "startedAt", r.completed_at AS "completedAt",
               coalesce((SELECT json_object_agg(outcome, n)
                           FROM (SELECT outcome, count(*)::int AS n FROM bill_run_items WHERE bill_run_id = r.id GROUP BY outcome) o), '{}') AS outcomes
          FROM bill_runs r WHERE r.id = ${id}`,
  );
}

/** Completes a running run as of its last processed item; returns when, or undefined if it was not running. */
export async function completeRun(db: Db, runId: string): Promise<Date | undefined> {
  const done = await firstRow<{ completedAt: Date }>(
    db,
    sql`WITH u AS (
          UPDATE bill_runs SET state = 'completed',
                 completed_at = coalesce((SELECT max(processed_at) FROM bill_run_items WHERE bill_run_id = ${runId}), now())
           WHERE id = ${runId} AND state = 'running' RETURNING completed_at)
        SELECT completed_at AS "completedAt" FROM u`,
  );
  return done?.completedAt;
}

export async function billRunPeriod(db: Db, runId: string): Promise<string | undefined> {
  return (await firstRow<{ period: string }>(db, sql`SELECT period FROM bill_runs WHERE id = ${runId}`))?.period;
}

/** The customers of the run's items still pending. */
export async function pendingRunCustomers(db: Db, runId: string): Promise<string[]> {
  const pending = await rows<{ customerId: string }>(
    db,
    sql`SELECT customer_id AS "customerId" FROM bill_run_items WHERE bill_run_id = ${runId} AND outcome = 'pending'`,
  );
  return pending.map((p) => p.customerId);
}

/** Runs still running a minute after they started: their jobs may be lost. */
export async function staleRunningRuns(db: Db): Promise<string[]> {
  const runs = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM bill_runs WHERE state = 'running' AND started_at < now() - interval '1 minute'`,
  );
  return runs.map((r) => r.id);
}

/** One customer's item of a run: what its job came to, with the bill it issued or found. */
export interface BillRunCustomerRow {
  customerId: string;
  customerNo: string;
  customerName: string;
  outcome: BillOutcome | 'pending';
  billId: string | null;
  billNo: string | null;
  total: bigint | null;
  /** 'YYYY-MM-DD' */
  dueDate: string | null;
  dueDateAdjusted: boolean | null;
  processedAt: Date | null;
}

/**
 * One page of a run's items, in the order of the run's primary key (an index
 * scan that stops at the page: a run has up to hundreds of thousands of
 * items, and its progress is polled). `scopePatterns` (LIKE patterns of the
 * caller's scope, or null for every region) keeps the customers whose home
 * region or a site is in scope.
 */
export async function billRunCustomers(
  db: Db,
  runId: string,
  q: { limit: number; offset: number; outcome?: BillOutcome | 'pending'; scopePatterns: string[] | null },
): Promise<BillRunCustomerRow[]> {
  const found = await rows<Omit<BillRunCustomerRow, 'total'> & { total: string | null }>(
    db,
    sql`SELECT i.customer_id AS "customerId", c.customer_no AS "customerNo", c.name AS "customerName", i.outcome, i.bill_id AS "billId",
               b.bill_no AS "billNo", b.total_fen::text AS total, to_char(b.due_date, 'YYYY-MM-DD') AS "dueDate",
               b.due_date_adjusted AS "dueDateAdjusted", i.processed_at AS "processedAt"
          FROM bill_run_items i JOIN customers c ON c.id = i.customer_id LEFT JOIN bills b ON b.id = i.bill_id
         WHERE ${runItemsWhere(runId, q)}
         ORDER BY i.bill_run_id, i.customer_id LIMIT ${q.limit} OFFSET ${q.offset}`,
  );
  return found.map(({ total, ...r }) => ({ ...r, total: total === null ? null : BigInt(total) }));
}

/** How many of a run's items a caller with a limited scope sees (the others know it from the run's own counts). */
export async function countRunCustomers(
  db: Db,
  runId: string,
  q: { outcome?: BillOutcome | 'pending'; scopePatterns: string[] },
): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM bill_run_items i JOIN customers c ON c.id = i.customer_id WHERE ${runItemsWhere(runId, q)}`,
  );
  return n;
}

const runItemsWhere = (runId: string, q: { outcome?: string; scopePatterns: string[] | null }) =>
  sql`i.bill_run_id = ${runId} ${q.outcome ? sql`AND i.outcome = ${q.outcome}` : empty} ${q.scopePatterns ? sql`AND ${inScopeOf(q.scopePatterns)}` : empty}`;

/** A customer `c` whose home region or one of whose sites matches the LIKE patterns. */
export const inScopeOf = (patterns: string[]) =>
  sql`(c.home_region LIKE ANY(${patterns}::text[])
       OR EXISTS (SELECT 1 FROM customer_sites s WHERE s.customer_id = c.id AND s.region LIKE ANY(${patterns}::text[])))`;

export interface BillRunSummaryRow {
  id: string;
  period: string;
  state: 'running' | 'completed';
  customersTotal: number;
  startedAt: Date;
  completedAt: Date | null;
  startedBy: string | null;
  startedByName: string | null;
}

/** One page of bill runs, newest first, with the number of all runs. */
export async function billRunsPage(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ items: BillRunSummaryRow[]; total: number }> {
  const found = await rows<BillRunSummaryRow & { n: number }>(
    db,
    sql`SELECT r.id, r.period, r.state, r.customers_total AS "customersTotal", r.started_at AS "startedAt", r.completed_at AS "completedAt",
               r.started_by AS "startedBy", s.display_name AS "startedByName", count(*) OVER ()::int AS n
          FROM bill_runs r LEFT JOIN staff s ON s.id = r.started_by
         ORDER BY r.started_at DESC, r.id LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  return { items: found.map(({ n: _n, ...r }) => r), total: found[0]?.n ?? 0 };
}
