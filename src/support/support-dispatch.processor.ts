import { Processor } from '@nestjs/bullmq';
import { QueueName } from '../queues/queue-names';
import { TicketDispatchProcessor } from '../tickets/ticket-dispatch.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { SUPPORT_DISPATCH_JOBS } from './support-dispatcher';
import type { SupportRequest } from './support-request.entity';
import { SupportService } from './support.service';

export type { DispatchOutcome as SupportDispatchOutcome } from '../tickets/ticket-dispatch.port';

/** Assigns each new support request to the on-duty engineer of its region with the least open work (the shared TicketDispatchProcessor). */
@Processor(QueueName.supportDispatch, { concurrency: 4 })
export class SupportDispatchProcessor extends TicketDispatchProcessor<SupportRequest> {
  constructor(support: SupportService, tickets: TicketWorkflow) {
    super(tickets, support.kind, SUPPORT_DISPATCH_JOBS);
  }
}
