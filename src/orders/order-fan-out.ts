import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { queuePriority } from '../cases/priority';
import { QueueName } from '../queues/queue-names';
import type { WorkOrder } from './work-order.entity';

export const FULFIL_JOB = 'fulfil';
export interface FulfilJobData {
  workOrderId: string;
}

/** Deterministic and colon-free: re-adding a work order's job while it waits is a no-op. */
export const fulfilJobId = (workOrderId: string) => `fulfil-${workOrderId}`;

/**
 * Puts an order's work orders on the fulfilment queue, after commit, in one
 * round trip. Priority from the order (green channel first); every job has
 * one, since a job without a priority would jump all of them.
 */
@Injectable()
export class OrderFanOut {
  constructor(@InjectQueue(QueueName.fulfilment) private readonly queue: Queue) {}

  enqueue(workOrders: Pick<WorkOrder, 'id' | 'priority' | 'greenChannel'>[]): Promise<unknown> {
    if (!workOrders.length) return Promise.resolve();
    return this.queue.addBulk(
      workOrders.map((w) => ({
        name: FULFIL_JOB,
        data: { workOrderId: w.id } satisfies FulfilJobData,
        opts: {
          jobId: fulfilJobId(w.id),
          priority: queuePriority(w.priority, w.greenChannel),
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }
}
