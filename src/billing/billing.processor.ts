import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { dailyAtChinaTime } from '../queues/job-schedules';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { ArrearsService } from './arrears.service';
import { BillIssuer, BillOutcome } from './bill-issuer';
import { BILL_CUSTOMER_JOB, BillCustomerJobData, BillRunsService } from './bill-runs.service';

export const SWEEP_BILL_RUNS_JOB = 'sweep-bill-runs';
export const ARREARS_DAILY_JOB = 'arrears-daily';
const SWEEP_EVERY_MS = 60_000;

type BillingJob =
  | Job<BillCustomerJobData, BillOutcome, typeof BILL_CUSTOMER_JOB>
  | Job<Record<string, never>, number, typeof SWEEP_BILL_RUNS_JOB | typeof ARREARS_DAILY_JOB>;

/**
 * The billing queue: one job per customer of a bill run (several at once:
 * each is a short transaction on its own account row), the sweep that
 * re-adds a run's lost jobs, and the daily arrears check (at ARREARS_RUN_AT, China time).
 */
@Processor(QueueName.billing, { concurrency: 16 })
export class BillingProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.billing) private readonly queue: Queue,
    private readonly issuer: BillIssuer,
    private readonly runs: BillRunsService,
    private readonly arrears: ArrearsService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, SWEEP_BILL_RUNS_JOB, SWEEP_EVERY_MS);
    // At a fixed time of day in China (ARREARS_RUN_AT), not every 24 h from whenever a worker first started.
    this.keepScheduledAt(this.queue, ARREARS_DAILY_JOB, dailyAtChinaTime(this.config.billing.arrearsRunAt));
  }

  async process(job: BillingJob): Promise<unknown> {
    switch (job.name) {
      case BILL_CUSTOMER_JOB: {
        const { runId, customerId, period } = job.data;
        return (await this.issuer.issue(runId, customerId, period)).outcome;
      }
      case SWEEP_BILL_RUNS_JOB:
        return this.runs.sweep();
      case ARREARS_DAILY_JOB:
        return this.arrears.notify();
      default:
        throw new Error(`no handler for billing job ${(job as Job).name}`);
    }
  }
}
