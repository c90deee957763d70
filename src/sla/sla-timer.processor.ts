import { InjectQueue, Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { SlaAlertingService } from './sla-alerting.service';
import { CalendarsService } from '../calendars/calendars.service';
import { FIRE_JOB, FireJobData, RELAYOUT_JOB, RelayoutJobData, SlaClocksService } from './sla-clocks.service';

export const SWEEP_JOB = 'sweep';

type SlaJob =
  | Job<FireJobData, number, typeof FIRE_JOB>
  | Job<Record<string, never>, { raised: number; rearmed: number }, typeof SWEEP_JOB>
  | Job<RelayoutJobData, number, typeof RELAYOUT_JOB>;

/** Wakes on SLA thresholds; sweeps for anything a lost timer missed. */
@Processor(QueueName.sla, { concurrency: 32 })
export class SlaTimerProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly alerting: SlaAlertingService,
    private readonly clocks: SlaClocksService,
    private readonly calendars: CalendarsService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, SWEEP_JOB, this.config.sla.sweepSeconds * 1000);
    // Running clocks follow their calendar's changes: every worker process hears one, so each asks once (a repeat is harmless).
    this.calendars.onChange(
      ({ keys }) =>
        void this.clocks
          .requestRelayout(keys)
          .catch((err: Error) =>
            this.logger.error({ err }, `could not queue the relayout of clocks on ${keys.join(', ')}; they keep their instants`),
          ),
    );
  }

  async process(job: SlaJob): Promise<unknown> {
    switch (job.name) {
      case FIRE_JOB:
        return this.alerting.fire(job.data);
      case SWEEP_JOB:
        return this.alerting.sweep();
      case RELAYOUT_JOB:
        // Whichever worker takes the job lays out on the calendars as PostgreSQL has them now.
        await this.calendars.refresh();
        return this.clocks.relayOut(job.data.calendarKeys);
      default: {
        const unknown: never = job;
        throw new Error(`no handler for sla job ${(unknown as Job).name}`);
      }
    }
  }
}
