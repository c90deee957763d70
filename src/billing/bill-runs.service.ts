import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { isNationwide } from '../common/auth/region-scope';
import { PostCommit } from '../common/post-commit';
import { QueueName } from '../queues/queue-names';
import { BillingError, BillingErrorCode } from './billing.errors';
import { BillRunView } from './dto/billing-views.dto';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';
import {
  billRunById,
  billRunPeriod,
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
  ) {}

  async start(auth: AuthContext, period: string): Promise<BillRunView> {
    // A consolidated bill spans every region, so a run is for the whole country.
    if (!isNationwide(auth)) {
      throw new BillingError(
        BillingErrorCode.BILL_RUN_NEEDS_NATIONWIDE_SCOPE,
        'A bill run covers every region: it needs a nationwide (CN) scope or the admin role',
      );
    }
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
    return {
      ...run,
      processed,
      progressPercent: run.customersTotal ? Math.floor((processed * 100) / run.customersTotal) : 100,
      outcomes,
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
