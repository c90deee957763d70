import { Global, Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { TicketWorkflow } from './ticket-workflow.service';

/** The ticket lifecycle shared by faults, complaints and support requests. */
@Global()
@Module({
  imports: [CustomersModule],
  providers: [TicketWorkflow],
  exports: [TicketWorkflow],
})
export class TicketsModule {}
