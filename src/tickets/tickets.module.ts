import { Global, Module } from '@nestjs/common';
import { TicketWorkflow } from './ticket-workflow.service';

/** The ticket lifecycle shared by faults, complaints and support requests. */
@Global()
@Module({
  providers: [TicketWorkflow],
  exports: [TicketWorkflow],
})
export class TicketsModule {}
