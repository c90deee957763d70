import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { TicketMaintenanceProcessor } from '../tickets/ticket-maintenance.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { FaultDispatcher } from './fault-dispatcher';
import type { Fault } from './fault.entity';
import { FaultsService } from './faults.service';

export const MAINTAIN_JOB = 'maintain-faults';

/** Closes faults resolved long ago, and re-dispatches faults still waiting for an engineer (the shared TicketMaintenanceProcessor). */
@Processor(QueueName.faults)
export class FaultMaintenanceProcessor extends TicketMaintenanceProcessor<Fault> {
  constructor(
    @InjectQueue(QueueName.faults) queue: Queue,
    faults: FaultsService,
    tickets: TicketWorkflow,
    dispatcher: FaultDispatcher,
    config: AppConfig,
  ) {
    super(queue, tickets, faults.kind, dispatcher, { job: MAINTAIN_JOB, autoCloseHours: () => config.sla.faultAutoCloseHours });
  }
}
