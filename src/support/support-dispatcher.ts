import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';
import { queuePriority } from '../cases/priority';
import type { SupportRequest } from './support-request.entity';

export const SUPPORT_DISPATCH_JOB = 'dispatch-support';
export interface SupportDispatchJobData {
  supportRequestId: string;
}

/** Queues a new support request for the on-duty engineer of its region, in the faults' priority order. */
@Injectable()
export class SupportDispatcher {
  constructor(@InjectQueue(QueueName.supportDispatch) private readonly queue: Queue) {}

  enqueue(r: Pick<SupportRequest, 'id' | 'priority' | 'greenChannel'>): Promise<unknown> {
    return this.queue.add(SUPPORT_DISPATCH_JOB, { supportRequestId: r.id } satisfies SupportDispatchJobData, {
      jobId: `dispatch-support-${r.id}`,
      priority: queuePriority(r.priority, r.greenChannel),
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }
}
