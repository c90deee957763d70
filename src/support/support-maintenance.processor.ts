import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { TicketMaintenanceProcessor } from '../tickets/ticket-maintenance.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { SupportDispatcher } from './support-dispatcher';
import type { SupportRequest } from './support-request.entity';
import { SupportService } from './support.service';

export const MAINTAIN_SUPPORT_JOB = 'maintain-support';

/** Closes support requests resolved long ago, and re-dispatches those still waiting for an engineer (the shared TicketMaintenanceProcessor). */
@Processor(QueueName.support)
export class SupportMaintenanceProcessor extends TicketMaintenanceProcessor<SupportRequest> {
  constructor(
    @InjectQueue(QueueName.support) queue: Queue,
    support: SupportService,
    tickets: TicketWorkflow,
    dispatcher: SupportDispatcher,
    config: AppConfig,
  ) {
    super(queue, tickets, support.kind, dispatcher, { job: MAINTAIN_SUPPORT_JOB, autoCloseHours: () => config.sla.supportAutoCloseHours });
  }
}
