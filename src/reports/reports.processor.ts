import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { dailyAtChinaTime } from '../queues/job-schedules';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { NIGHTLY_JOB, REBUILD_JOB, ReportsService } from './reports.service';

export type ReportsJob = Job<{ id?: string }, unknown, typeof NIGHTLY_JOB | typeof REBUILD_JOB>;

/** The reports queue: the nightly build at REPORTS_BUILD_AT China time (00:30), and rebuild requests. */
@Processor(QueueName.reports)
export class ReportsProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.reports) private readonly queue: Queue,
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduledAt(this.queue, NIGHTLY_JOB, dailyAtChinaTime(this.config.reports.buildAt));
  }

  async process(job: ReportsJob): Promise<unknown> {
    switch (job.name) {
      case NIGHTLY_JOB:
        return this.reports.nightly(new Date());
      case REBUILD_JOB:
        return this.reports.runRebuild(String(job.data.id));
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for reports job ${String(unknown)}`);
      }
    }
  }
}
