import { Global, Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { CUSTOMER_REFERENCES } from '../customers/customer-references.port';
import { CustomersModule } from '../customers/customers.module';
import { CustomerWarningsModule } from '../customer-warnings/customer-warnings.module';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';
import { CustomerOverviewController } from './customer-overview.controller';
import { ConsoleCustomerReferences } from './customer-references';

/**
 * The hotline console: reads from every module; nothing imports it. Global
 * for one reason: it provides the customers module's CUSTOMER_REFERENCES
 * port (a case or bill number → its customer), which the customer search
 * injects without importing the console.
 */
@Global()
@Module({
  imports: [CustomersModule, BillingModule, CustomerWarningsModule],
  controllers: [ConsoleController, CustomerOverviewController],
  providers: [ConsoleService, { provide: CUSTOMER_REFERENCES, useClass: ConsoleCustomerReferences }],
  exports: [CUSTOMER_REFERENCES],
})
export class ConsoleModule {}
