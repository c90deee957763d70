import type { Db, Sql } from '../common/sql';
import type { ReadBatch } from '../common/read-batch';
import type { BatchPart } from '../common/write-batch';
import { empty, join, rows, sql } from '../common/sql';
import type { AgingBucket } from './dto/billing-views.dto';

/**
 * Arrears: unpaid bills past their due date, aged as of a chosen day, and
 * the notices that remember which aging bucket each customer was told about.
 * Amounts come out as bigint; ages in days.
 */

/** The aging bucket of a debt `days` past its due date, as SQL (the same limits as bucketOf in arrears.service.ts). */
const bucketOf = (days: Sql) =>
  sql`CASE WHEN ${days} <= 30 THEN '0-30' WHEN ${days} <= 60 THEN '31-60' WHEN ${days} <= 90 THEN '61-90' ELSE '90+' END`;

/** Overdue outstanding per customer as of a day, by bucket. */
const perCustomer = (asOf: string) => {
  const day = sql`${asOf}::date`;
  return sql`
    SELECT b.customer_id,
           sum(b.total_fen - b.paid_fen) AS overdue,
           sum(b.total_fen - b.paid_fen) FILTER (WHERE ${day} - b.due_date <= 30) AS b0,
           sum(b.total_fen - b.paid_fen) FILTER (WHERE ${day} - b.due_date BETWEEN 31 AND 60) AS b1,
           sum(b.total_fen - b.paid_fen) FILTER (WHERE ${day} - b.due_date BETWEEN 61 AND 90) AS b2,
           sum(b.total_fen - b.paid_fen) FILTER (WHERE ${day} - b.due_date > 90) AS b3,
           min(b.due_date) AS oldest,
           max(${day} - b.due_date) AS max_days
      FROM bills b
     WHERE b.state <> 'paid' AND b.due_date < ${day}
     GROUP BY b.customer_id`;
};

export type BucketAmounts = Record<AgingBucket, bigint>;

export interface OverdueCustomer {
  customerId: string;
  customerNo: string;
  customerName: string;
  homeRegion: string;
  accountManagerId: string | null;
  accountManagerName: string | null;
  overdue: bigint;
  buckets: BucketAmounts;
  /** 'YYYY-MM-DD' */
  oldestOverdueDate: string;
  /** Days the oldest overdue bill is past its due date. */
  maxDaysOverdue: number;
}

export interface OverdueQuery {
  asOf: string;
  limit: number;
  offset: number;
  /** LIKE patterns of the caller's region scope (a customer's home or one of its sites matches), or null for every region. */
  scopePatterns: string[] | null;
  /** Only customers at home in this region (or in one it contains). */
  homeRegion?: string;
  order: 'asc' | 'desc';
}

interface OverdueRow {
  customer_id: string;
  customer_no: string;
  name: string;
  home_region: string;
  account_manager_id: string | null;
  account_manager_name: string | null;
  max_days: number;
  overdue: string;
  b0: string;
  b1: string;
  b2: string;
  b3: string;
  oldest: string;
  /** The next five over every page. */
  total: number;
  t0: string;
  t1: string;
  t2: string;
  t3: string;
}

/** One page of overdue customers, largest debt first (or last), with the number and the bucket totals of every page. */
export async function overdueCustomers(
  db: Db,
  q: OverdueQuery,
): Promise<{ customers: OverdueCustomer[]; total: number; bucketTotals: BucketAmounts | null }> {
  const where: Sql[] = [];
  if (q.scopePatterns) {
    where.push(
      sql`(c.home_region LIKE ANY(${q.scopePatterns}::text[])
           OR EXISTS (SELECT 1 FROM customer_sites s WHERE s.customer_id = c.id AND s.region LIKE ANY(${q.scopePatterns}::text[])))`,
    );
  }
  if (q.homeRegion) where.push(sql`c.home_region LIKE ${`${q.homeRegion.replace(/(00){1,2}$/, '')}%`}`);
  const found = await rows<OverdueRow>(
    db,
    sql`WITH per AS (${perCustomer(q.asOf)})
        SELECT per.customer_id, per.max_days, per.overdue::text AS overdue, coalesce(per.b0, 0)::text AS b0, coalesce(per.b1, 0)::text AS b1,
               coalesce(per.b2, 0)::text AS b2, coalesce(per.b3, 0)::text AS b3, to_char(per.oldest, 'YYYY-MM-DD') AS oldest,
               c.customer_no, c.name, c.home_region, c.account_manager_id, s.display_name AS account_manager_name,
               count(*) OVER ()::int AS total,
               (sum(coalesce(per.b0, 0)) OVER ())::text AS t0, (sum(coalesce(per.b1, 0)) OVER ())::text AS t1,
               (sum(coalesce(per.b2, 0)) OVER ())::text AS t2, (sum(coalesce(per.b3, 0)) OVER ())::text AS t3
          FROM per JOIN customers c ON c.id = per.customer_id LEFT JOIN staff s ON s.id = c.account_manager_id
         ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}
         ORDER BY per.overdue ${q.order === 'asc' ? sql`ASC` : sql`DESC`}, c.customer_no
         LIMIT ${q.limit} OFFSET ${q.offset}`,
  );
  const first = found[0];
  const buckets = (b: string[]): BucketAmounts => ({
    '0-30': BigInt(b[0]),
    '31-60': BigInt(b[1]),
    '61-90': BigInt(b[2]),
    '90+': BigInt(b[3]),
  });
  return {
    customers: found.map((r) => ({
      customerId: r.customer_id,
      customerNo: r.customer_no,
      customerName: r.name,
      homeRegion: r.home_region,
      accountManagerId: r.account_manager_id,
      accountManagerName: r.account_manager_name,
      overdue: BigInt(r.overdue),
      buckets: buckets([r.b0, r.b1, r.b2, r.b3]),
      oldestOverdueDate: r.oldest,
      maxDaysOverdue: Number(r.max_days),
    })),
    total: first?.total ?? 0,
    bucketTotals: first ? buckets([first.t0, first.t1, first.t2, first.t3]) : null,
  };
}

