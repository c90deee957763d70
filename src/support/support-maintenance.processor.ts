import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { SupportDispatcher } from './support-dispatcher';
import { SupportService } from './support.service';

export const MAINTAIN_SUPPORT_JOB = 'maintain-support';
const EVERY_MS = 60_000;

/** Closes support requests resolved long ago, and re-dispatches those still waiting for an engineer. */
@Processor(QueueName.support)
export class SupportMaintenanceProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.support) private readonly queue: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly support: SupportService,
    private readonly dispatcher: SupportDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, MAINTAIN_SUPPORT_JOB, EVERY_MS);
  }

  async process(job: Job<Record<string, never>, unknown, typeof MAINTAIN_SUPPORT_JOB>): Promise<{ closed: number; redispatched: number }> {
    if (job.name !== MAINTAIN_SUPPORT_JOB) throw new Error(`no handler for support job ${job.name}`);
    const closed = await this.support.autoClose(this.config.sla.supportAutoCloseHours);
    // An engineer may have come on duty, or a dispatch job was lost with Redis.
    const waiting: { id: string; priority: number; green_channel: boolean }[] = await this.dataSource.query(
      `SELECT id, priority, green_channel FROM support_requests
       WHERE assignee_id IS NULL AND state IN ('acknowledged', 'in_progress', 'pending', 'held') AND created_at < now() - interval '30 seconds'
       ORDER BY priority, created_at LIMIT 1000`,
    );
    await Promise.all(waiting.map((r) => this.dispatcher.enqueue({ id: r.id, priority: r.priority, greenChannel: r.green_channel })));
    return { closed, redispatched: waiting.length };
  }
}
