import { InjectQueue, Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { FaultDispatcher } from './fault-dispatcher';
import { FaultsService } from './faults.service';

export const MAINTAIN_JOB = 'maintain-faults';
const EVERY_MS = 60_000;

/** Closes faults resolved long ago, and re-dispatches faults still waiting for an engineer. */
@Processor(QueueName.faults)
export class FaultMaintenanceProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {

  constructor(
    @InjectQueue(QueueName.faults) private readonly queue: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly faults: FaultsService,
    private readonly dispatcher: FaultDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, MAINTAIN_JOB, EVERY_MS);
  }

  async process(job: Job<Record<string, never>, unknown, typeof MAINTAIN_JOB>): Promise<{ closed: number; redispatched: number }> {
    if (job.name !== MAINTAIN_JOB) throw new Error(`no handler for faults job ${job.name}`);
    const closed = await this.faults.autoClose(this.config.sla.faultAutoCloseHours);
    // An engineer may have come on duty, or a dispatch job was lost with Redis.
    const waiting: { id: string; priority: number; green_channel: boolean }[] = await this.dataSource.query(
      `SELECT id, priority, green_channel FROM faults
       WHERE assignee_id IS NULL AND state IN ('acknowledged', 'in_progress', 'pending', 'held') AND created_at < now() - interval '30 seconds'
       ORDER BY priority, created_at LIMIT 1000`,
    );
    await Promise.all(waiting.map((f) => this.dispatcher.enqueue({ id: f.id, priority: f.priority, greenChannel: f.green_channel })));
    return { closed, redispatched: waiting.length };
  }
}