/** Whether the customer has an unpaid bill that fell due before the given day. */
export async function hasUnpaidBillDueBefore(db: Db, customerId: string, day: string): Promise<boolean> {
  const [row] = await rows<{ blocked: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM bills WHERE customer_id = ${customerId} AND state <> 'paid' AND due_date < ${day}::date) AS blocked`,
  );
  return row.blocked;
}

/** What a customer owes past due as of a day, and whether a bill of it fell due before `blockBefore`. */
export interface OverdueStanding {
  blocked: boolean;
  overdue: bigint;
  /** 'YYYY-MM-DD', null when nothing is overdue. */
  oldestOverdueDate: string | null;
}

function overdueStandingSql(customerId: string, asOf: string, blockBefore: string): Sql {
  return sql`SELECT bool_or(due_date < ${blockBefore}::date) AS blocked, sum(total_fen - paid_fen)::text AS overdue,
               to_char(min(due_date), 'YYYY-MM-DD') AS oldest
          FROM bills WHERE customer_id = ${customerId} AND state <> 'paid' AND due_date < ${asOf}::date`;
}

type OverdueStandingRow = { blocked: boolean | null; overdue: string | null; oldest: string | null };

const toOverdueStanding = (row: OverdueStandingRow): OverdueStanding => ({
  blocked: !!row.blocked,
  overdue: BigInt(row.overdue ?? 0),
  oldestOverdueDate: row.oldest,
});

/**
 * One statement over the customer's unpaid bills (bills_open_idx): the overdue
 * sum, the oldest due date, and the block; a part of a batch of reads (order
 * intake's). The sum comes as text, so it stays exact through the batch's JSON.
 */
export function overdueStandingIn(batch: ReadBatch, customerId: string, asOf: string, blockBefore: string): BatchPart<OverdueStanding> {
  return batch.add<OverdueStandingRow>(overdueStandingSql(customerId, asOf, blockBefore)).map(([row]) => toOverdueStanding(row));
}

/** A customer whose oldest debt entered a bucket they were not yet told about. */
export interface ArrearsNotice {
  customerId: string;
  customerNo: string;
  accountManagerId: string | null;
  bucket: AgingBucket;
  overdue: bigint;
  /** 'YYYY-MM-DD' */
  oldestOverdueDate: string;
  maxDaysOverdue: number;
}

/**
 * One statement: forgets the notices of customers no longer overdue (so a
 * later debt is announced again), records one notice per overdue customer
 * and current bucket (the key makes it once), and returns the notices new
 * in this call.
 */
export async function recordArrearsNotices(db: Db, asOf: string): Promise<ArrearsNotice[]> {
  const recorded = await rows<{
    customer_id: string;
    bucket: AgingBucket;
    overdue: string;
    oldest: string;
    max_days: number;
    account_manager_id: string | null;
    customer_no: string;
  }>(
    db,
    sql`WITH per AS (${perCustomer(asOf)}),
             cur AS (SELECT customer_id, ${bucketOf(sql`max_days`)} AS bucket, overdue, oldest, max_days FROM per),
             forgotten AS (DELETE FROM arrears_notices n WHERE NOT EXISTS (SELECT 1 FROM per WHERE per.customer_id = n.customer_id)),
             ins AS (INSERT INTO arrears_notices (customer_id, bucket) SELECT customer_id, bucket FROM cur ON CONFLICT DO NOTHING
                     RETURNING customer_id, bucket)
        SELECT ins.customer_id, ins.bucket, cur.overdue::text AS overdue, to_char(cur.oldest, 'YYYY-MM-DD') AS oldest, cur.max_days,
               c.account_manager_id, c.customer_no
          FROM ins JOIN cur ON cur.customer_id = ins.customer_id JOIN customers c ON c.id = ins.customer_id`,
  );
  return recorded.map((r) => ({
    customerId: r.customer_id,
    customerNo: r.customer_no,
    accountManagerId: r.account_manager_id,
    bucket: r.bucket,
    overdue: BigInt(r.overdue),
    oldestOverdueDate: r.oldest,
    maxDaysOverdue: r.max_days,
  }));
}
