import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';
import { TicketDispatcher } from '../tickets/ticket-dispatch.port';
import type { TicketDispatchJobs } from '../tickets/ticket-dispatch.port';

export const SUPPORT_DISPATCH_JOB = 'dispatch-support';
/** The region whose waiting support requests the job dispatches; `supportRequestId` alone: a per-request job queued before dispatch went by region. */
export interface SupportDispatchJobData {
  region?: string;
  supportRequestId?: string;
}

/** Support dispatch jobs: `dispatch-support` on the `support-dispatch` queue, data `{ region }`, coalesced (key `dispatch-support-<region>-<priority>`) per region and priority while waiting. */
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
