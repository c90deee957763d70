import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';
import { TicketDispatcher } from '../tickets/ticket-dispatch.port';
import type { TicketDispatchJobs } from '../tickets/ticket-dispatch.port';

export const SUPPORT_DISPATCH_JOB = 'dispatch-support';
export interface SupportDispatchJobData {
  supportRequestId: string;
  region: string;
}

/** Support dispatch jobs: `dispatch-support` on the `support-dispatch` queue, id `dispatch-support-<request>`, data `{ supportRequestId, region }`. */
export const SUPPORT_DISPATCH_JOBS: TicketDispatchJobs = {
  name: SUPPORT_DISPATCH_JOB,
  idPrefix: 'dispatch-support',
  idField: 'supportRequestId',
};

/** Queues a new support request for the on-duty engineer of its region, in the faults' priority order. */
@Injectable()
export class SupportDispatcher extends TicketDispatcher {
  constructor(@InjectQueue(QueueName.supportDispatch) queue: Queue) {
    super(queue, SUPPORT_DISPATCH_JOBS);
  }
}
