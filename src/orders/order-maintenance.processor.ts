import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { OrderFanOut } from './order-fan-out';

export const MAINTAIN_ORDERS_JOB = 'maintain-orders';
const EVERY_MS = 30_000;

/**
 * Re-enqueues work orders still pending well after they were taken: their
 * fulfilment job was lost (Redis down at commit, a flush). The job id is
 * deterministic, so a job still waiting is not doubled. Its own queue, so the
 * prioritised fulfilment queue holds only prioritised jobs.
 */
@Processor(QueueName.orders)
export class OrderMaintenanceProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.orders) private readonly queue: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fanOut: OrderFanOut,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, MAINTAIN_ORDERS_JOB, EVERY_MS);
  }

  async process(job: Job<Record<string, never>, unknown, typeof MAINTAIN_ORDERS_JOB>): Promise<{ requeued: number }> {
    if (job.name !== MAINTAIN_ORDERS_JOB) throw new Error(`no handler for orders job ${job.name}`);
    const pending: { id: string; priority: number; green_channel: boolean }[] = await this.dataSource.query(
      `SELECT id, priority, green_channel FROM work_orders
        WHERE state = 'pending' AND created_at < now() - interval '30 seconds'
        ORDER BY created_at LIMIT 2000`,
    );
    await this.fanOut.enqueue(pending.map((w) => ({ id: w.id, priority: w.priority, greenChannel: w.green_channel })));
    return { requeued: pending.length };
  }
}
