import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { QueueName } from '../queues/queue-names';

export const PURGE_IDEMPOTENCY_KEYS = 'purge-idempotency-keys';
export type HousekeepingJob = Job<Record<string, never>, { purged: number }, typeof PURGE_IDEMPOTENCY_KEYS>;

/** Periodic clean-up that nothing else owns: expired idempotency keys. */
@Processor(QueueName.housekeeping)
export class HousekeepingProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(HousekeepingProcessor.name);

  constructor(
    @InjectQueue(QueueName.housekeeping) private readonly queue: Queue,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    // Upserting a scheduler is idempotent, so every worker process may do it.
    await this.queue.upsertJobScheduler(PURGE_IDEMPOTENCY_KEYS, { every: this.config.housekeepingIntervalSeconds * 1000 }, {
      name: PURGE_IDEMPOTENCY_KEYS,
    });
  }

  async process(job: HousekeepingJob): Promise<{ purged: number }> {
    switch (job.name) {
      case PURGE_IDEMPOTENCY_KEYS: {
        const purged = await this.idempotency.purgeExpired();
        if (purged) this.logger.log(`purged ${purged} expired idempotency keys`);
        return { purged };
      }
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for housekeeping job ${String(unknown)}`);
      }
    }
  }
}
