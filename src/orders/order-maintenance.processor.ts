import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { OrderFanOut } from './order-fan-out';
import { workOrdersLongPending } from './work-orders.repository';

export const MAINTAIN_ORDERS_JOB = 'maintain-orders';
const EVERY_MS = 30_000;
/** Per run: the rest waits for the next one. */
const REQUEUE_AT_MOST = 2000;

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
    const pending = await workOrdersLongPending(this.dataSource.manager, REQUEUE_AT_MOST);
    await this.fanOut.enqueue(pending);
    return { requeued: pending.length };
  }
}
