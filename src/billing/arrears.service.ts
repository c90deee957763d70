import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { scopePatterns } from '../common/auth/region-scope';
import { PostCommit } from '../common/post-commit';
import type { ReadBatch } from '../common/read-batch';
import type { BatchPart } from '../common/write-batch';
import { OutboxService } from '../outbox/outbox.service';
import { BucketAmounts, hasUnpaidBillDueBefore, overdueCustomers, overdueStandingIn, recordArrearsNotices } from './arrears.repository';
import type { OverdueStanding } from './arrears.repository';
import { ArrearsQuery } from './dto/billing-input.dto';
import { AGING_BUCKETS, AgingBucket, ArrearsItemView, ArrearsPageView, ArrearsRunView } from './dto/billing-views.dto';
import { addDays, chinaToday } from '../common/time/china-days';
import { fen } from './money';

/** More than this many days past due blocks new orders. */
export const BLOCKING_DAYS_OVERDUE = 90;

const fenByBucket = (amounts: BucketAmounts): Record<AgingBucket, number> => ({
  '0-30': fen(amounts['0-30']),
  '31-60': fen(amounts['31-60']),
  '61-90': fen(amounts['61-90']),
  '90+': fen(amounts['90+']),
});

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
    private readonly audit: AuditService,
  ) {}

  /** Customers in the caller's scope (home region or a site) with overdue bills, largest debt first. */
  async list(auth: AuthContext, q: ArrearsQuery): Promise<ArrearsPageView> {
    const asOf = q.asOf ?? chinaToday();
    const { customers, total, bucketTotals } = await overdueCustomers(this.dataSource.manager, {
      asOf,
      limit: q.limit,
      offset: q.offset,
      scopePatterns: scopePatterns(auth),
      homeRegion: q.region,
      order: q.order ?? 'desc',
    });
    return {
      items: customers.map((c): ArrearsItemView => ({
        customerId: c.customerId,
        customerNo: c.customerNo,
        customerName: c.customerName,
        homeRegion: c.homeRegion,
        accountManagerId: c.accountManagerId,
        accountManagerName: c.accountManagerName,
        overdueFen: fen(c.overdue),
        buckets: fenByBucket(c.buckets),
        bucket: bucketOf(c.maxDaysOverdue),
        oldestOverdueDate: c.oldestOverdueDate,
        blockedForArrears: c.maxDaysOverdue > BLOCKING_DAYS_OVERDUE,
      })),
      total,
      bucketTotals: bucketTotals ? fenByBucket(bucketTotals) : { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0 },
      limit: q.limit,
      offset: q.offset,
      asOf,
    };
  }

  /** A bill unpaid more than 90 days past its due date (order intake asks this). */
  async isBlocked(customerId: string, asOf = chinaToday(), em: EntityManager = this.dataSource.manager): Promise<boolean> {
    return hasUnpaidBillDueBefore(em, customerId, addDays(asOf, -BLOCKING_DAYS_OVERDUE));
  }

  /** What the daily job does, run now by an admin: as of today (China time), audited with the admin as actor. */
  async runNow(auth: AuthContext): Promise<ArrearsRunView> {
    const asOf = chinaToday();
    return { asOf, raised: await this.notify(asOf, auth) };
  }

  /**
   * The standing order intake reads, as a part of its batch of reads (beside
   * the customer's context: one round trip): blocked when a bill is unpaid
   * more than 90 days past its due date, with what is overdue (every unpaid
   * bill past its due date) and since when (the oldest of those due dates).
   */
  standingIn(batch: ReadBatch, customerId: string, asOf = chinaToday()): BatchPart<ArrearsStandingView> {
    return overdueStandingIn(batch, customerId, asOf, addDays(asOf, -BLOCKING_DAYS_OVERDUE)).map(standingView);
  }

  /**
   * The daily check: every overdue customer whose oldest debt has entered a
   * bucket it was not yet told about gets one arrears.overdue event (the
   * arrears_notices key makes it once per customer and bucket); customers no
   * longer overdue are forgotten, so a later debt is announced again.
   */
  async notify(asOf = chinaToday(), by: AuthContext | null = null): Promise<number> {
    const post = new PostCommit();
    const raised = await this.dataSource.transaction(async (em) => {
      const notices = await recordArrearsNotices(em, asOf);
      if (by) {
        // Run by hand (POST /billing/arrears/run): who asked, and what it came to, beside the notices themselves.
        await this.audit.record(em, by, {
          action: 'billing.arrears_run',
          entity: 'arrears_run',
          entityId: asOf,
          changes: { asOf, raised: notices.length },
          regions: [], // every region's customers: for nationwide readers
        });
      }
      await this.outbox.emitMany(
        em,
        post,
        notices.map((n) => ({
          type: 'arrears.overdue' as const,
          data: {
            customerId: n.customerId,
            customerNo: n.customerNo,
            bucket: n.bucket,
            overdueFen: fen(n.overdue),
            oldestOverdueDate: n.oldestOverdueDate,
            accountManagerId: n.accountManagerId,
            blockedForArrears: n.maxDaysOverdue > BLOCKING_DAYS_OVERDUE,
            asOf,
          },
        })),
      );
      await this.audit.recordMany(
        em,
        null,
        notices.map((n) => ({
          action: 'billing.arrears_notified',
          entity: 'customer',
          entityId: n.customerId,
          changes: { bucket: n.bucket, asOf },
          // the customer's home region joins the entry, so the directors and billing staff of that region read it too
          regions: [],
          customerId: n.customerId,
        })),
      );
      return notices.length;
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

/** What order intake is told: blocked or not, what is overdue in fen, since when. */
export interface ArrearsStandingView {
  blocked: boolean;
  overdueFen: number;
  oldestOverdueDate: string | null;
}

function standingView(s: OverdueStanding): ArrearsStandingView {
  return { blocked: s.blocked, overdueFen: fen(s.overdue), oldestOverdueDate: s.oldestOverdueDate };
}
