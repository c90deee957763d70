import { Processor } from '@nestjs/bullmq';
import { QueueName } from '../queues/queue-names';
import { TicketDispatchProcessor } from '../tickets/ticket-dispatch.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { FAULT_DISPATCH_JOBS } from './fault-dispatcher';
import type { Fault } from './fault.entity';
import { FaultsService } from './faults.service';

export type { DispatchOutcome } from '../tickets/ticket-dispatch.port';

/** Assigns each new fault to the on-duty engineer in its region with the least open work (the shared TicketDispatchProcessor). */
@Processor(QueueName.dispatch, { concurrency: 4 })
export class FaultDispatchProcessor extends TicketDispatchProcessor<Fault> {
  constructor(faults: FaultsService, tickets: TicketWorkflow) {
    super(tickets, faults.kind, FAULT_DISPATCH_JOBS);
  }
}
