import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { scopePatterns } from '../common/auth/region-scope';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { ArrearsQuery } from './dto/billing-input.dto';
import { AGING_BUCKETS, AgingBucket, ArrearsItemView, ArrearsPageView } from './dto/billing-views.dto';
import { addDays, chinaToday, fen } from './money';

/** More than this many days past due blocks new orders. */
export const BLOCKING_DAYS_OVERDUE = 90;

/** The aging bucket of a debt `days` past its due date (SQL, shared by the report and the daily job). */
const BUCKET_SQL = (days: string) =>
  `CASE WHEN ${days} <= 30 THEN '0-30' WHEN ${days} <= 60 THEN '31-60' WHEN ${days} <= 90 THEN '61-90' ELSE '90+' END`;

/** Overdue outstanding per customer as of $1, by bucket. */
const PER_CUSTOMER = `
  SELECT b.customer_id,
         sum(b.total_fen - b.paid_fen) AS overdue,
         sum(b.total_fen - b.paid_fen) FILTER (WHERE $1::date - b.due_date <= 30) AS b0,
         sum(b.total_fen - b.paid_fen) FILTER (WHERE $1::date - b.due_date BETWEEN 31 AND 60) AS b1,
         sum(b.total_fen - b.paid_fen) FILTER (WHERE $1::date - b.due_date BETWEEN 61 AND 90) AS b2,
         sum(b.total_fen - b.paid_fen) FILTER (WHERE $1::date - b.due_date > 90) AS b3,
         min(b.due_date) AS oldest,
         max($1::date - b.due_date) AS max_days
    FROM bills b
   WHERE b.state <> 'paid' AND b.due_date < $1::date
   GROUP BY b.customer_id`;

/**
 * Arrears (欠费追缴): overdue bills aged by days past their due date, as of
 * a chosen day so a report (and a test) can look at any date without waiting.
 * The amounts are what is unpaid now; the aging is as of `asOf`.
 */
