import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { queuePriority } from '../cases/priority';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import type { WorkOrder } from './work-order.entity';

export const FULFIL_JOB = 'fulfil';
export interface FulfilJobData {
  workOrderId: string;
}

/**
 * Deterministic and colon-free: re-adding a work order's job while it waits
 * is a no-op. A retried work order (pending again at a later version) gets a
 * job of its own, never mistaken for the one that dispatched it before.
 */
export const fulfilJobId = (workOrderId: string, version = 1) =>
  version > 1 ? `fulfil-${workOrderId}-v${version}` : `fulfil-${workOrderId}`;

/**
 * Puts an order's work orders on the fulfilment queue, after commit, in one
 * round trip. Priority from the order (green channel first); every job has
 * one, since a job without a priority would jump all of them.
 */
@Injectable()
export class OrderFanOut {
  constructor(
    @InjectQueue(QueueName.fulfilment) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  enqueue(workOrders: (Pick<WorkOrder, 'id' | 'priority' | 'greenChannel'> & Partial<Pick<WorkOrder, 'version'>>)[]): Promise<unknown> {
    if (!workOrders.length) return Promise.resolve();
    return this.queue.addBulk(
      workOrders.map((w) => ({
        name: FULFIL_JOB,
        data: { workOrderId: w.id } satisfies FulfilJobData,
        opts: {
          jobId: fulfilJobId(w.id, w.version),
          priority: queuePriority(w.priority, w.greenChannel),
          // a region's endpoint that refuses is retried like a webhook delivery, then the console queue takes over
          attempts: 5,
          backoff: { type: 'exponential', delay: this.config.events.webhookRetryBaseMs },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }
}
