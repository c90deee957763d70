import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { CustomersModule } from '../customers/customers.module';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';
import { CustomerOverviewController } from './customer-overview.controller';

/** The hotline console: reads from every module, exports nothing; nothing imports it. */
@Module({
  imports: [CustomersModule, BillingModule],
  controllers: [ConsoleController, CustomerOverviewController],
  providers: [ConsoleService],
})
export class ConsoleModule {}