@Injectable()
export class ArrearsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Customers in the caller's scope (home region or a site) with overdue bills, largest debt first. */
  async list(auth: AuthContext, q: ArrearsQuery): Promise<ArrearsPageView> {
    const asOf = q.asOf ?? chinaToday();
    const params: unknown[] = [asOf, q.limit, q.offset];
    const where: string[] = [];
    const scope = scopePatterns(auth);
    if (scope) {
      params.push(scope);
      where.push(
        `(c.home_region LIKE ANY($${params.length}::text[]) OR EXISTS (SELECT 1 FROM customer_sites s WHERE s.customer_id = c.id AND s.region LIKE ANY($${params.length}::text[])))`,
      );
    }
    if (q.region) {
      params.push(`${q.region.replace(/(00){1,2}$/, '')}%`);
      where.push(`c.home_region LIKE $${params.length}`);
    }
    const rows = await this.dataSource.query(
      `WITH per AS (${PER_CUSTOMER})
       SELECT per.customer_id, per.max_days, per.overdue::text AS overdue, coalesce(per.b0, 0)::text AS b0, coalesce(per.b1, 0)::text AS b1,
              coalesce(per.b2, 0)::text AS b2, coalesce(per.b3, 0)::text AS b3, to_char(per.oldest, 'YYYY-MM-DD') AS oldest,
              c.customer_no, c.name, c.home_region, c.account_manager_id, s.display_name AS account_manager_name,
              count(*) OVER ()::int AS total,
              (sum(coalesce(per.b0, 0)) OVER ())::text AS t0, (sum(coalesce(per.b1, 0)) OVER ())::text AS t1,
              (sum(coalesce(per.b2, 0)) OVER ())::text AS t2, (sum(coalesce(per.b3, 0)) OVER ())::text AS t3
         FROM per JOIN customers c ON c.id = per.customer_id LEFT JOIN staff s ON s.id = c.account_manager_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY per.overdue ${q.order === 'asc' ? 'ASC' : 'DESC'}, c.customer_no
        LIMIT $2 OFFSET $3`,
      params,
    );
    const first = rows[0];
    return {
      items: rows.map((r: Record<string, string>): ArrearsItemView => {
        const maxDays = Number(r.max_days);
        return {
          customerId: r.customer_id,
          customerNo: r.customer_no,
          customerName: r.name,
          homeRegion: r.home_region,
          accountManagerId: r.account_manager_id,
          accountManagerName: r.account_manager_name,
          overdueFen: fen(r.overdue),
          buckets: { '0-30': fen(r.b0), '31-60': fen(r.b1), '61-90': fen(r.b2), '90+': fen(r.b3) },
          bucket: bucketOf(maxDays),
          oldestOverdueDate: r.oldest,
          blockedForArrears: maxDays > BLOCKING_DAYS_OVERDUE,
        };
      }),
      total: first?.total ?? 0,
      bucketTotals: first
        ? { '0-30': fen(first.t0), '31-60': fen(first.t1), '61-90': fen(first.t2), '90+': fen(first.t3) }
        : { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0 },
      limit: q.limit,
      offset: q.offset,
      asOf,
    };
  }

  /** A bill unpaid more than 90 days past its due date (order intake asks this). */
  async isBlocked(customerId: string, asOf = chinaToday(), em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [row] = await em.query(
      `SELECT EXISTS (SELECT 1 FROM bills WHERE customer_id = $1 AND state <> 'paid' AND due_date < $2::date) AS blocked`,
      [customerId, addDays(asOf, -BLOCKING_DAYS_OVERDUE)],
    );
    return row.blocked;
  }

  /**
   * The daily check: every overdue customer whose oldest debt has entered a
   * bucket it was not yet told about gets one arrears.overdue event (the
   * arrears_notices key makes it once per customer and bucket); customers no
   * longer overdue are forgotten, so a later debt is announced again.
   */
  async notify(asOf = chinaToday()): Promise<number> {
    const post = new PostCommit();
    const raised = await this.dataSource.transaction(async (em) => {
      const rows: {
        customer_id: string;
        bucket: AgingBucket;
        overdue: string;
        oldest: string;
        max_days: number;
        account_manager_id: string | null;
        customer_no: string;
      }[] = await em.query(
        `WITH per AS (${PER_CUSTOMER}),
                cur AS (SELECT customer_id, ${BUCKET_SQL('max_days')} AS bucket, overdue, oldest, max_days FROM per),
                forgotten AS (DELETE FROM arrears_notices n WHERE NOT EXISTS (SELECT 1 FROM per WHERE per.customer_id = n.customer_id)),
                ins AS (INSERT INTO arrears_notices (customer_id, bucket) SELECT customer_id, bucket FROM cur ON CONFLICT DO NOTHING RETURNING customer_id, bucket)
           SELECT ins.customer_id, ins.bucket, cur.overdue::text AS overdue, to_char(cur.oldest, 'YYYY-MM-DD') AS oldest, cur.max_days,
                  c.account_manager_id, c.customer_no
             FROM ins JOIN cur ON cur.customer_id = ins.customer_id JOIN customers c ON c.id = ins.customer_id`,
        [asOf],
      );
      await this.outbox.emitMany(
        em,
        post,
        rows.map((r) => ({
          type: 'arrears.overdue' as const,
          data: {
            customerId: r.customer_id,
            customerNo: r.customer_no,
            bucket: r.bucket,
            overdueFen: fen(r.overdue),
            oldestOverdueDate: r.oldest,
            accountManagerId: r.account_manager_id,
            blockedForArrears: r.max_days > BLOCKING_DAYS_OVERDUE,
            asOf,
          },
        })),
      );
      if (rows.length) {
        await em.query(
          `INSERT INTO audit_log (actor_username, action, entity, entity_id, changes)
           SELECT 'system', 'billing.arrears_notified', 'customer', id::text, jsonb_build_object('bucket', b, 'asOf', $3::text) FROM unnest($1::uuid[], $2::text[]) AS t(id, b)`,
          [rows.map((r) => r.customer_id), rows.map((r) => r.bucket), asOf],
        );
      }
      return rows.length;
    });
    await post.run();
    return raised;
  }
}

export function bucketOf(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 30) return AGING_BUCKETS[0];
  if (daysOverdue <= 60) return AGING_BUCKETS[1];
  if (daysOverdue <= 90) return AGING_BUCKETS[2];
  return AGING_BUCKETS[3];
}
