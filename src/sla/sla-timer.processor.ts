import { InjectQueue, Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { SlaAlertingService } from './sla-alerting.service';
import { FIRE_JOB, FireJobData } from './sla-clocks.service';

export const SWEEP_JOB = 'sweep';

type SlaJob = Job<FireJobData, number, typeof FIRE_JOB> | Job<Record<string, never>, { raised: number; rearmed: number }, typeof SWEEP_JOB>;

/** Wakes on SLA thresholds; sweeps for anything a lost timer missed. */
@Processor(QueueName.sla, { concurrency: 32 })
export class SlaTimerProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly alerting: SlaAlertingService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, SWEEP_JOB, this.config.sla.sweepSeconds * 1000);
  }

  async process(job: SlaJob): Promise<unknown> {
    switch (job.name) {
      case FIRE_JOB:
        return this.alerting.fire(job.data);
      case SWEEP_JOB:
        return this.alerting.sweep(this.config.sla.sweepSeconds * 2);
      default: {
        const unknown: never = job;
        throw new Error(`no handler for sla job ${(unknown as Job).name}`);
      }
    }
  }
}
