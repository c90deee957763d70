import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';
import { TicketDispatcher } from '../tickets/ticket-dispatch.port';
import type { TicketDispatchJobs } from '../tickets/ticket-dispatch.port';

export const DISPATCH_JOB = 'dispatch';
/** The region whose waiting faults the job dispatches; `faultId` alone: a per-fault job queued before dispatch went by region. */
export interface DispatchJobData {
  region?: string;
  faultId?: string;
}

/** Fault dispatch jobs: `dispatch` on the `dispatch` queue, data `{ region }`, coalesced (key `dispatch-<region>-<priority>`) per region and priority while waiting. */
export const FAULT_DISPATCH_JOBS: TicketDispatchJobs = { name: DISPATCH_JOB, idPrefix: 'dispatch', idField: 'faultId' };

@Injectable()
export class FaultDispatcher extends TicketDispatcher {
  constructor(@InjectQueue(QueueName.dispatch) queue: Queue) {
    super(queue, FAULT_DISPATCH_JOBS);
  }
}
