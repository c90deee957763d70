import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';
import { queuePriority } from '../cases/priority';
import type { Fault } from './fault.entity';

export const DISPATCH_JOB = 'dispatch';
export interface DispatchJobData {
  faultId: string;
}

@Injectable()
export class FaultDispatcher {
  constructor(@InjectQueue(QueueName.dispatch) private readonly queue: Queue) {}

  enqueue(f: Pick<Fault, 'id' | 'priority' | 'greenChannel'>): Promise<unknown> {
    return this.queue.add(DISPATCH_JOB, { faultId: f.id } satisfies DispatchJobData, {
      jobId: `dispatch-${f.id}`,
      priority: queuePriority(f.priority, f.greenChannel),
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }
}
