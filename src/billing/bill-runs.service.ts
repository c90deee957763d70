import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { PostCommit } from '../common/post-commit';
import { QueueName } from '../queues/queue-names';
import { invalidFields } from '../common/errors/common-errors';
import { BillingError, BillingErrorCode } from './billing.errors';
import { addDays, chinaToday, monthEnd } from '../common/time/china-days';
import { FUTURE_PERIOD, fen, isFuturePeriod } from './money';
import { AppConfig } from '../config/app-config';
import { isNationwide, scopePatterns } from '../common/auth/region-scope';
import { Page } from '../common/pagination/page';
import { BillRunQuery, BillRunsQuery } from './dto/billing-input.dto';
import { BillRunSummaryView, BillRunView } from './dto/billing-views.dto';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';
import {
  billRunById,
  billRunCustomers,
  billRunPeriod,
  countRunCustomers,
  billRunsPage,
  completeRun,
  insertBillRun,
  insertPendingRunItems,
  pendingRunCustomers,
  setRunTotal,
  staleRunningRuns,
} from './bills.repository';

export const BILL_CUSTOMER_JOB = 'bill-customer';

export interface BillCustomerJobData {
  runId: string;
  customerId: string;
  period: string;
}

/** Deterministic, without ':' — re-adding a job still waiting does nothing. */
export const billJobId = (runId: string, customerId: string) => `bill-${runId}-${customerId}`;

const ENQUEUE_CHUNK = 1000;

/**
 * Bill runs: a run row, one item per customer with unbilled charges, and one
 * BullMQ job per item. The jobs may run in any order, twice, or beside
 * another run's: BillIssuer and the bills' UNIQUE (customer_id, period) make
 * the outcome one bill per customer and period whatever happens.
 */
@Injectable()
export class BillRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.billing) private readonly queue: Queue,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async start(auth: AuthContext, period: string): Promise<BillRunView> {
    // A consolidated bill spans every region, so a run is for the whole country.
    if (!isNationwide(auth)) {
      throw new BillingError(
        BillingErrorCode.BILL_RUN_NEEDS_NATIONWIDE_SCOPE,
        'A bill run covers every region: it needs a nationwide (CN) scope or the admin role',
      );
    }
    if (isFuturePeriod(period)) throw invalidFields({ field: 'period', message: FUTURE_PERIOD });
    const id = randomUUID();
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      await insertBillRun(em, { id, period, startedBy: auth.staffId });
      const n = await insertPendingRunItems(em, id, period);
      await setRunTotal(em, id, n);
      await this.audit.record(em, auth, {
        action: 'billing.bill_run_started',
        entity: 'bill_run',
        entityId: id,
        changes: { period, customers: n },
        regions: [], // every region's customers: for nationwide readers
      });
      await recordOutcome(em, { resource: apiPath('billing', 'bill-runs', id) });
    });
    post.add(() => this.enqueuePending(id));
    await post.run();
    return this.get(id);
  }

  /** A run as GET /billing/bill-runs/{id} shows it: its progress and a page of its customers' outcomes (directors: those in scope). */
  async getFor(auth: AuthContext, id: string, q: BillRunQuery): Promise<BillRunView> {
    const run = await this.get(id);
    // Billing staff read every customer's billing data (pay anywhere); directors those in their scope (billing-access.ts).
    const patterns = hasRole(auth, 'billing') ? null : scopePatterns(auth);
    const filter = { outcome: q.outcome, scopePatterns: patterns };
    const [items, total] = await Promise.all([
      billRunCustomers(this.dataSource.manager, id, { ...filter, limit: q.limit, offset: q.offset }),
      // Everyone's count is the run's own; only a narrower scope needs counting.
      patterns
        ? countRunCustomers(this.dataSource.manager, id, { outcome: q.outcome, scopePatterns: patterns })
        : !q.outcome
          ? run.customersTotal
          : q.outcome === 'pending'
            ? run.customersTotal - run.processed
            : (run.outcomes[q.outcome] ?? 0),
    ]);
    return {
      ...run,
      customers: {
        items: items.map(({ total: amount, ...i }) => ({ ...i, totalFen: amount === null ? null : fen(amount) })),
        total,
        limit: q.limit,
        offset: q.offset,
      },
    };
  }

  /** Bill runs, newest first. */
  async list(q: BillRunsQuery): Promise<Page<BillRunSummaryView>> {
    const { items, total } = await billRunsPage(this.dataSource.manager, q);
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async get(id: string): Promise<BillRunView> {
    const run = await billRunById(this.dataSource.manager, id);
    if (!run) throw new BillingError(BillingErrorCode.BILL_RUN_NOT_FOUND, `No bill run ${id}`);
    const outcomes: Record<string, number> = { billed: 0, already_billed: 0, nothing_to_bill: 0, net_credit: 0, ...run.outcomes };
    const pending = outcomes.pending ?? 0;
    delete outcomes.pending;
    const processed = run.customersTotal - pending;
    if (run.state === 'running' && pending === 0) {
      // The last job finished: the run is complete as of its last item.
      const completedAt = await completeRun(this.dataSource.manager, id);
      run.state = 'completed';
      run.completedAt = completedAt ?? run.completedAt;
    }
    const periodDueDate = addDays(monthEnd(run.period), this.config.billing.dueDays);
    const startDay = chinaToday(run.startedAt);
    const dueDateAdjusted = periodDueDate < startDay;
    return {
      ...run,
      processed,
      progressPercent: run.customersTotal ? Math.floor((processed * 100) / run.customersTotal) : 100,
      outcomes,
      periodDueDate,
      dueDateAdjusted,
      notice: dueDateAdjusted
        ? `The period’s due date ${periodDueDate} is before the issue date ${startDay}: ` +
          `its bills fall due ${this.config.billing.dueDays} days after they are issued`
        : null,
    };
  }

  /** Adds a job for every item still pending (all of them at the start; the lost ones in the sweep). */
  async enqueuePending(runId: string): Promise<number> {
    const period = (await billRunPeriod(this.dataSource.manager, runId))!;
    const pending = await pendingRunCustomers(this.dataSource.manager, runId);
    for (let i = 0; i < pending.length; i += ENQUEUE_CHUNK) {
      await this.queue.addBulk(
        pending.slice(i, i + ENQUEUE_CHUNK).map((customerId) => ({
          name: BILL_CUSTOMER_JOB,
          data: { runId, customerId, period } satisfies BillCustomerJobData,
          opts: { jobId: billJobId(runId, customerId), removeOnComplete: { age: 3600, count: 1000 } },
        })),
      );
    }
    return pending.length;
  }

  /** Runs still pending a minute after they started lost jobs (Redis flushed, a worker killed): add them again. */
  async sweep(): Promise<number> {
    let added = 0;
    for (const id of await staleRunningRuns(this.dataSource.manager)) {
      const pending = await this.enqueuePending(id);
      added += pending;
      if (!pending) await this.get(id); // marks it completed
    }
    return added;
  }
}
