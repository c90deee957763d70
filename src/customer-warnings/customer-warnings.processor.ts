import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { dailyAtChinaTime } from '../queues/job-schedules';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { CustomerWarningsService, DAILY_JOB, EVALUATE_JOB, SWEEP_JOB } from './customer-warnings.service';

/** The job data: the evaluation to run (absent for the scheduled jobs). */
export type CustomerWarningsJob = Job<{ id?: string }, unknown, typeof DAILY_JOB | typeof EVALUATE_JOB | typeof SWEEP_JOB>;

const SWEEP_EVERY_MS = 60_000;

/**
 * The customer-warnings queue: the daily evaluation at CUSTOMER_WARNINGS_AT
 * China time (06:00, a job scheduler every worker keeps alive; BullMQ gives
 * each run to one worker, and the warnings' unique key makes a second run
 * harmless), evaluations on request, and the sweep that re-adds the job of
 * an evaluation whose job was lost with Redis.
 */
@Processor(QueueName.customerWarnings)
export class CustomerWarningsProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.customerWarnings) private readonly queue: Queue,
    private readonly warnings: CustomerWarningsService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduledAt(this.queue, DAILY_JOB, dailyAtChinaTime(this.config.customerWarnings.runAt));
    this.keepScheduled(this.queue, SWEEP_JOB, SWEEP_EVERY_MS);
  }

  async process(job: CustomerWarningsJob): Promise<unknown> {
    switch (job.name) {
      case DAILY_JOB:
        return this.warnings.daily(new Date());
      case EVALUATE_JOB:
        return this.warnings.runEvaluation(String(job.data.id));
      case SWEEP_JOB:
        return this.warnings.sweep();
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for customer-warnings job ${String(unknown)}`);
      }
    }
  }
}
