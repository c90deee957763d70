import { InjectQueue, Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { QueueName } from '../queues/queue-names';

export const PURGE_IDEMPOTENCY_KEYS = 'purge-idempotency-keys';
export type HousekeepingJob = Job<Record<string, never>, { purged: number }, typeof PURGE_IDEMPOTENCY_KEYS>;

/** Periodic clean-up that nothing else owns: expired idempotency keys. */
@Processor(QueueName.housekeeping)
export class HousekeepingProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.housekeeping) private readonly queue: Queue,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Every worker keeps the scheduler alive (it lives in Redis and a flush would drop it).
    this.keepScheduled(this.queue, PURGE_IDEMPOTENCY_KEYS, this.config.housekeepingIntervalSeconds * 1000);
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
